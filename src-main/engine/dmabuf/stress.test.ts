import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FenceContext } from './fence';
import { InvariantMonitor, type MonitoredJob } from './invariant-monitor';
import { runStress, type StressOptions } from './stress';

const base: StressOptions = { buffers: 16, workers: 8, jobs: 2000, mode: 'wound-wait', seed: 7 };

describe('dma-buf reservation stress', () => {
  for (const mode of ['wound-wait', 'wait-die'] as const) {
    it(`${mode}: many buffers x workers complete every job with no deadlock or order violation`, () => {
      const r = runStress({ ...base, mode });
      expect(r.result.completedJobs).toBe(2000);
      expect(r.result.deadlocks).toBe(0);
      expect(r.result.orderViolations).toBe(0);
      expect(r.result.backoffs).toBeGreaterThan(0); // there was contention to resolve
      expect(r.olderYielded).toBe(0);
      expect(r.result.jobsPerSimulatedSecond).toBeGreaterThan(0);
    });
  }

  it('few buffers, many workers (heavy contention, full shared-fence slots) still completes', () => {
    const r = runStress({ buffers: 2, workers: 24, jobs: 1500, mode: 'wait-die', seed: 3, params: { 'dmabuf.writeFraction': 0.05 } });
    expect(r.result).toMatchObject({ completedJobs: 1500, deadlocks: 0, orderViolations: 0 });
    expect(r.sharedSlotWaits).toBeGreaterThan(0);
  });

  it('the detector counts deadlocks when ticket ordering is disabled', () => {
    const r = runStress({ ...base, mode: 'unordered' });
    expect(r.result.deadlocks).toBeGreaterThan(0);
    expect(r.result.completedJobs).toBeLessThan(2000);
    expect(r.deadlockCycles[0].length).toBeGreaterThanOrEqual(2);
    expect(r.log).toMatch(/dmabuf: deadlock: worker\d+ -> .* \(wait-for cycle\)/);
  });

  it('is deterministic: same options, same trace and result; another seed differs', () => {
    const a = runStress({ ...base, jobs: 300 });
    const b = runStress({ ...base, jobs: 300 });
    const c = runStress({ ...base, jobs: 300, seed: 8 });
    expect(b.result).toEqual(a.result);
    expect(b.traceDigest).toBe(a.traceDigest);
    expect(c.result).not.toEqual(a.result);
  });

  it('refuses bad options naming the field', () => {
    expect(() => runStress({ ...base, buffers: 0 })).toThrow(/^buffers: expected an integer 1\.\.4096, got 0$/);
    expect(() => runStress({ ...base, workers: 1.5 })).toThrow(/^workers: /);
    expect(() => runStress({ ...base, jobs: -1 })).toThrow(/^jobs: /);
    expect(() => runStress({ ...base, mode: 'fifo' as never })).toThrow(/^mode: expected one of wound-wait, wait-die, got 'fifo'$/);
  });

  it('zero jobs is an empty run', () => {
    expect(runStress({ ...base, jobs: 0 }).result).toEqual({ completedJobs: 0, deadlocks: 0, orderViolations: 0, backoffs: 0, jobsPerSimulatedSecond: 0 });
  });
});

describe('invariants (property tests)', () => {
  it('no deadlock, no job before its fences, writers exclude readers, the older never yields', () => {
    fc.assert(
      fc.property(
        fc.record({
          buffers: fc.integer({ min: 1, max: 6 }),
          workers: fc.integer({ min: 1, max: 8 }),
          jobs: fc.integer({ min: 0, max: 80 }),
          mode: fc.constantFrom('wound-wait' as const, 'wait-die' as const),
          seed: fc.integer({ min: 0, max: 2 ** 31 }),
          writeFraction: fc.double({ min: 0, max: 1, noNaN: true }),
          perJob: fc.integer({ min: 1, max: 6 }),
        }),
        ({ writeFraction, perJob, ...o }) => {
          const r = runStress({ ...o, params: { 'dmabuf.writeFraction': writeFraction, 'dmabuf.buffersPerJobMax': perJob } });
          expect(r.result.deadlocks).toBe(0);
          expect(r.violationDetails).toEqual([]);
          expect(r.result.orderViolations).toBe(0);
          expect(r.result.completedJobs).toBe(o.jobs);
          expect(r.olderYielded).toBe(0);
        },
      ),
      { numRuns: 150, seed: 20261122 },
    );
  });
});

describe('InvariantMonitor', () => {
  const ctx = new FenceContext('m', () => 0);
  const job = (id: number, buffers: number[], writes: boolean[], deps = [] as ReturnType<typeof ctx.create>[]): MonitoredJob => ({
    id,
    buffers,
    writes,
    deps,
    mustFollow: [],
    started: false,
    completed: false,
  });

  it('flags a job that starts before a fence it depends on', () => {
    const m = new InvariantMonitor(1);
    const j = job(1, [0], [false], [ctx.create()]);
    m.commit(j);
    m.start(j);
    expect(m.violations).toBe(1);
  });

  it('flags a reader that runs alongside a writer, and a writer overtaking an earlier reader', () => {
    const m = new InvariantMonitor(1);
    const w = job(1, [0], [true]);
    const r = job(2, [0], [false]);
    m.commit(w);
    m.commit(r);
    m.start(w);
    m.start(r);
    expect(m.violations).toBe(1);
    const m2 = new InvariantMonitor(1);
    const r2 = job(3, [0], [false]);
    const w2 = job(4, [0], [true]);
    m2.commit(r2);
    m2.commit(w2);
    m2.start(w2);
    expect(m2.violations).toBe(1);
  });

  it('accepts readers together and a writer after them', () => {
    const m = new InvariantMonitor(1);
    const [a, b, w] = [job(1, [0], [false]), job(2, [0], [false]), job(3, [0], [true])];
    [a, b, w].forEach((j) => m.commit(j));
    m.start(a);
    m.start(b);
    m.end(a);
    m.end(b);
    m.start(w);
    m.end(w);
    expect(m.violations).toBe(0);
  });
});
