import { describe, expect, it } from 'vitest';
import { loadWorkspace } from '../workspace/load';
import { checkGrid, configurations, parseSeeds, parseVary } from './grid';

const seed = loadWorkspace('builtin:seed-power9-ipi');

describe('parseSeeds', () => {
  it('takes ranges and lists in order', () => {
    expect(parseSeeds('1..5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeeds('9, 1..3,20')).toEqual([9, 1, 2, 3, 20]);
    expect(parseSeeds('0')).toEqual([0]);
    expect(parseSeeds('1..200')).toHaveLength(200);
  });
  it('names what is wrong', () => {
    expect(() => parseSeeds('1..x')).toThrow(/seeds: expected seeds like 1\.\.200 or 1,5,9, got "x"/);
    expect(() => parseSeeds('5..1')).toThrow(/seeds: range "5\.\.1" ends before it starts/);
    expect(() => parseSeeds('1..3,2')).toThrow(/seeds: seed 2 is listed twice/);
    expect(() => parseSeeds('-1')).toThrow(/seeds: expected seeds like/);
    expect(() => parseSeeds('4294967296')).toThrow(/seeds: expected seeds ≤ 4294967295/);
    expect(() => parseSeeds('0..4294967295')).toThrow(/seeds: expected at most 20000 seeds/);
    expect(() => parseSeeds('1,'.repeat(3000))).toThrow(/at most 4096 characters/);
  });
});

describe('parseVary and configurations', () => {
  it('builds the cartesian product, first axis outermost', () => {
    const axes = [parseVary('kernel.barriers=none,both'), parseVary('watchdog.thresh_s = 10, 20')];
    expect(axes[1]).toEqual({ key: 'watchdog.thresh_s', values: ['10', '20'] });
    expect(configurations(axes).map((c) => c.key)).toEqual([
      '{"kernel.barriers":"none","watchdog.thresh_s":"10"}',
      '{"kernel.barriers":"none","watchdog.thresh_s":"20"}',
      '{"kernel.barriers":"both","watchdog.thresh_s":"10"}',
      '{"kernel.barriers":"both","watchdog.thresh_s":"20"}',
    ]);
    expect(configurations([])).toEqual([{ index: 0, params: {}, key: '{}' }]);
  });
  it('names what is wrong', () => {
    expect(() => parseVary('kernel.barriers')).toThrow(/vary: expected KEY=V1,V2/);
    expect(() => parseVary('kernel.barriers=none,,set')).toThrow(/vary kernel.barriers: empty value/);
    expect(() => parseVary('kernel.barriers=none,none')).toThrow(/vary kernel.barriers: value "none" is listed twice/);
  });
});

describe('checkGrid', () => {
  it('accepts the seed grid', () => {
    expect(checkGrid(seed, [parseVary('kernel.barriers=none,set,clear,both')], {}, 200)).toHaveLength(4);
  });
  it('checks every key and value through the run overrides and the parameter registry', () => {
    expect(() => checkGrid(seed, [parseVary('kernel.barriers=none,sometimes')], {}, 1)).toThrow(/vary kernel.barriers=sometimes: kernel.barriers: expected one of none, set, clear, both/);
    expect(() => checkGrid(seed, [parseVary('no.such=1,2')], {}, 1)).toThrow(/vary no.such=1: unknown parameter 'no.such'/);
    expect(() => checkGrid(seed, [parseVary('watchdog.thresh_s=10,abc')], {}, 1)).toThrow(/vary watchdog.thresh_s=abc: watchdog.thresh_s: expected an integer from 1 to 60 \(s\), got "abc"/);
    expect(() => checkGrid(seed, [parseVary('workloads.C=stress -c 1')], {}, 1)).toThrow(/vary workloads.C=stress -c 1: workloads.C: no guest named 'C'/);
    expect(() => checkGrid(seed, [parseVary('kernel.barriers=none'), parseVary('kernel.barriers=both')], {}, 1)).toThrow(/vary kernel.barriers: the key is varied twice/);
    expect(() => checkGrid(seed, [parseVary('kernel.barriers=none')], { 'kernel.barriers': 'both' }, 1)).toThrow(/vary kernel.barriers: the key is also given with --set/);
    expect(() => checkGrid(seed, [], { 'no.such': 1 }, 1)).toThrow(/set: unknown parameter/);
  });
  it('bounds the grid', () => {
    const many = (k: string) => parseVary(`${k}=${Array.from({ length: 40 }, (_, i) => i + 10).join(',')}`);
    expect(() => checkGrid(seed, [many('watchdog.thresh_s'), many('rcu.stall_timeout_s')], {}, 1)).toThrow(/vary: expected at most 1000 configurations, got 1600/);
    expect(() => checkGrid(seed, [parseVary('kernel.barriers=none,set,clear,both')], {}, 6000)).toThrow(/seeds: expected at most 20000 runs \(configurations × seeds\), got 24000/);
  });
});
