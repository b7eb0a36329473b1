import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Priority, Simulation } from '../core';
import { DeadlockDetector } from './deadlock-detector';
import { FenceContext } from './fence';
import { DMA_BUF_MAX_SHARED_FENCE, ReservationObject, WwClass, type LockPolicy, type WwTicket } from './reservation';
import { reserveAll } from './reserve-all';

/** A simulation with a ww class and n reservation objects. */
function setup(policy: LockPolicy, n: number) {
  const sim = new Simulation({ seed: 1 });
  const schedule = (fn: () => void) => sim.after(0, Priority.DEFAULT, fn, 'wake');
  const ww = new WwClass(policy, schedule);
  const objs = Array.from({ length: n }, (_, i) => new ReservationObject(`buf${i}`, schedule));
  const detector = new DeadlockDetector();
  const after = (d: number, fn: () => void) => sim.after(d, Priority.DEFAULT, fn, 'attempt');
  return { sim, ww, objs, detector, after };
}

describe('single reservation results', () => {
  it('re-reserving an object the same ticket holds is EDEADLK', () => {
    const { ww, objs } = setup('wait-die', 1);
    const t = ww.ticket('a');
    expect(objs[0].lock(t)).toBe('locked');
    expect(objs[0].lock(t)).toBe('EDEADLK');
    expect(objs[0].tryLock(t)).toBe('EDEADLK');
  });

  it('try-reserve of a held object is EBUSY, of a free one succeeds', () => {
    const { ww, objs } = setup('wound-wait', 2);
    expect(objs[0].lock(ww.ticket('a'))).toBe('locked');
    expect(objs[0].tryLock()).toBe('EBUSY');
    expect(objs[0].tryLock(ww.ticket('b'))).toBe('EBUSY');
    expect(objs[1].tryLock()).toBe(0);
    expect(objs[1].reserved).toBe(true);
  });

  it('wait-die: the younger holding something backs off (EAGAIN), the older waits', () => {
    const { ww, objs } = setup('wait-die', 2);
    const old = ww.ticket('old');
    const young = ww.ticket('young');
    objs[0].lock(old);
    objs[1].lock(young);
    expect(objs[0].lock(young)).toBe('EAGAIN');
    expect(objs[1].lock(old)).toBe('wait');
  });

  it('wound-wait: the older wounds the younger holder and waits; the younger waits', () => {
    const { ww, objs } = setup('wound-wait', 2);
    const old = ww.ticket('old');
    const young = ww.ticket('young');
    objs[0].lock(old);
    objs[1].lock(young);
    expect(objs[1].lock(old)).toBe('wait');
    expect(young.wounded).toBe(true);
    expect(young.woundedBy).toBe(old);
    expect(objs[0].lock(young)).toBe('EAGAIN');
  });

  it('a ticket holding nothing may wait for anyone (no cycle possible)', () => {
    const { ww, objs } = setup('wait-die', 1);
    const old = ww.ticket('old');
    const young = ww.ticket('young');
    objs[0].lock(old);
    expect(objs[0].lock(young)).toBe('wait');
  });

  it('keeps one exclusive and at most DMA_BUF_MAX_SHARED_FENCE shared fences, only under reservation', () => {
    const { sim, ww, objs } = setup('wait-die', 1);
    const ctx = new FenceContext('f', () => sim.now);
    const r = objs[0];
    expect(() => r.addExclusiveFence(ctx.create())).toThrow(/without holding its reservation/);
    r.lock(ww.ticket('a'));
    const excl = ctx.create();
    r.addExclusiveFence(excl);
    expect(r.fencesFor(false)).toEqual([excl]);
    const shared = Array.from({ length: DMA_BUF_MAX_SHARED_FENCE }, () => ctx.create());
    for (const s of shared) r.addSharedFence(s);
    expect(() => r.addSharedFence(ctx.create())).toThrow(/EINVAL: .*DMA_BUF_MAX_SHARED_FENCE \(8\)/);
    expect(r.fencesFor(true)).toEqual(shared); // a writer waits for the readers
    expect(r.fencesFor(false)).toEqual([excl]); // a reader for the last writer
    shared[0].signal();
    r.pruneSignaledShared();
    expect(r.fenceShared).toHaveLength(DMA_BUF_MAX_SHARED_FENCE - 1);
    const w = ctx.create();
    r.addExclusiveFence(w);
    expect(r.fenceShared).toHaveLength(0);
    expect(excl.refcount).toBe(1); // the buffer dropped its reference
  });
});

/** Runs one reserveAll per ticket (ticket i reserving lists[i] after holding first[i]), to completion. */
function race(policy: LockPolicy, n: number, plan: (objs: ReservationObject[]) => { first: number; then: number[] }[]) {
  const { sim, ww, objs, detector, after } = setup(policy, n);
  const steps = plan(objs);
  const tickets: WwTicket[] = steps.map((_, i) => ww.ticket(`t${i}`));
  const finished: number[] = [];
  const lostTo: [string, string | null][] = [];
  steps.forEach((s, i) => {
    // Each takes its first object at once, then (a little later) asks for the rest, like test-ww_mutex's workers.
    expect(objs[s.first].lock(tickets[i])).toBe('locked');
    reserveAll(tickets[i], s.then.map((k) => objs[k]), { attemptNs: 100, after, detector, onBackoff: (_, w) => lostTo.push([tickets[i].owner, w?.owner ?? null]) }, (r) => {
      expect(r).toBe(0);
      finished.push(i);
      after(1000, () => tickets[i].releaseAll());
    });
  });
  sim.runUntil(Infinity);
  return { finished, detector, ww, lostTo, tickets };
}

describe('test-ww_mutex style', () => {
  for (const policy of ['wait-die', 'wound-wait'] as const) {
    describe(policy, () => {
      it('A-B vs B-A: both complete, the younger backs off, no deadlock', () => {
        const { finished, detector, lostTo } = race(policy, 2, () => [
          { first: 0, then: [1] },
          { first: 1, then: [0] },
        ]);
        expect(finished.sort()).toEqual([0, 1]);
        expect(detector.deadlocks).toBe(0);
        expect(lostTo.length).toBeGreaterThan(0);
        for (const [loser, winner] of lostTo) expect([loser, winner]).toEqual(['t1', 't0']);
      });

      for (let n = 2; n <= 8; n++) {
        it(`cyclic chain of ${n}: every worker completes`, () => {
          const { finished, detector, lostTo, tickets } = race(policy, n, () =>
            Array.from({ length: n }, (_, i) => ({ first: i, then: [(i + 1) % n] })),
          );
          expect(finished).toHaveLength(n);
          expect(detector.deadlocks).toBe(0);
          const stamp = (o: string | null) => tickets.find((t) => t.owner === o)!.stamp;
          for (const [loser, winner] of lostTo) expect(stamp(winner)).toBeLessThan(stamp(loser)); // the older never yields
        });
      }
    });
  }

  it('with ticket ordering disabled, the detector finds the A-B/B-A deadlock', () => {
    const { finished, detector } = race('unordered', 2, () => [
      { first: 0, then: [1] },
      { first: 1, then: [0] },
    ]);
    expect(finished).toEqual([]);
    expect(detector.deadlocks).toBe(1);
    expect(detector.cycles[0].sort()).toEqual(['t0', 't1']);
  });

  it('with ticket ordering disabled, the detector finds a cyclic chain of 5', () => {
    const { finished, detector } = race('unordered', 5, () => Array.from({ length: 5 }, (_, i) => ({ first: i, then: [(i + 1) % 5] })));
    expect(finished).toEqual([]);
    expect(detector.deadlocks).toBe(1);
    expect(detector.cycles[0]).toHaveLength(5);
  });

  it('a list naming one object twice fails with EDEADLK and leaves nothing held', () => {
    const { sim, ww, objs, after } = setup('wait-die', 2);
    const t = ww.ticket('dup');
    let result: unknown;
    reserveAll(t, [objs[0], objs[1], objs[0]], { attemptNs: 10, after }, (r) => (result = r));
    sim.runUntil(Infinity);
    expect(result).toBe('EDEADLK');
    expect(objs.map((o) => o.reserved)).toEqual([false, false]);
  });
});

describe('wound-wait wakes a sleeping younger holder', () => {
  it('an older requester holding something wounds it at once; one holding nothing just waits (as the kernel does)', () => {
    for (const oHoldsSomething of [true, false]) {
      const { sim, ww, objs, after } = setup('wound-wait', 3);
      const [A, B, C] = objs;
      const [o, m, y] = [ww.ticket('o'), ww.ticket('m'), ww.ticket('y')]; // o oldest, y youngest
      expect(A.lock(m)).toBe('locked'); // m holds A until 10 µs
      expect(B.lock(y)).toBe('locked');
      if (oHoldsSomething) expect(C.lock(o)).toBe('locked');
      reserveAll(y, [A], { attemptNs: 10, after }, () => after(1000, () => y.releaseAll())); // y, holding B, sleeps on A
      sim.runUntil(100);
      expect(y.sleepingOn).toBe(A);
      let oAt = -1;
      reserveAll(o, [B], { attemptNs: 10, after }, () => (oAt = sim.now));
      after(10_000, () => m.releaseAll());
      sim.runUntil(Infinity);
      if (oHoldsSomething) {
        expect(oAt).toBeLessThan(10_000); // o took B long before m let A go
        expect(ww.backoffs).toBe(1);
        expect(y.woundedBy).toBe(o);
      } else {
        expect(oAt).toBeGreaterThan(10_000); // no wound: o waited for y to finish
        expect(ww.backoffs).toBe(0);
      }
    }
  });
});

describe('ticketed reservation (property)', () => {
  it('random transactions all complete without deadlock; the older never yields', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('wound-wait' as const, 'wait-die' as const),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.record({ start: fc.nat(500), hold: fc.integer({ min: 1, max: 300 }), order: fc.array(fc.nat(4), { minLength: 1, maxLength: 5 }) }), { minLength: 1, maxLength: 8 }),
        (policy, n, txs) => {
          const { sim, ww, objs, detector, after } = setup(policy, n);
          let finished = 0;
          let inversions = 0;
          for (const [i, tx] of txs.entries()) {
            const list = [...new Set(tx.order.map((k) => k % n))].map((k) => objs[k]);
            after(tx.start, () => {
              const t = ww.ticket(`t${i}`);
              const onBackoff = (_: unknown, winner: WwTicket | null) => {
                if (!winner || !winner.olderThan(t)) inversions++;
              };
              reserveAll(t, list, { attemptNs: 20, after, detector, onBackoff }, (r) => {
                expect(r).toBe(0);
                for (const o of list) expect(o.holder).toBe(t);
                after(tx.hold, () => {
                  t.releaseAll();
                  finished++;
                });
              });
            });
          }
          sim.runUntil(Infinity);
          expect(detector.deadlocks).toBe(0);
          expect(inversions).toBe(0);
          expect(finished).toBe(txs.length);
          expect(objs.every((o) => !o.reserved)).toBe(true);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});
