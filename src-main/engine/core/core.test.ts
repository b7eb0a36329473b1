import { describe, expect, it } from 'vitest';
import { EventQueue, EventFailure } from './event-queue';
import { Rng } from './prng';
import { formatLogTime } from './kernel-log';
import { Priority } from './priorities';
import { Simulation } from './simulation';
import { Trace } from './trace';

describe('EventQueue', () => {
  it('orders by time, then priority, then insertion', () => {
    const q = new EventQueue();
    const seen: string[] = [];
    q.schedule(20, Priority.DEFAULT, () => seen.push('t20'));
    q.schedule(10, Priority.DETECTOR, () => seen.push('t10-detector'));
    q.schedule(10, Priority.DEFAULT, () => seen.push('t10-a'));
    q.schedule(10, Priority.DEFAULT, () => seen.push('t10-b'));
    q.schedule(10, Priority.HARDWARE, () => seen.push('t10-hw'));
    q.runUntil(100);
    expect(seen).toEqual(['t10-hw', 't10-a', 't10-b', 't10-detector', 't20']);
    expect(q.now).toBe(100);
  });

  it('matches a sorted reference on random schedules', () => {
    const rng = new Rng(7, 'q');
    const q = new EventQueue();
    const ref: [number, number, number][] = [];
    const got: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const t = rng.int(1000);
      const p = rng.int(4) * 10;
      ref.push([t, p, i]);
      q.schedule(t, p, () => got.push(i));
    }
    q.runUntil(Infinity);
    ref.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    expect(got).toEqual(ref.map((r) => r[2]));
  });

  it('refuses to schedule into the past and wraps handler failures with their time', () => {
    const q = new EventQueue();
    q.schedule(50, 0, () => {});
    q.runUntil(60);
    expect(() => q.schedule(10, 0, () => {}, 'late')).toThrow(/before now/);
    q.schedule(70, 0, () => { throw new Error('boom'); }, 'bad');
    expect(() => q.runUntil(100)).toThrow(EventFailure);
  });
});

describe('Rng', () => {
  it('is deterministic per (seed, stream) and streams differ', () => {
    const a = new Rng(1, 'ipi');
    const b = new Rng(1, 'ipi');
    const c = new Rng(1, 'mhi');
    const xs = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.u32())).not.toEqual(xs);
  });
  it('draws uniformly enough', () => {
    const r = new Rng(3, 'u');
    let sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) sum += r.float();
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.int(3)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});

describe('kernel log', () => {
  it('formats time as printk does', () => {
    expect(formatLogTime(1256_287_426_000)).toBe('[ 1256.287426]');
    expect(formatLogTime(0)).toBe('[    0.000000]');
  });
});

describe('Simulation', () => {
  it('gives the same trace digest for the same seed', () => {
    const run = (seed: number) => {
      const sim = new Simulation({ seed });
      const r = sim.rng('x');
      const tick = () => {
        sim.trace.emit(sim.now, 'tick', { v: r.int(100) });
        if (sim.now < 1e6) sim.after(r.exp(1000), Priority.DEFAULT, tick);
      };
      sim.at(0, Priority.DEFAULT, tick);
      sim.runUntil(2e6);
      return sim.trace.digest;
    };
    expect(run(1)).toBe(run(1));
    expect(run(1)).not.toBe(run(2));
  });
  it('keeps the most recent records in order', () => {
    const t = new Trace(3);
    for (let i = 0; i < 5; i++) t.emit(i, 'k');
    expect(t.recent().map((r) => r.t)).toEqual([2, 3, 4]);
  });
});
