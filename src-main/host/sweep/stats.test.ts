import { describe, expect, it } from 'vitest';
import { kaplanMeier, logRank, poissonInterval, poissonRate, proportionDifference, quantile, quartiles, wilson } from './stats';

describe('wilson', () => {
  // Newcombe, "Two-sided confidence intervals for the single proportion: comparison of seven
  // methods", Stat. Med. 17:857 (1998), Table I, method 3 (score interval without correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i gives Newcombe 1998 Table I (%f, %f)', (k, n, low, high) => {
    const w = wilson(k, n);
    expect(w.value).toBeCloseTo(k / n, 12);
    expect(w.low).toBeCloseTo(low, 4);
    expect(w.high).toBeCloseTo(high, 4);
  });

  it('is exactly [0, …] at 0 of n and […, 1] at n of n, and symmetric', () => {
    expect(wilson(0, 200).low).toBe(0);
    expect(wilson(200, 200).high).toBe(1);
    const a = wilson(3, 40);
    const b = wilson(37, 40);
    expect(a.low).toBeCloseTo(1 - b.high, 12);
    expect(a.high).toBeCloseTo(1 - b.low, 12);
  });

  it('refuses impossible counts', () => {
    expect(() => wilson(3, 2)).toThrow(/0 ≤ k ≤ n/);
    expect(() => wilson(0, 0)).toThrow(/n > 0/);
  });
});

describe('poissonInterval (exact, Garwood)', () => {
  // The standard table of exact 95 % limits for a Poisson count (e.g. Ulm, Am. J. Epidemiol.
  // 131:373 (1990); Sahai & Khurshid 1993): χ²(0.025; 2k)/2 … χ²(0.975; 2k+2)/2.
  it.each([
    [0, 0, 3.689],
    [1, 0.0253, 5.5716],
    [2, 0.2422, 7.2247],
    [5, 1.6235, 11.6683],
    [10, 4.7954, 18.3904],
  ])('k = %i gives (%f, %f)', (k, low, high) => {
    const c = poissonInterval(k);
    expect(c.low).toBeCloseTo(low, 3);
    expect(c.high).toBeCloseTo(high, 3);
  });

  it('approaches the normal interval for large counts', () => {
    const c = poissonInterval(10_000);
    expect(c.low).toBeGreaterThan(10_000 - 1.96 * 100 - 2);
    expect(c.low).toBeLessThan(10_000 - 1.96 * 100 + 2);
    expect(c.high).toBeGreaterThan(10_000 + 1.96 * 100);
    expect(c.high).toBeLessThan(10_000 + 1.96 * 100 + 4);
  });

  it('scales to a rate by the exposure', () => {
    const r = poissonRate(5, 20);
    expect(r.value).toBe(0.25);
    expect(r.low).toBeCloseTo(1.6235 / 20, 4);
    expect(r.high).toBeCloseTo(11.6683 / 20, 4);
    expect(() => poissonRate(1, 0)).toThrow(/positive exposure/);
  });
});

describe('quantile (type 7)', () => {
  it('matches R quantile()', () => {
    const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(s, 0.25)).toBeCloseTo(3.25, 12);
    expect(quantile(s, 0.5)).toBeCloseTo(5.5, 12);
    expect(quantile(s, 0.75)).toBeCloseTo(7.75, 12);
    expect(quartiles([40, 7, 39, 15, 41, 36])).toEqual({ median: 37.5, q1: 20.25, q3: 39.75 });
    expect(quartiles([42])).toEqual({ median: 42, q1: 42, q3: 42 });
    expect(quartiles([])).toBeNull();
  });
});

describe('kaplanMeier', () => {
  // Freireich et al. (1963) 6-MP arm, remission times in weeks (+ = censored), the classic
  // example of Gehan (1965) and of Kleinbaum & Klein, "Survival Analysis", ch. 2; estimates and
  // Greenwood standard errors as R's survfit prints them.
  const sixMp = '6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+'
    .split(' ')
    .map((w) => ({ t: Number.parseInt(w, 10), event: !w.endsWith('+') }));

  it('reproduces the 6-MP table', () => {
    const km = kaplanMeier(sixMp);
    const expected = [
      [6, 21, 3, 0.857, 0.0764],
      [7, 17, 1, 0.807, 0.0869],
      [10, 15, 1, 0.753, 0.0963],
      [13, 12, 1, 0.69, 0.1068],
      [16, 11, 1, 0.627, 0.1141],
      [22, 7, 1, 0.538, 0.1282],
      [23, 6, 1, 0.448, 0.1346],
    ];
    expect(km[0]).toMatchObject({ t: 0, s: 1 });
    const events = km.slice(1, -1);
    expect(events.map((x) => x.t)).toEqual(expected.map((e) => e[0]));
    events.forEach((x, i) => {
      expect(x.atRisk).toBe(expected[i][1]);
      expect(x.events).toBe(expected[i][2]);
      expect(x.s).toBeCloseTo(expected[i][3], 3);
      expect(x.se).toBeCloseTo(expected[i][4], 4);
    });
    // The last observation (35+) is censored: the curve is carried flat to it.
    expect(km.at(-1)).toMatchObject({ t: 35, s: events.at(-1)!.s, events: 0 });
  });

  it('stays at 1 when nothing happens and falls to 0 when everything does', () => {
    expect(kaplanMeier([{ t: 72000, event: false }, { t: 72000, event: false }]).map((x) => [x.t, x.s])).toEqual([
      [0, 1],
      [72000, 1],
    ]);
    const all = kaplanMeier([3, 1, 2].map((t) => ({ t, event: true })));
    expect(all.map((x) => x.t)).toEqual([0, 1, 2, 3]);
    [1, 2 / 3, 1 / 3, 0].forEach((s, i) => expect(all[i].s).toBeCloseTo(s, 12));
    expect(kaplanMeier([])).toEqual([{ t: 0, s: 1, atRisk: 0, events: 0, se: 0 }]);
  });
});

describe('proportionDifference (Newcombe hybrid score)', () => {
  // Newcombe, "Interval estimation for the difference between independent proportions:
  // comparison of eleven methods", Stat. Med. 17:873 (1998), Table II, method 10.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ])('%i/%i − %i/%i gives (%f, %f)', (k1, n1, k2, n2, low, high) => {
    const d = proportionDifference(k1, n1, k2, n2);
    expect(d.value).toBeCloseTo(k1 / n1 - k2 / n2, 12);
    expect(d.low).toBeCloseTo(low, 4);
    expect(d.high).toBeCloseTo(high, 4);
  });
});

describe('logRank', () => {
  // Freireich 6-MP vs placebo (Gehan 1965): R's survdiff prints O = 9, E = 19.25 for 6-MP and
  // Chisq = 16.8 on 1 df, p = 4e-05.
  it('reproduces survdiff on the 6-MP trial', () => {
    const parse = (s: string) => s.split(' ').map((w) => ({ t: Number.parseInt(w, 10), event: !w.endsWith('+') }));
    const sixMp = parse('6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+');
    const placebo = parse('1 1 2 2 3 4 4 5 5 8 8 8 8 11 11 12 12 15 17 22 23');
    const r = logRank(sixMp, placebo);
    expect(r.observed).toBe(9);
    expect(r.expected).toBeCloseTo(19.25, 2);
    expect(r.chi2).toBeCloseTo(16.79, 2);
    expect(r.p).toBeGreaterThan(3.5e-5);
    expect(r.p).toBeLessThan(4.5e-5);
    expect(logRank(sixMp, sixMp).chi2).toBeCloseTo(0, 12);
  });
});
