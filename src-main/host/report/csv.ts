import type { ReportRun } from './data';

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
function field(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The time series as CSV, one row per run and sample time: `run_id,t_s,` then one column per
 * series key (busy_pct, ipis_per_s, lost_ipis, exits_per_s.GUEST); empty where a series has no
 * point at that time (rates start at the second sample).
 */
export function renderCsv(runs: readonly ReportRun[]): string {
  const keys = [...new Set(runs.flatMap((r) => r.series.map((s) => s.key)))];
  const rows = [['run_id', 't_s', ...keys].map(field).join(',')];
  for (const r of runs) {
    const byT = new Map<number, Map<string, number>>();
    for (const s of r.series)
      for (const [t, v] of s.points) {
        if (!byT.has(t)) byT.set(t, new Map());
        byT.get(t)!.set(s.key, v);
      }
    for (const t of [...byT.keys()].sort((a, b) => a - b)) {
      const vals = byT.get(t)!;
      rows.push([r.id, t, ...keys.map((k) => (vals.has(k) ? vals.get(k)! : ''))].map(field).join(','));
    }
  }
  return rows.join('\r\n') + '\r\n';
}
