import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src-common/parse/limits';
import { parseHwlocXml } from './hwloc';
import { importLibvirtXml } from './libvirt';

// Issue 11: 60,000 nested elements were refused in the XML parser's own words ("Maximum nested
// tags exceeded"), naming no limit.
describe('XML nesting bound', () => {
  const nest = (n: number, tag: string, attrs = '') => `<${tag}${attrs}>`.repeat(n) + `</${tag}>`.repeat(n);
  const message = `elements nested deeper than ${LIMITS.xmlDepth.value} levels`;

  it('an hwloc file nested past the limit is refused naming the limit', () => {
    expect(() => parseHwlocXml(`<?xml version="1.0"?><topology version="2.0">${nest(60_000, 'object', ' type="Group" os_index="0"')}</topology>`)).toThrow(message);
  });

  it('a libvirt domain nested past the limit is refused naming the limit', () => {
    expect(() => importLibvirtXml(`<domain type="kvm"><name>g</name><memory>1048576</memory><vcpu>2</vcpu>${nest(60_000, 'metadata')}</domain>`)).toThrow(message);
  });
});
