import { describe, expect, it } from 'vitest';
import { exploreIpiAxiomatic } from './explore-ipi-axiomatic';
import { barriersOf } from './handshake';

describe('prototype: the seed pair on the axiomatic POWER model with the loss condition pushed into the enumeration', () => {
  it('no barriers: the CALL_FUNCTION is lost in both of the seed sequences', () => {
    const r = exploreIpiAxiomatic(barriersOf('none'));
    expect(r.losses.map((l) => `${l.lost} ${l.pattern}`)).toEqual(['CALL_FUNCTION clear-late', 'CALL_FUNCTION message-store-late']);
    const s = r.stats[0].stats;
    // The prunes leave a small part of the target's paths (how small is a figure for the README, not a test).
    expect(s.pathsKept[0]).toBeLessThan(s.paths[0]);
  });

  it('smp_mb before the set: only the sequence where the target clears host_ipi after the set remains', () => {
    expect(exploreIpiAxiomatic(barriersOf('set')).losses.map((l) => l.pattern)).toEqual(['clear-late']);
  });

  it('both barriers (the fix): no execution loses the IPI', () => {
    const r = exploreIpiAxiomatic(barriersOf('both'));
    expect(r.lostIpiReachable).toBe(false);
    expect(r.stats[0].stats.candidates).toBeGreaterThan(0);
  });
});
