import { describe, expect, it } from 'vitest';
import { exploreIpiAxiomatic } from './explore-ipi-axiomatic';
import { barriersOf } from './handshake';

describe('prototype: the seed pair on the axiomatic POWER model with the loss condition pushed into the enumeration', () => {
  it('no barriers: the CALL_FUNCTION is lost in both of the seed sequences', () => {
    const r = exploreIpiAxiomatic(barriersOf('none'));
    expect(r.losses.map((l) => `${l.lost} ${l.pattern}`)).toEqual(['CALL_FUNCTION clear-late', 'CALL_FUNCTION message-store-late']);
    // The CALL_FUNCTION sender's "queue was not empty" path needs a foreign non-zero write to its
    // queue, which nobody makes: the write-count prune drops it.
    expect(r.stats[0].stats.paths[2]).toBe(2);
    expect(r.stats[0].stats.pathsKept[2]).toBe(1);
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
