import { describe, expect, expectTypeOf, it } from 'vitest';
import { ParamRegistry, type ParamDef } from './core';
import { allParams, checkParam, PARAMS, resolveParams } from './params';

describe('the parameter registry', () => {
  it('holds every table: device parameters too, with no import for side effects', () => {
    const keys = allParams().map((d) => d.key);
    for (const k of ['stress.cpu.duty', 'qemu.workers', 'host.sched.wake_on_vcpu_extra', 'ipi.delivery_ns', 'aie.clockHz', 'mhi.host.syscallNs', 'dmabuf.cameraFrameNs', 'host.khugepaged.duty'])
      expect(keys).toContain(k);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives every parameter a documented range that holds its default', () => {
    for (const d of allParams()) {
      expect(d.doc.length, d.key).toBeGreaterThan(10);
      expect(d.source.length, d.key).toBeGreaterThan(3);
      if (d.unit === 'bool' || d.unit === 'enum' || d.unit === 'string') continue;
      expect(Number.isFinite(d.min) && Number.isFinite(d.max), d.key).toBe(true);
      expect(d.min <= (d.default as number) && (d.default as number) <= d.max, d.key).toBe(true);
      if (d.integer) expect(Number.isInteger(d.default), d.key).toBe(true);
    }
  });

  it('refuses out-of-range values naming the key and its range', () => {
    expect(() => checkParam('qemu.workers', '1e7')).toThrow('qemu.workers: expected an integer from 1 to 64 (count), got "1e7"');
    expect(() => checkParam('qemu.workers', 2.5)).toThrow('qemu.workers: expected an integer from 1 to 64 (count), got 2.5');
    expect(() => checkParam('ipi.store_stall_fraction', -0.1)).toThrow('ipi.store_stall_fraction: expected a number from 0 to 1 (fraction), got -0.1');
    expect(() => checkParam('ipi.fidelity', 'exact')).toThrow('ipi.fidelity: expected one of fast, detailed, got "exact"');
    expect(() => checkParam('host.ksm.run', 'yes')).toThrow('host.ksm.run: expected true or false, got "yes"');
    expect(() => checkParam('kernel.release', 'x'.repeat(65))).toThrow('kernel.release: expected a string of at most 64 characters');
    expect(() => checkParam('ipi.store_stal_fraction', 0.1)).toThrow("unknown parameter 'ipi.store_stal_fraction'");
    expect(checkParam('qemu.workers', '64')).toBe(64);
    expect(checkParam('host.ksm.run', 'off')).toBe(false);
  });

  it('types values by key, and a misspelt key does not compile', () => {
    const p = resolveParams({ 'qemu.workers': 4 });
    expect(p.get('qemu.workers')).toBe(4);
    expectTypeOf(p.get('qemu.workers')).toEqualTypeOf<number>();
    expectTypeOf(p.get('host.ksm.run')).toEqualTypeOf<boolean>();
    expectTypeOf(p.get('host.thp.enabled')).toEqualTypeOf<'always' | 'madvise' | 'never'>();
    expectTypeOf(p.get('kernel.release')).toEqualTypeOf<string>();
    // @ts-expect-error — not a parameter key (typecheck fails if this ever compiles).
    expect(p.get('ipi.store_stal_fraction')).toBeUndefined();
  });

  it('refuses a table whose default is outside its range, or a key defined twice', () => {
    const def = (over: Partial<ParamDef>): ParamDef => ({ key: 'x.y', unit: 'count', default: 5, min: 0, max: 10, doc: 'a test parameter', source: 'test', ...over }) as ParamDef;
    expect(() => new ParamRegistry([def({ default: 11 })])).toThrow('x.y: expected a number from 0 to 10 (count), got 11');
    expect(() => new ParamRegistry([def({ integer: true, default: 0.5 })])).toThrow('x.y: expected an integer');
    expect(() => new ParamRegistry([def({}), def({})])).toThrow("parameter 'x.y' defined twice");
    expect(() => new ParamRegistry([def({ min: 3, max: 2, default: 2 })])).toThrow("parameter 'x.y': min 3 > max 2");
    expect(PARAMS.has('qemu.workers')).toBe(true);
  });

  it('layers workspace then run overrides over the defaults', () => {
    const p = resolveParams({ 'host.hz': 250, 'qemu.workers': 4 }, { 'host.hz': '1000' });
    expect(p.get('host.hz')).toBe(1000);
    expect(p.get('qemu.workers')).toBe(4);
    expect(p.get('stress.cpu.duty')).toBe(1);
  });
});
