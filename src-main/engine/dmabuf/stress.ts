import { Priority, Simulation, type ParamValues, type Rng } from '../core';
import { resolveParams } from '../params';
import { FieldError } from '../../../src-common/parse/field-error';
import { DeadlockDetector } from './deadlock-detector';
import { FenceContext, waitAll, type DmaFence } from './fence';
import { InvariantMonitor, type MonitoredJob } from './invariant-monitor';
import { DMA_BUF_MAX_SHARED_FENCE, WW_POLICIES, WwClass, type LockPolicy, type ReservationObject, type WwTicket } from './reservation';
import { reserveAll } from './reserve-all';
import { SystemHeap } from './system-heap';

export interface StressOptions {
  buffers: number;
  workers: number;
  jobs: number;
  /** 'unordered' (ticket ordering off) exists only so tests can show the detector finds deadlocks. */
  mode: LockPolicy;
  seed: number;
  /** Model parameter overrides (dmabuf.*). */
  params?: ParamValues;
}

/** The JSON of `twb dmabuf stress`. */
export interface StressResult {
  completedJobs: number;
  deadlocks: number;
  orderViolations: number;
  backoffs: number;
  jobsPerSimulatedSecond: number;
}

export interface StressRun {
  result: StressResult;
  simulatedNs: number;
  wounds: number;
  /** Back-offs where the ticket did not lose to an older one (must stay 0: the older never yields). */
  olderYielded: number;
  /** Readers that found DMA_BUF_MAX_SHARED_FENCE unsignalled shared fences and waited for a slot. */
  sharedSlotWaits: number;
  deadlockCycles: string[][];
  violationDetails: string[];
  traceDigest: string;
  log: string;
}

export const STRESS_LIMITS = {
  buffers: [1, 4096],
  workers: [1, 1024],
  jobs: [0, 10_000_000],
  seed: [0, 2 ** 32 - 1],
} as const;

/** Checks the options; the first problem is a FieldError naming the option. */
export function checkStressOptions(o: StressOptions): void {
  for (const key of ['buffers', 'workers', 'jobs', 'seed'] as const) {
    const [lo, hi] = STRESS_LIMITS[key];
    const v = o[key];
    if (!Number.isSafeInteger(v) || v < lo || v > hi) throw new FieldError(key, `expected an integer ${lo}..${hi}, got ${String(v)}`);
  }
  if (![...WW_POLICIES, 'unordered'].includes(o.mode)) throw new FieldError('mode', `expected one of ${WW_POLICIES.join(', ')}, got '${o.mode}'`);
}

/**
 * The reservation stress (after the kernel's test-ww_mutex stress): W workers share N system
 * heap buffers. Each job reserves 1..k random buffers in random order with a ticket, waits
 * (holding them) for the fences its accesses depend on, builds and submits its job, attaches
 * its fence (shared for reads, exclusive for writes), releases the reservations, and moves on
 * while its device (one per worker, FIFO) runs the job and then signals the fence.
 */
export function runStress(opts: StressOptions): StressRun {
  checkStressOptions(opts);
  const sim = new Simulation({ seed: opts.seed, params: resolveParams(opts.params ?? {}) });
  const p = sim.params;
  const attemptNs = p.get('dmabuf.lockAttemptNs');
  const submitNs = p.get('dmabuf.submitNs');
  const jobMeanNs = p.get('dmabuf.jobMeanNs');
  const thinkMeanNs = p.get('dmabuf.thinkMeanNs');
  const perJobMax = Math.min(p.get('dmabuf.buffersPerJobMax'), opts.buffers);
  const writeFraction = p.get('dmabuf.writeFraction');

  const after = (delay: number, fn: () => void) => sim.after(delay, Priority.DEFAULT, fn, 'dmabuf');
  const ww = new WwClass(opts.mode, (fn) => sim.after(0, Priority.DEFAULT, fn, 'dmabuf wake'));
  const heap = new SystemHeap(sim);
  const bufs = Array.from({ length: opts.buffers }, () => heap.allocate(p.get('dmabuf.pageBytes')));
  const detector = new DeadlockDetector((cycle) => {
    const names = cycle.map((t) => t.owner);
    sim.trace.emit(sim.now, 'dmabuf.deadlock', { cycle: names.join(' ') });
    sim.printk(`dmabuf: deadlock: ${[...names, names[0]].join(' -> ')} (wait-for cycle)`);
  });
  const monitor = new InvariantMonitor(opts.buffers);
  let issued = 0;
  let completed = 0;
  let lastCompletionNs = 0;
  let olderYielded = 0;
  let sharedSlotWaits = 0;

  const worker = (w: number) => {
    const name = `worker${w}`;
    const rng = sim.rng(`dmabuf.${name}`);
    const timeline = new FenceContext(`gpu${w}`, () => sim.now);
    let deviceFreeAt = 0;

    const nextJob = (): void => {
      if (issued >= opts.jobs) return;
      const id = issued++;
      const picks = sample(rng, opts.buffers, 1 + rng.int(perJobMax));
      const writes = picks.map(() => rng.chance(writeFraction));
      const resvs = picks.map((b) => bufs[b].resv);
      const ticket = ww.ticket(name);
      const onBackoff = (contended: ReservationObject, winner: WwTicket | null) => {
        if (!winner || !winner.olderThan(ticket)) olderYielded++;
        sim.trace.emit(sim.now, 'dmabuf.backoff', { job: id, ticket: ticket.stamp, buf: contended.name, winner: winner?.stamp ?? null });
      };
      reserveAll(ticket, resvs, { attemptNs, after, detector, onBackoff }, () => {
        // Holding every reservation: gather the fences each access must wait for.
        const deps: DmaFence[] = [];
        const slotWaits: DmaFence[] = [];
        resvs.forEach((r, i) => {
          deps.push(...r.fencesFor(writes[i]));
          if (!writes[i]) {
            r.pruneSignaledShared();
            if (r.fenceShared.length >= DMA_BUF_MAX_SHARED_FENCE) {
              slotWaits.push(r.fenceShared[0]);
              sharedSlotWaits++;
            }
          }
        });
        for (const f of deps) f.get();
        waitAll([...deps, ...slotWaits], () =>
          after(submitNs, () => {
            const fence = timeline.create();
            resvs.forEach((r, i) => {
              if (writes[i]) r.addExclusiveFence(fence);
              else {
                r.pruneSignaledShared();
                r.addSharedFence(fence);
              }
            });
            const job: MonitoredJob = { id, buffers: picks, writes, deps, mustFollow: [], started: false, completed: false };
            monitor.commit(job);
            ticket.releaseAll();
            runOnDevice(job, fence);
            after(Math.round(rng.exp(thinkMeanNs)), nextJob);
          }),
        );
      });
    };

    const runOnDevice = (job: MonitoredJob, fence: DmaFence) => {
      const start = Math.max(sim.now, deviceFreeAt);
      const duration = Math.max(1, Math.round(rng.exp(jobMeanNs)));
      deviceFreeAt = start + duration;
      sim.at(start, Priority.HARDWARE, () => {
        monitor.start(job);
        for (const f of job.deps) f.put();
      }, 'dmabuf job start');
      sim.at(start + duration, Priority.HARDWARE, () => {
        monitor.end(job);
        completed++;
        lastCompletionNs = sim.now;
        fence.signal();
        fence.put();
      }, 'dmabuf job end');
    };

    after(Math.round(rng.exp(thinkMeanNs)), nextJob);
  };

  for (let w = 0; w < opts.workers; w++) worker(w);
  sim.runUntil(Infinity);

  sim.trace.emit(sim.now, 'dmabuf.stress', { completed, deadlocks: detector.deadlocks, violations: monitor.violations, backoffs: ww.backoffs, wounds: ww.wounds });
  return {
    result: {
      completedJobs: completed,
      deadlocks: detector.deadlocks,
      orderViolations: monitor.violations,
      backoffs: ww.backoffs,
      jobsPerSimulatedSecond: lastCompletionNs > 0 ? round3((completed * 1e9) / lastCompletionNs) : 0,
    },
    simulatedNs: lastCompletionNs,
    wounds: ww.wounds,
    olderYielded,
    sharedSlotWaits,
    deadlockCycles: detector.cycles,
    violationDetails: monitor.details,
    traceDigest: sim.trace.digest,
    log: sim.log.format(),
  };
}

/** k distinct values of 0..n-1 in random order (a partial Fisher–Yates shuffle). */
function sample(rng: Rng, n: number, k: number): number[] {
  const idx: number[] = new Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  idx.length = k;
  return idx;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
