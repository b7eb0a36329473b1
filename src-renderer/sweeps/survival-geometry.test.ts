import { describe, expect, it } from 'vitest';
import type { SweepConfigurationView } from '../../src-common/bridge/areas/sweeps';
import { bandPoints, logStart, markers, scale, stepPath, survivalAt, timeLabel, timeTicks, VIEW } from './survival-geometry';

/** Two runs of 100 s: one locked up at 25 s, one censored at the end. */
const config: SweepConfigurationView = {
  key: '{}',
  params: {},
  runs: 2,
  lockups: 1,
  failed: 1,
  pLockup: { value: 0.5, low: 0.09, high: 0.91 },
  lostIpisPerHour: { value: 36, low: 0.9, high: 200 },
  firstLockup: { median: 25, q1: 25, q3: 25 },
  survival: [
    { t: 0, s: 1 },
    { t: 25, s: 0.5 },
    { t: 100, s: 0.5 },
  ],
  steps: [
    { t: 0, s: 1, se: 0, atRisk: 2 },
    { t: 25, s: 0.5, se: 0.35, atRisk: 2 },
    { t: 100, s: 0.5, se: 0.35, atRisk: 1 },
  ],
  runIds: [7, 8],
  points: [
    { seed: 1, runId: 7, status: 'finished', firstSoftLockup: 25, endedAt: 100, lostIpis: 1 },
    { seed: 2, runId: 8, status: 'finished', firstSoftLockup: null, endedAt: 100, lostIpis: 0 },
    { seed: 3, runId: 9, status: 'failed', firstSoftLockup: null, endedAt: 3, lostIpis: 0, error: 'boom' },
  ],
};

describe('survival geometry', () => {
  const sc = scale(100);
  it('maps time and probability into the plot area', () => {
    expect(sc.x(0)).toBe(VIEW.left);
    expect(sc.x(100)).toBe(VIEW.width - VIEW.right);
    expect(sc.y(1)).toBe(VIEW.top);
    expect(sc.y(0)).toBe(VIEW.height - VIEW.bottom);
    expect(sc.y(2)).toBe(VIEW.top);
  });
  it('draws S(t) as steps to the duration', () => {
    expect(stepPath(config, sc, 100)).toBe(`M${sc.x(0)},${sc.y(1)}H${sc.x(25)}V${sc.y(0.5)}H${sc.x(100)}V${sc.y(0.5)}H${sc.x(100)}`);
  });
  it('clips the band to [0, 1]', () => {
    const pts = bandPoints(config, sc, 100).split(' ').map((p) => p.split(',').map(Number));
    expect(Math.min(...pts.map((p) => p[1]))).toBeGreaterThanOrEqual(VIEW.top);
    expect(Math.max(...pts.map((p) => p[1]))).toBeLessThanOrEqual(VIEW.height - VIEW.bottom);
    expect(pts).toHaveLength(12);
  });
  it('marks each finished run where its curve steps down, or where it was censored', () => {
    expect(survivalAt(config, 24.9)).toBe(1);
    expect(survivalAt(config, 25)).toBe(0.5);
    expect(markers(config, sc).map((m) => [m.point.runId, m.kind, m.x, m.y])).toEqual([
      [7, 'lockup', sc.x(25), sc.y(0.5)],
      [8, 'censored', sc.x(100), sc.y(0.5)],
    ]);
  });
  it('labels times shortly', () => {
    expect([42, 90, 7200, 72000, 0.25].map(timeLabel)).toEqual(['42s', '1.5m', '2h', '20h', '250ms']);
  });
  it('on a log axis spreads lockups minutes apart in a 20 h run, from a decade below the earliest', () => {
    const day: SweepConfigurationView = { ...config, points: [{ seed: 1, runId: 7, status: 'finished', firstSoftLockup: 360, endedAt: 360, lostIpis: 3 }, { seed: 2, runId: 8, status: 'finished', firstSoftLockup: 1200, endedAt: 1200, lostIpis: 5 }] };
    expect(logStart([day], 72000)).toBe(100);
    // Nothing earlier than duration / 100: the axis still spans two decades.
    expect(logStart([{ ...config, points: [] }], 72000)).toBe(100);
    const lin = scale(72000);
    const log = scale(72000, 100);
    expect(lin.x(1200) - lin.x(360)).toBeLessThan(8);
    expect(log.x(1200) - log.x(360)).toBeGreaterThan(100);
    expect([log.x(0), log.x(100), log.x(72000)]).toEqual([VIEW.left, VIEW.left, VIEW.width - VIEW.right]);
    expect(timeTicks(72000, log, 100).map((t) => t.label)).toEqual(['10m', '1h', '10h', '20h']);
    expect(timeTicks(72000, lin).map((t) => t.label)).toEqual(['0s', '5h', '10h', '15h', '20h']);
  });
});
