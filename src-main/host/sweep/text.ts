/** Sweeps as terminal text: the per-configuration table and comparisons (`twb sweep`, `twb sweeps`). */
import type { SweepConfigurationView, SweepInterval, SweepListItem, SweepView } from '../../../src-common/bridge/areas/sweeps';
import { formatDuration } from '../../../src-common/parse/duration';
import { timeLabel } from '../report/chart-svg';
import { logRank, proportionDifference } from './stats';

const fixed = (v: number, d: number) => v.toFixed(d);

export function intervalText(i: SweepInterval, digits = 3): string {
  return i.value === null ? '—' : `${fixed(i.value, digits)} [${fixed(i.low, digits)}, ${fixed(i.high, digits)}]`;
}

export function firstLockupText(c: SweepConfigurationView): string {
  const f = c.firstLockup;
  return f ? `${timeLabel(f.median)} (${timeLabel(f.q1)}–${timeLabel(f.q3)})` : '—';
}

/** Columns padded to their widest cell. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export function configLabel(params: Record<string, string>): string {
  const e = Object.entries(params);
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(' ') : '(workspace as is)';
}

export function sweepHeader(s: SweepListItem): string {
  const grid = s.vary.length ? s.vary.map((v) => `--vary ${v}`).join(' ') : 'no --vary';
  return `sweep #${s.id} ${s.workspaceName}: seeds ${s.seeds} × ${grid}, ${formatDuration(s.durationNs)}${s.until ? ` or until ${s.until}` : ''} on ${s.queue} — ${s.status}, ${s.done} of ${s.total} runs stored`;
}

/** The per-configuration table: runs, lockups, P(lockup) and the lost-IPI rate with 95 % intervals, first-lockup quartiles. */
export function sweepText(v: SweepView): string {
  const rows = [['configuration', 'runs', 'lockups', 'P(lockup) [95% CI]', 'lost IPIs/h [95% CI]', 'first lockup median (q1–q3)']];
  for (const c of v.configurations)
    rows.push([configLabel(c.params), `${c.runs}${c.failed ? ` (+${c.failed} failed)` : ''}`, String(c.lockups), intervalText(c.pLockup), intervalText(c.lostIpisPerHour, 4), firstLockupText(c)]);
  return `${sweepHeader(v.sweep)}\n${table(rows)}`;
}

export function sweepListText(list: SweepListItem[]): string {
  if (list.length === 0) return 'no sweeps';
  return table([
    ['id', 'workspace', 'status', 'runs', 'seeds', 'vary', 'duration', 'created'],
    ...list.map((s) => [`#${s.id}`, s.workspaceName, s.status, `${s.done}/${s.total}`, s.seeds, s.vary.join(' ') || '—', formatDuration(s.durationNs) + (s.until ? ` until ${s.until}` : ''), s.createdAt]),
  ]);
}

function observations(c: SweepConfigurationView) {
  return c.points.filter((p) => p.status === 'finished').map((p) => ({ t: p.firstSoftLockup ?? p.endedAt, event: p.firstSoftLockup !== null }));
}

/** One configuration against another: P(lockup) difference (Newcombe) and the log-rank test of their curves. */
export function comparisonRow(label: string, a: SweepConfigurationView, b: SweepConfigurationView): string[] {
  if (a.runs === 0 || b.runs === 0) return [label, intervalText(a.pLockup), intervalText(b.pLockup), '—', '—'];
  const d = proportionDifference(a.lockups, a.runs, b.lockups, b.runs);
  const lr = logRank(observations(a), observations(b));
  return [label, intervalText(a.pLockup), intervalText(b.pLockup), `${d.value >= 0 ? '+' : ''}${fixed(d.value, 3)} [${fixed(d.low, 3)}, ${fixed(d.high, 3)}]`, lr.p < 1e-4 ? lr.p.toExponential(1) : fixed(lr.p, 4)];
}

/**
 * `twb sweeps compare A [B]`: with one sweep, every configuration against the first; with two,
 * each configuration of A against the one of B with the same parameters.
 */
export function compareText(a: SweepView, b?: SweepView): string {
  const head = ['configuration', b ? `P(lockup) #${a.sweep.id}` : 'P(lockup)', b ? `P(lockup) #${b.sweep.id}` : `P(lockup) baseline`, 'difference [95% CI]', 'log-rank p'];
  const rows = [head];
  if (!b) {
    const base = a.configurations[0];
    for (const c of a.configurations.slice(1)) rows.push(comparisonRow(configLabel(c.params), c, base));
    return `${sweepHeader(a.sweep)}\nbaseline: ${configLabel(base.params)}\n${table(rows)}`;
  }
  const other = new Map(b.configurations.map((c) => [c.key, c]));
  const matched = a.configurations.filter((c) => other.has(c.key));
  if (matched.length === 0) return `${sweepHeader(a.sweep)}\n${sweepHeader(b.sweep)}\nno configuration in common`;
  for (const c of matched) rows.push(comparisonRow(configLabel(c.params), c, other.get(c.key)!));
  return `${sweepHeader(a.sweep)}\n${sweepHeader(b.sweep)}\n${table(rows)}`;
}
