import { describe, expect, it } from 'vitest';
import { formatCpuset, parseCpuset } from './cpuset';
import { formatDuration, parseDuration } from './duration';
import { formatSize, parseSize } from './size';

describe('parsers', () => {
  it('cpusets as libvirt writes them', () => {
    expect(parseCpuset('0-3')).toEqual([0, 1, 2, 3]);
    expect(parseCpuset('1-4,^2')).toEqual([1, 3, 4]);
    expect(parseCpuset('8,0-1')).toEqual([0, 1, 8]);
    expect(() => parseCpuset('0-3', 2)).toThrow(/beyond the host/);
    expect(() => parseCpuset('3-1')).toThrow(/3-1/);
    expect(() => parseCpuset('a')).toThrow(/invalid cpuset item 'a'/);
    expect(() => parseCpuset('^1')).toThrow(/no CPU/);
    expect(formatCpuset([0, 1, 2, 3, 8, 10, 11])).toBe('0-3,8,10-11');
  });
  it('durations in ns', () => {
    expect(parseDuration('20h')).toBe(72_000_000_000_000);
    expect(parseDuration('1ms')).toBe(1_000_000);
    expect(parseDuration('10')).toBe(10_000_000_000);
    expect(() => parseDuration('10x')).toThrow(/invalid duration/);
    expect(formatDuration(72_000_000_000_000)).toBe('20h');
  });
  it('sizes in powers of 1024', () => {
    expect(parseSize('512M')).toBe(512 * 1024 * 1024);
    expect(parseSize('1T')).toBe(1024 ** 4);
    expect(parseSize('4KiB')).toBe(4096);
    expect(() => parseSize('1Q')).toThrow(/invalid size/);
    expect(formatSize(224 * 1024 ** 3)).toBe('224G');
  });
});

describe('bounded quoting and JSON checks', () => {
  it('quotes a bounded prefix, names Infinity and NaN, survives deep and cyclic values', async () => {
    const { quote } = await import('./quote');
    const { formatPath } = await import('./field-error');
    expect(quote('heap')).toBe("'heap'");
    expect(quote('x'.repeat(1000))).toMatch(/^'x{80}…' \(1000 characters\)$/);
    expect(quote(Infinity)).toBe('Infinity');
    expect(quote(NaN)).toBe('NaN');
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(quote(deep).length).toBeLessThan(100);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(quote(cyclic).length).toBeLessThan(100);
    expect(formatPath(Array.from({ length: 1000 }, () => 0)).length).toBeLessThan(200);
    expect(formatPath(['k'.repeat(10_000)]).length).toBeLessThan(100);
  });
  it('finds too-deep values and non-finite numbers by path', async () => {
    const { valueProblem, parseJsonText } = await import('./json');
    expect(valueProblem({ a: [1, { b: Infinity }] })?.message).toBe('a[1].b: expected a finite number, got Infinity');
    expect(valueProblem({ a: [[[1]]] }, 3)?.message).toBe('a[0][0]: nested deeper than 3 levels');
    expect(valueProblem({ a: [[1]] }, 3)).toBeNull();
    expect(() => parseJsonText('{"a": [1, {"b\\"c": -2e999}]}')).toThrow('a[1].b"c: expected a finite number, got -2e999');
  });
});
