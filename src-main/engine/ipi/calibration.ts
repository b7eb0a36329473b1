/**
 * The store-visibility timing of the handshake episodes, derived from hardware (docs/models/ipi.md
 * "Calibration"). A litmus test run on POWER is the same kind of event as a handshake episode:
 * two CPUs each issue a few stores and loads at nearly the same moment. So the timing model of
 * the episodes is fitted to how often hardware showed each shape's relaxed outcome
 * (hardware-counts.ts), with the litmus programs run by the same timed driver as the episodes:
 *  - each thread starts at a uniform offset in [0, skew] (the litmus harness's synchronisation,
 *    a nuisance parameter of the fit, not used by the episodes);
 *  - a store becomes visible after an exponential delay of mean `storeNs`, or, with probability
 *    `stallFraction`, of mean `stallNs` (a store that waits in the store queue: a miss, a line
 *    held by another chip);
 *  - a load takes an exponential `loadNs`; a sync's barrier reaches each CPU `syncNs` after it
 *    commits and what it orders has (so a sync is acknowledged then); an lwsync commits `lwsyncNs`
 *    after it may; one instruction issues per `stepNs`.
 * The fit minimises the squared log-ratio of modelled to observed frequency over the tests
 * with a nonzero count, with common random numbers (the same Rng seed for every candidate).
 *
 * Frequencies only depend on ratios of durations (scaling every duration by k leaves them
 * unchanged once the issue step and the normal store delay are small), so the counts fix the
 * shape of the timing, not its unit: one duration is an anchor taken from a hardware
 * measurement (`STALL_ANCHOR`), the others are fitted relative to it.
 */
import { Rng } from '../core';
import { compile, Machine, type Program } from '../memory-model';
import { HARDWARE_COUNTS, observedFrequency, type HardwareCount } from './hardware-counts';
import { runTimed, type OpDelays } from './timed-run';

export interface StoreTiming {
  stepNs: number;
  syncNs: number;
  lwsyncNs: number;
  storeNs: number;
  stallFraction: number;
  stallNs: number;
  loadNs: number;
}

/** The delays of one operation under `t`. */
export function opDelays(t: StoreTiming): OpDelays {
  return {
    store: (rng) => (t.stallFraction > 0 && rng.chance(t.stallFraction) ? rng.exp(t.stallNs) : rng.exp(t.storeNs)),
    load: (rng) => rng.exp(t.loadNs),
  };
}

const compiled = new Map<string, { prog: Program; machine: Machine; regs: string[][]; locs: string[] }>();

function compiledTest(c: HardwareCount) {
  let p = compiled.get(c.test);
  if (!p) {
    const prog = compile(c.program);
    p = { prog, machine: new Machine(prog), regs: prog.threads.map((t) => t.regs), locs: prog.locs };
    compiled.set(c.test, p);
  }
  return p;
}

/** How often `c`'s relaxed outcome appears in `runs` timed runs. */
export function litmusFrequency(c: HardwareCount, t: StoreTiming, skewNs: number, runs: number, rng: Rng): number {
  const { prog, machine, regs, locs } = compiledTest(c);
  const delays = opDelays(t);
  let hits = 0;
  const starts = prog.threads.map(() => 0);
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < starts.length; k++) starts[k] = rng.float() * skewNs;
    const { state } = runTimed(prog, delays, { stepNs: t.stepNs, syncNs: t.syncNs, lwsyncNs: t.lwsyncNs, startAt: starts, deliveryNs: 0 }, rng, undefined, machine);
    const r = regs.map((names, ti) => Object.fromEntries(names.map((name) => [name, machine.register(state, ti, name)])));
    const mem = machine.memory(state);
    const m = Object.fromEntries(locs.map((l, li) => [l, mem[li]]));
    if (c.outcome(r, m)) hits++;
  }
  return hits / runs;
}

export interface FitPoint {
  timing: StoreTiming;
  skewNs: number;
}

export interface FitRow {
  test: string;
  observed: number;
  modelled: number;
  runs: number;
}

/** Modelled against observed frequency for every hardware count. */
export function compare(p: FitPoint, runs: number, seed = 1, counts: readonly HardwareCount[] = HARDWARE_COUNTS): FitRow[] {
  return counts.map((c) => ({ test: c.test, observed: observedFrequency(c), modelled: litmusFrequency(c, p.timing, p.skewNs, runs, new Rng(seed, `calibration:${c.test}`)), runs }));
}

/** Squared log-ratio summed over the tests hardware showed; a floor keeps zero counts finite. */
export function misfit(rows: readonly FitRow[]): number {
  let e = 0;
  for (const r of rows) {
    if (r.observed === 0) continue;
    const floor = 0.5 / r.runs;
    e += Math.log(Math.max(r.modelled, floor) / r.observed) ** 2;
  }
  return e;
}

/**
 * The tests fitted: the R family (the handshake's own shape and its two reorderings) and the
 * store-buffering and store-order shapes it is made of. MP and S also depend on load→load
 * reordering and on where coherence orders a stalled store, which this timing does not model;
 * they are reported, not fitted.
 */
export const FITTED_TESTS = ['R', 'R+po+sync', 'R+sync+po', 'R+lwsync+po', 'SB', 'SB+sync+po', '2+2W'] as const;

/**
 * The unit of the fitted timing: a stalled store's mean delay is taken as the latency of a line
 * held in another core's cache region, 55 ns on POWER8 (AnandTech, "Assessing IBM's POWER8,
 * Part 1", LMBench random-load latency at 16 MB, beyond the core's local 8 MB L3 region).
 */
export const STALL_ANCHOR = { stallNs: 55, source: 'AnandTech, Assessing IBM\'s POWER8 Part 1: LMBench latency 55 ns beyond the local 8 MB L3 region' } as const;

/**
 * Every parameter whose value was chosen to match an outcome (the fit above; the table of
 * docs/models/ipi.md "Calibration" lists them with their target and source). A parameter whose
 * registry source says it was fitted or calibrated must be one of these (calibration.test.ts).
 */
export const FITTED_PARAMS = ['ipi.store_stall_fraction', 'ipi.sync_ns', 'ipi.lwsync_ns', 'ipi.load_ns'] as const;

/** The litmus harness's start skew the fit found (a nuisance parameter of the fit; the episodes do not use it). */
export const HARNESS_SKEW_NS = 98;

/** The store timing the `ipi.*` parameters give (what the episodes run with). */
export function timingOf(p: { get(key: 'ipi.step_ns' | 'ipi.store_visible_ns' | 'ipi.store_stall_ns' | 'ipi.store_stall_fraction' | 'ipi.sync_ns' | 'ipi.lwsync_ns' | 'ipi.load_ns'): number }): StoreTiming {
  return {
    stepNs: p.get('ipi.step_ns'),
    storeNs: p.get('ipi.store_visible_ns'),
    stallNs: p.get('ipi.store_stall_ns'),
    stallFraction: p.get('ipi.store_stall_fraction'),
    syncNs: p.get('ipi.sync_ns'),
    lwsyncNs: p.get('ipi.lwsync_ns'),
    loadNs: p.get('ipi.load_ns'),
  };
}

/** Fixed, not fitted (the counts are insensitive to them): issue step and a store's normal delay (L2, 13 cycles at 3.5 GHz, same source). */
export const FIXED_TIMING = { stepNs: 0.3, storeNs: 3.7 } as const;

/** The free parameters of the fit, as logarithms (they are positive and span decades). */
export const FIT_KEYS = ['stallFraction', 'skewNs', 'syncNs', 'lwsyncNs', 'loadNs'] as const;

export function pointOf(x: readonly number[]): FitPoint {
  const v = Object.fromEntries(FIT_KEYS.map((k, i) => [k, Math.exp(x[i])])) as Record<(typeof FIT_KEYS)[number], number>;
  return {
    timing: { ...FIXED_TIMING, stallNs: STALL_ANCHOR.stallNs, stallFraction: Math.min(1, v.stallFraction), syncNs: v.syncNs, lwsyncNs: v.lwsyncNs, loadNs: v.loadNs },
    skewNs: v.skewNs,
  };
}

/** Nelder–Mead simplex minimisation (standard coefficients), for the calibration script. */
export function nelderMead(f: (x: number[]) => number, x0: readonly number[], step: number, maxEvals: number, onEval?: (x: number[], fx: number, n: number) => void): { x: number[]; fx: number } {
  const n = x0.length;
  let evals = 0;
  const F = (x: number[]) => {
    const v = f(x);
    onEval?.(x, v, ++evals);
    return v;
  };
  let simplex = [x0.slice(), ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, fx: F(x) }));
  const add = (a: number[], b: number[], k: number) => a.map((v, i) => v + k * (b[i] - v));
  while (evals < maxEvals) {
    simplex.sort((a, b) => a.fx - b.fx);
    const best = simplex[0];
    const worst = simplex[n];
    const centroid = best.x.map((_, i) => simplex.slice(0, n).reduce((s, p) => s + p.x[i], 0) / n);
    const reflected = add(centroid, worst.x, -1);
    const fr = F(reflected);
    if (fr < best.fx) {
      const expanded = add(centroid, worst.x, -2);
      const fe = F(expanded);
      simplex[n] = fe < fr ? { x: expanded, fx: fe } : { x: reflected, fx: fr };
    } else if (fr < simplex[n - 1].fx) simplex[n] = { x: reflected, fx: fr };
    else {
      const contracted = add(centroid, worst.x, 0.5);
      const fc = F(contracted);
      if (fc < worst.fx) simplex[n] = { x: contracted, fx: fc };
      else simplex = simplex.map((p, i) => (i === 0 ? p : { x: add(best.x, p.x, 0.5), fx: F(add(best.x, p.x, 0.5)) }));
    }
  }
  simplex.sort((a, b) => a.fx - b.fx);
  return simplex[0];
}
