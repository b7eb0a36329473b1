/**
 * The statistics of a sweep, as pure functions: each is a textbook estimator, checked in
 * stats.test.ts against published values.
 */

/** z for a two-sided 95 % interval: Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

export interface Interval {
  value: number;
  low: number;
  high: number;
}

/**
 * Wilson score interval for a binomial proportion k/n (Wilson 1927; Newcombe 1998, method 3):
 * unlike the Wald interval it stays inside [0, 1] and keeps its coverage at k = 0 or k = n,
 * which is exactly where a fixed kernel sits (0 lockups in n runs).
 */
export function wilson(k: number, n: number, z = Z95): Interval {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n <= 0 || k < 0 || k > n) throw new RangeError(`wilson: expected integers 0 ≤ k ≤ n, n > 0; got k=${k}, n=${n}`);
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At k = 0 (k = n) the bound is exactly 0 (1); rounding must not put it a hair beside.
  return { value: p, low: k === 0 ? 0 : Math.max(0, centre - half), high: k === n ? 1 : Math.min(1, centre + half) };
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Regularized lower incomplete gamma P(a, x) (Numerical Recipes §6.2: the series below a + 1,
 * the continued fraction above). P(k + 1, λ) = Pr[Poisson(λ) ≥ k + 1].
 */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnPre = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.min(1, sum * Math.exp(lnPre));
  }
  // Lentz's method for the continued fraction of Q(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.max(0, 1 - Math.exp(lnPre) * h);
}

/** The x with f(x) = target for f increasing on [lo, hi] (bisection to machine precision). */
function solveIncreasing(f: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-14 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Exact (Garwood 1936) confidence interval for a Poisson mean given k observed events:
 * low solves Pr[X ≥ k; μ] = α/2, high solves Pr[X ≤ k; μ] = α/2 — the chi-square form
 * χ²(α/2; 2k)/2 … χ²(1 − α/2; 2k + 2)/2.
 */
export function poissonInterval(k: number, alpha = 0.05): Interval {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`poissonInterval: expected an integer count ≥ 0, got ${k}`);
  const hiBound = k + 20 * Math.sqrt(k + 1) + 20;
  const low = k === 0 ? 0 : solveIncreasing((mu) => gammaP(k, mu), alpha / 2, 0, hiBound);
  const high = solveIncreasing((mu) => gammaP(k + 1, mu), 1 - alpha / 2, 0, hiBound);
  return { value: k, low, high };
}

/**
 * A Poisson rate: `events` over `exposure` units (e.g. lost IPIs over simulated hours), with the
 * exact interval of the count scaled by the exposure. Assumes events occur independently at
 * one rate across the pooled exposure.
 */
export function poissonRate(events: number, exposure: number, alpha = 0.05): Interval {
  if (!(exposure > 0) || !Number.isFinite(exposure)) throw new RangeError(`poissonRate: expected a positive exposure, got ${exposure}`);
  const c = poissonInterval(events, alpha);
  return { value: events / exposure, low: c.low / exposure, high: c.high / exposure };
}

/** Sample quantile, Hyndman & Fan type 7 (R's default; linear between order statistics). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('quantile: no values');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: expected 0 ≤ p ≤ 1, got ${p}`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface Quartiles {
  median: number;
  q1: number;
  q3: number;
}

export function quartiles(values: readonly number[]): Quartiles | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), q1: quantile(s, 0.25), q3: quantile(s, 0.75) };
}

/** One observation for survival analysis: the time of the event, or the time it was censored at. */
export interface Observation {
  t: number;
  event: boolean;
}

export interface SurvivalStep {
  /** Event time (0 for the start; the last censoring time for the tail). */
  t: number;
  /** Kaplan–Meier S(t): the probability of no event up to and including t. */
  s: number;
  atRisk: number;
  events: number;
  /** Greenwood's standard error of S(t). */
  se: number;
}

/**
 * Kaplan–Meier product-limit estimate (Kaplan & Meier 1958) with Greenwood's variance: one
 * step per distinct event time (censorings at a tied time count as still at risk, the
 * convention of the textbooks), starting at (0, 1) and, if the last observation is censored
 * after the last event, ending with a flat point at that time so the curve reaches it.
 */
export function kaplanMeier(obs: readonly Observation[]): SurvivalStep[] {
  const sorted = [...obs].sort((a, b) => a.t - b.t || Number(b.event) - Number(a.event));
  const steps: SurvivalStep[] = [{ t: 0, s: 1, atRisk: sorted.length, events: 0, se: 0 }];
  let s = 1;
  let greenwood = 0;
  let i = 0;
  while (i < sorted.length) {
    const t = sorted[i].t;
    const atRisk = sorted.length - i;
    let d = 0;
    let j = i;
    for (; j < sorted.length && sorted[j].t === t; j++) if (sorted[j].event) d++;
    if (d > 0) {
      s *= 1 - d / atRisk;
      greenwood += atRisk > d ? d / (atRisk * (atRisk - d)) : 0;
      steps.push({ t, s, atRisk, events: d, se: s * Math.sqrt(greenwood) });
    }
    i = j;
  }
  const last = sorted.at(-1);
  if (last && !last.event && last.t > steps.at(-1)!.t) steps.push({ t: last.t, s, atRisk: sorted.filter((o) => o.t >= last.t).length, events: 0, se: s * Math.sqrt(greenwood) });
  return steps;
}

/**
 * Newcombe's hybrid score interval for the difference of two proportions k1/n1 − k2/n2
 * (Newcombe, Stat. Med. 17:873 (1998), method 10): built from the two Wilson intervals, so it
 * behaves at 0 and n where the Wald difference interval fails.
 */
export function proportionDifference(k1: number, n1: number, k2: number, n2: number, z = Z95): Interval {
  const a = wilson(k1, n1, z);
  const b = wilson(k2, n2, z);
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const d = p1 - p2;
  return { value: d, low: d - Math.hypot(p1 - a.low, b.high - p2), high: d + Math.hypot(a.high - p1, p2 - b.low) };
}

export interface LogRank {
  /** Observed and expected events in the first group. */
  observed: number;
  expected: number;
  chi2: number;
  /** Two-sided p-value (χ² with 1 degree of freedom). */
  p: number;
}

/**
 * The log-rank (Mantel–Cox) test that two survival curves are the same: at each event time the
 * first group's events are compared with what its share of those at risk predicts.
 */
export function logRank(a: readonly Observation[], b: readonly Observation[]): LogRank {
  const times = [...new Set([...a, ...b].filter((o) => o.event).map((o) => o.t))].sort((x, y) => x - y);
  let observed = 0;
  let expected = 0;
  let variance = 0;
  for (const t of times) {
    const n1 = a.filter((o) => o.t >= t).length;
    const n2 = b.filter((o) => o.t >= t).length;
    const d1 = a.filter((o) => o.event && o.t === t).length;
    const d = d1 + b.filter((o) => o.event && o.t === t).length;
    const n = n1 + n2;
    observed += d1;
    expected += (d * n1) / n;
    if (n > 1) variance += (d * (n1 / n) * (n2 / n) * (n - d)) / (n - 1);
  }
  const chi2 = variance > 0 ? (observed - expected) ** 2 / variance : 0;
  return { observed, expected, chi2, p: variance > 0 ? 1 - gammaP(0.5, chi2 / 2) : 1 };
}
