import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue';
import { OverflowHeap } from './overflow-heap';
import { Rng } from './prng';

/** The reference: a plain list, the next event found by a linear scan over (time, priority, seq). */
class ReferenceQueue {
  private items: { time: number; priority: number; seq: number; id: number }[] = [];
  private seq = 0;
  add(time: number, priority: number, id: number): void {
    this.items.push({ time, priority, seq: this.seq++, id });
  }
  get size(): number {
    return this.items.length;
  }
  private minIndex(): number {
    let best = 0;
    for (let i = 1; i < this.items.length; i++) {
      const a = this.items[i];
      const b = this.items[best];
      if (a.time < b.time || (a.time === b.time && (a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq)))) best = i;
    }
    return best;
  }
  peekTime(): number {
    return this.items.length ? this.items[this.minIndex()].time : Infinity;
  }
  pop(): { time: number; id: number } {
    return this.items.splice(this.minIndex(), 1)[0];
  }
}

/**
 * Drives an EventQueue and the reference in lockstep. Every event, when it runs, checks it is the
 * reference's next one, then schedules its children (delays fixed when it was created), so
 * events are also scheduled from inside handlers, at `now` and around it.
 */
function lockstep() {
  const q = new EventQueue();
  const ref = new ReferenceQueue();
  const ran: number[] = [];
  let nextId = 0;
  const add = (time: number, priority: number, children: [number, number][]) => {
    const id = nextId++;
    ref.add(time, priority, id);
    q.schedule(time, priority, () => {
      const want = ref.pop();
      if (want.id !== id || want.time !== q.now) throw new Error(`ran event ${id} at ${q.now}, reference expected ${want.id} at ${want.time}`);
      ran.push(id);
      for (const [delay, p] of children) add(q.now + delay, p, []);
    });
  };
  return { q, ref, ran, add };
}

const delay = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 8 }),
  fc.integer({ min: 0, max: 5_000 }),
  fc.integer({ min: 0, max: 10_000_000 }),
  fc.integer({ min: 0, max: 2 ** 45 }),
);
const priority = fc.constantFrom(10, 20, 50, 80, 90);
const command = fc.oneof(
  fc.record({ op: fc.constant('schedule' as const), delay, priority, children: fc.array(fc.tuple(delay, priority), { maxLength: 3 }) }),
  fc.record({ op: fc.constant('step' as const), times: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('runUntil' as const), delay }),
);

describe('EventQueue against a sorted reference', () => {
  it('runs events in exactly the reference order (time, priority, sequence) under random schedules, steps and runUntil', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 200 }), (commands) => {
        const { q, ref, add } = lockstep();
        for (const c of commands) {
          if (c.op === 'schedule') add(q.now + c.delay, c.priority, c.children);
          else if (c.op === 'step')
            for (let i = 0; i < c.times; i++) {
              const pending = ref.size > 0;
              expect(q.step()).toBe(pending);
            }
          else {
            const until = q.now + c.delay;
            q.runUntil(until);
            expect(ref.peekTime()).toBeGreaterThan(until);
            expect(q.now).toBe(until);
          }
          expect(q.size).toBe(ref.size);
          expect(q.peekTime()).toBe(ref.peekTime());
        }
        q.runUntil(Infinity);
        expect(ref.size).toBe(0);
        expect(q.size).toBe(0);
        expect(q.step()).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the order when a burst crowds buckets laid out for sparse events', () => {
    const { q, ref, ran, add } = lockstep();
    const rng = new Rng(3, 'burst');
    // Sparse events make the wheel wide (seconds per bucket) ...
    for (let i = 1; i <= 40; i++) add(i * 1e9, 50, []);
    q.step();
    // ... then thousands land in one bucket in random order, from outside and inside handlers.
    for (let i = 0; i < 3000; i++) add(q.now + rng.int(1e6), [10, 50, 90][rng.int(3)], [[rng.int(1000), 50]]);
    q.runUntil(Infinity);
    expect(ran.length).toBe(40 + 6000);
    expect(ref.size).toBe(0);
  });

  it('handles many events at one instant, times near 2^53 and clear()', () => {
    const { q, ref, ran, add } = lockstep();
    for (let i = 0; i < 2000; i++) add(1000, [90, 50, 10][i % 3], []);
    add(2 ** 53 - 1, 50, []);
    add(2 ** 52, 50, [[0, 10]]);
    q.runUntil(Infinity);
    expect(ran.length).toBe(2003);
    expect(ref.size).toBe(0);
    q.clear();
    expect(q.now).toBe(0);
    expect(q.size).toBe(0);
    const seen: string[] = [];
    q.schedule(5, 50, () => seen.push('b'));
    q.schedule(5, 10, () => seen.push('a'));
    q.runUntil(10);
    expect(seen).toEqual(['a', 'b']);
  });

  it('grows its record pool and wheel for a large hold-model population', () => {
    const q = new EventQueue();
    const rng = new Rng(5, 'hold');
    let fired = 0;
    let last = 0;
    let backwards = 0;
    const hold = () => {
      if (q.now < last) backwards++;
      last = q.now;
      fired++;
      q.schedule(q.now + Math.round(rng.exp(1000)), 0, hold);
    };
    for (let i = 0; i < 20_000; i++) q.schedule(rng.int(5000), 0, hold);
    for (let i = 0; i < 200_000; i++) q.step();
    expect(fired).toBe(200_000);
    expect(backwards).toBe(0);
    expect(q.size).toBe(20_000);
  });
});

describe('OverflowHeap', () => {
  it('pops by (time, key) whatever the push order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5 })), { maxLength: 300 }), (items) => {
        const h = new OverflowHeap();
        items.forEach(([t, k], i) => h.push(t, k * 1000 + i, i));
        const got: number[] = [];
        while (h.size > 0) got.push(h.pop());
        const want = items.map((x, i) => ({ t: x[0], k: x[1] * 1000 + i, i })).sort((a, b) => a.t - b.t || a.k - b.k);
        expect(got).toEqual(want.map((x) => x.i));
        expect(h.minTime()).toBe(Infinity);
      }),
    );
  });
});
