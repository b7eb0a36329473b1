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
  /** Removes event `id` if pending; says whether it was. */
  cancel(id: number): boolean {
    const i = this.items.findIndex((x) => x.id === id);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
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
  const handles: number[] = [];
  let nextId = 0;
  const add = (time: number, priority: number, children: [number, number][]) => {
    const id = nextId++;
    ref.add(time, priority, id);
    handles[id] = q.schedule(time, priority, () => {
      const want = ref.pop();
      if (want.id !== id || want.time !== q.now) throw new Error(`ran event ${id} at ${q.now}, reference expected ${want.id} at ${want.time}`);
      ran.push(id);
      for (const [delay, p] of children) add(q.now + delay, p, []);
    });
  };
  /** Cancels the event created `pick`-th (mod the count so far) in both; they must agree whether it was pending. */
  const cancel = (pick: number) => {
    if (nextId === 0) return;
    const id = pick % nextId;
    expect(q.cancel(handles[id])).toBe(ref.cancel(id));
    expect(q.pending(handles[id])).toBe(false);
  };
  return { q, ref, ran, add, cancel };
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
  fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }),
);

describe('EventQueue against a sorted reference', () => {
  it('runs events in exactly the reference order (time, priority, sequence) under random schedules, cancels, steps and runUntil', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 200 }), (commands) => {
        const { q, ref, add, cancel } = lockstep();
        for (const c of commands) {
          if (c.op === 'schedule') add(q.now + c.delay, c.priority, c.children);
          else if (c.op === 'cancel') cancel(c.pick);
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

  it('cancels events in the wheel and in the heap; a stale or repeated cancel changes nothing', () => {
    const q = new EventQueue();
    const seen: string[] = [];
    const near = q.schedule(10, 50, () => seen.push('near'));
    const far = q.schedule(2 ** 50, 50, () => seen.push('far'));
    const other = q.schedule(20, 50, () => seen.push('other'));
    // Laid out from the near events, the wheel does not reach 2^50: `far` waits in the heap.
    expect(q.size).toBe(3);
    expect(q.cancel(far)).toBe(true);
    expect(q.cancel(far)).toBe(false);
    expect(q.size).toBe(2);
    expect(q.cancel(near)).toBe(true);
    expect(q.peekTime()).toBe(20);
    q.runUntil(Infinity);
    expect(seen).toEqual(['other']);
    expect(q.cancel(other)).toBe(false);
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBe(Infinity);
    // A handle stays unambiguous after its record is reused.
    const reused = q.schedule(q.now + 5, 50, () => seen.push('reused'));
    expect(q.cancel(near)).toBe(false);
    expect(q.pending(reused)).toBe(true);
    // A handler can cancel an event at its own instant, and its own handle is no longer pending.
    let self = 0;
    self = q.schedule(q.now + 5, 10, () => {
      expect(q.pending(self)).toBe(false);
      expect(q.cancel(self)).toBe(false);
      expect(q.cancel(reused)).toBe(true);
    });
    q.runUntil(Infinity);
    expect(seen).toEqual(['other']);
  });

  it('keeps a bucket whole when its head, middle or tail is cancelled and more events join it', () => {
    for (const victim of [0, 1, 2]) {
      const q = new EventQueue();
      const seen: string[] = [];
      const hs = ['a', 'b', 'c'].map((n) => q.schedule(10, 50, () => seen.push(n)));
      expect(q.cancel(hs[victim])).toBe(true);
      // The freed record is reused at once, for an earlier event in another bucket.
      q.schedule(5, 50, () => seen.push('early'));
      q.schedule(10, 50, () => seen.push('d'));
      q.schedule(10, 10, () => seen.push('first'));
      q.runUntil(100);
      expect(seen).toEqual(['early', 'first', ...['a', 'b', 'c'].filter((_, i) => i !== victim), 'd']);
      expect(q.size).toBe(0);
    }
  });

  it('peekTime and step skip cancelled events at the top of the heap', () => {
    const q = new EventQueue();
    const seen: number[] = [];
    q.schedule(0, 50, () => seen.push(0));
    q.step();
    const hs = [5e12, 6e12, 7e12].map((t) => q.schedule(t, 50, () => seen.push(t)));
    q.cancel(hs[0]);
    q.cancel(hs[1]);
    expect(q.peekTime()).toBe(7e12);
    expect(q.step()).toBe(true);
    expect(seen).toEqual([0, 7e12]);
    q.cancel(q.schedule(8e12, 50, () => seen.push(8e12)));
    expect(q.step()).toBe(false);
    expect(q.size).toBe(0);
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
