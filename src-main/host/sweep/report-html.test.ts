import { describe, expect, it } from 'vitest';
import type { SweepView } from '../../../src-common/bridge/areas/sweeps';
import type { SweepRunResult } from './job';
import { survivalSvg } from './report-html';
import { summarizeConfiguration } from './summarize';

/** A sweep view of `duration` seconds: per configuration, each run's first soft lockup (null: none, censored at the duration). */
function view(duration: number, configs: Record<string, (number | null)[]>): SweepView {
  const configurations = Object.entries(configs).map(([variant, firsts]) => {
    const params = { 'kernel.barriers': variant };
    const key = JSON.stringify(params);
    const rows = firsts.map((first, i) => {
      const result: SweepRunResult = { seed: i + 1, status: 'finished', endedBy: 'duration', simulatedSeconds: duration, lostIpis: first === null ? 0 : 1, ipisSent: 10, broadcasts: 1, firstSoftLockup: first, lockupReports: first === null ? 0 : 1, trace: 'x' };
      return { config: key, seed: i + 1, runId: i + 1, result, resultJson: JSON.stringify(result), wallMs: 0, worker: 'test' };
    });
    return summarizeConfiguration(params, key, rows);
  });
  const total = configurations.reduce((n, c) => n + c.runs, 0);
  return {
    sweep: { id: 1, workspaceName: 'w', createdAt: '', finishedAt: null, status: 'finished', seeds: '1..n', vary: [], durationNs: duration * 1e9, until: null, queue: 'local', done: total, total },
    duration,
    configurations,
  };
}

const tickLabels = (svg: string) => [...svg.matchAll(/text-anchor="middle">([^<]*)<\/text>/g)].map((m) => m[1]);
const axisTitle = (svg: string) => /class="time-axis"[^>]*>([^<]*)</.exec(svg)![1];

describe('sweep report: Kaplan–Meier chart', () => {
  it('draws a step curve per configuration, each with its own dash, over simulated hours', () => {
    const svg = survivalSvg(view(20 * 3600, { none: [1800, 7200, 36000, null], set: [null, null, null, null], both: [null, null, null, null] }));
    expect(svg.match(/<path class="curve"/g)).toHaveLength(3);
    const dashes = [...svg.matchAll(/<path class="curve"[^>]*?(?:stroke-dasharray="([^"]*)")?>/g)].map((m) => m[1] ?? 'solid');
    expect(new Set(dashes).size).toBe(3);
    expect(axisTitle(svg)).toBe('simulated time (h)');
    expect(tickLabels(svg)).toEqual(expect.arrayContaining(['0', '5', '10', '15', '20']));
    // Steps: horizontal then vertical moves only.
    const d = /<path class="curve" d="([^"]*)"/.exec(svg)![1];
    expect(d).toMatch(/^M[\d.]+,[\d.]+(H[\d.]+V[\d.]+)+H[\d.]+$/);
  });

  it('marks censored runs once per time, with how many, and says each legend row’s outcome', () => {
    const svg = survivalSvg(view(7200, { none: [600, 900, null, null, null], both: [null, null] }));
    const censors = [...svg.matchAll(/<line class="censor"[^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(censors).toEqual(['kernel.barriers=none: 3 runs without a soft lockup, censored at 2h', 'kernel.barriers=both: 2 runs without a soft lockup, censored at 2h']);
    expect(svg).toContain('kernel.barriers=none — 2 of 5 runs locked up');
    expect(svg).toContain('kernel.barriers=both — 0 of 2 runs locked up');
  });

  it('switches to a log time axis when the first lockups cluster early, else stays linear', () => {
    const early = survivalSvg(view(20 * 3600, { none: [300, 400, 600, 900, 1200, null] }));
    expect(axisTitle(early)).toBe('simulated time (h, log scale: the first lockups come early)');
    // Decades of hours from the one below half the earliest lockup (300 s = 0.083 h) to the duration.
    expect(tickLabels(early).slice(0, 5)).toEqual(['0.01', '0.1', '1', '10', '20']);
    const spread = survivalSvg(view(20 * 3600, { none: [300, 20000, 40000, 60000, null] }));
    expect(axisTitle(spread)).toBe('simulated time (h)');
  });

  it('uses minutes for a sweep shorter than an hour', () => {
    const svg = survivalSvg(view(120, { none: [null, null] }));
    expect(axisTitle(svg)).toBe('simulated time (min)');
    expect(tickLabels(svg)).toEqual(expect.arrayContaining(['0', '0.5', '1', '1.5', '2']));
  });
});
