/**
 * A sweep as a self-contained HTML report (`twb sweep --report`, `twb sweeps show --report`):
 * the per-configuration table, P(lockup) with its intervals, and the Kaplan–Meier curves with
 * their 95 % bands — inline SVG and CSS, a CSP that forbids every fetch.
 */
import type { SweepConfigurationView, SweepView } from '../../../src-common/bridge/areas/sweeps';
import { sweepColour } from '../../../src-common/sweeps/palette';
import { timeLabel } from '../report/chart-svg';
import { esc, num } from '../report/escape';
import { REPORT_CSS } from '../report/html';
import { writeTextAtomic } from '../report/write';
import { Z95 } from './stats';
import { configLabel, firstLockupText, intervalText, sweepHeader } from './text';

/** Runs listed per configuration in the report (the JSON and the store have all). */
export const MAX_RUN_ROWS = 500;

const W = 760;
const H = 320;
const M = { left: 56, right: 16, top: 28, bottom: 40 };
const LEGEND_ROW = 14;
/** The legend's first baseline below the plot's box, clear of the axis title. */
const LEGEND_TOP = 16;

/** Dash patterns by configuration, so curves that coincide (two variants never locking up) both show. */
const DASHES = ['', '7 4', '2 3', '10 3 2 3'];

/** The unit of the time axis: hours, or minutes / seconds for sweeps shorter than that. */
function timeUnit(duration: number): { s: number; name: string } {
  if (duration >= 3600) return { s: 3600, name: 'h' };
  return duration >= 60 ? { s: 60, name: 'min' } : { s: 1, name: 's' };
}

/** Tick values from 0 to `max` at a round step (1, 2, 2.5 or 5 × 10^k), four to seven of them. */
function linearTicks(max: number): number[] {
  const raw = max / 6;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw)!;
  return Array.from({ length: Math.floor(max / step + 1e-9) + 1 }, (_, i) => i * step);
}

/** A tick label: up to three significant digits, no trailing zeros. */
const tickLabel = (x: number) => (x === 0 ? '0' : String(Number(x.toPrecision(3))));

/**
 * The x axis of the survival chart, in simulated hours (minutes or seconds for shorter sweeps).
 * Linear from 0 to the duration, unless three quarters of the first lockups fall in its first
 * tenth: then logarithmic from the decade below half the earliest one, so the early steps spread out
 * (time 0 sits at the left edge). `ticks` are in `unit`s.
 */
function timeAxis(v: SweepView, left: number, width: number): { x: (t: number) => number; ticks: number[]; unit: { s: number; name: string }; log: boolean } {
  const end = Math.max(v.duration, 1e-9);
  const unit = timeUnit(end);
  const firsts = v.configurations.flatMap((c) => c.points.flatMap((p) => (p.status === 'finished' && p.firstSoftLockup !== null ? [p.firstSoftLockup] : []))).sort((a, b) => a - b);
  const q3 = firsts[Math.floor(firsts.length * 0.75)];
  if (firsts.length < 3 || q3 >= end / 10 || firsts[0] <= 0) {
    return { x: (t) => left + (Math.min(t, end) / end) * width, ticks: linearTicks(end / unit.s), unit, log: false };
  }
  const lo = 10 ** Math.floor(Math.log10(firsts[0] / unit.s / 2)) * unit.s;
  const span = Math.log(end / lo);
  const ticks: number[] = [];
  for (let x = lo / unit.s; x <= (end / unit.s) * (1 + 1e-9); x *= 10) ticks.push(x);
  // The duration itself closes the axis unless a decade tick is (almost) there.
  if (end / unit.s / ticks.at(-1)! >= 2) ticks.push(end / unit.s);
  return { x: (t) => left + (Math.log(Math.min(Math.max(t, lo), end) / lo) / span) * width, ticks, unit, log: true };
}

/**
 * Kaplan–Meier step curves with Greenwood 95 % bands over simulated time up to the duration;
 * a short vertical tick where runs without a lockup were censored; one legend row per
 * configuration under the plot.
 */
export function survivalSvg(v: SweepView): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const axis = timeAxis(v, M.left, pw);
  const xMax = Math.max(v.duration, 1e-9);
  const sx = axis.x;
  const sy = (s: number) => M.top + ph - Math.max(0, Math.min(1, s)) * ph;
  const out: string[] = [];
  out.push(`<text x="${M.left}" y="16" font-size="12" font-weight="bold">P(no soft lockup yet) — Kaplan–Meier, 95 % band</text>`);
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="#fff" stroke="#aab"/>`);
  for (let i = 0; i <= 4; i++) {
    const y = sy(i / 4);
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${y}" y2="${y}" stroke="#eee"/><text x="${M.left - 4}" y="${y + 3}" font-size="9" text-anchor="end">${i / 4}</text>`);
  }
  for (const tick of axis.ticks) {
    const x = sx(tick * axis.unit.s).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${M.top}" y2="${M.top + ph}" stroke="#eee"/><text x="${x}" y="${H - M.bottom + 13}" font-size="9" text-anchor="middle">${tickLabel(tick)}</text>`);
  }
  out.push(`<text class="time-axis" x="${M.left + pw / 2}" y="${H - 6}" font-size="9" text-anchor="middle">simulated time (${axis.unit.name}${axis.log ? ', log scale: the first lockups come early' : ''})</text>`);
  v.configurations.forEach((c, i) => {
    const color = sweepColour(i);
    const dash = DASHES[i % DASHES.length];
    const dashAttr = dash ? ` stroke-dasharray="${dash}"` : '';
    const label = configLabel(c.params);
    const ly = H + LEGEND_TOP + i * LEGEND_ROW;
    // The legend goes under the plot, one row per configuration, so it never covers a curve.
    const outcome = c.runs === 0 ? 'no finished runs' : `${c.lockups} of ${c.runs} runs locked up`;
    out.push(`<line x1="${M.left}" x2="${M.left + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${dashAttr}/><text x="${M.left + 28}" y="${ly}" font-size="10">${esc(`${label} — ${outcome}`)}</text>`);
    if (c.runs === 0) return;
    const band = (sign: 1 | -1) => c.steps.map((k, j) => [k.t, c.steps[j + 1]?.t ?? xMax, k.s + sign * Z95 * k.se] as const);
    const upper = band(1).flatMap(([a, b, s]) => [`${sx(a).toFixed(1)},${sy(s).toFixed(1)}`, `${sx(b).toFixed(1)},${sy(s).toFixed(1)}`]);
    const lower = band(-1)
      .flatMap(([a, b, s]) => [`${sx(a).toFixed(1)},${sy(s).toFixed(1)}`, `${sx(b).toFixed(1)},${sy(s).toFixed(1)}`])
      .reverse();
    out.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.12" stroke="none"/>`);
    const d = c.steps.map((k, j) => (j === 0 ? `M${sx(k.t).toFixed(1)},${sy(k.s).toFixed(1)}` : `H${sx(k.t).toFixed(1)}V${sy(k.s).toFixed(1)}`)).join('') + `H${sx(xMax).toFixed(1)}`;
    out.push(`<path class="curve" d="${d}" fill="none" stroke="${color}" stroke-width="1.8"${dashAttr}><title>${esc(label)}</title></path>`);
    // Censoring: the finished runs without a soft lockup, where they ended (tied times: one tick).
    const censored = new Map<number, number>();
    for (const p of c.points) if (p.status === 'finished' && p.firstSoftLockup === null) censored.set(p.endedAt, (censored.get(p.endedAt) ?? 0) + 1);
    for (const [t, n] of censored) {
      const s = c.steps.findLast((k) => k.t <= t)?.s ?? 1;
      const x = sx(t).toFixed(1);
      out.push(`<line class="censor" x1="${x}" x2="${x}" y1="${(sy(s) - 5).toFixed(1)}" y2="${(sy(s) + 5).toFixed(1)}" stroke="${color}" stroke-width="1.5"><title>${esc(`${label}: ${n} run${n === 1 ? '' : 's'} without a soft lockup, censored at ${timeLabel(t)}`)}</title></line>`);
    }
  });
  const ly = H + LEGEND_TOP + v.configurations.length * LEGEND_ROW;
  out.push(`<line x1="${M.left + 11}" x2="${M.left + 11}" y1="${ly - 9}" y2="${ly + 1}" stroke="#556" stroke-width="1.5"/><text x="${M.left + 28}" y="${ly}" font-size="10">runs without a lockup, censored where they ended</text>`);
  const h = H + LEGEND_TOP + 4 + (v.configurations.length + 1) * LEGEND_ROW;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="survival curves" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif">${out.join('')}</svg>`;
}

/** P(lockup) per configuration as points with their Wilson intervals. */
export function lockupRateSvg(v: SweepView): string {
  const rowH = 22;
  const h = M.top + v.configurations.length * rowH + 30;
  const left = 260;
  const pw = W - left - M.right;
  const sx = (p: number) => left + p * pw;
  const out: string[] = [`<text x="8" y="16" font-size="12" font-weight="bold">P(soft lockup within ${esc(timeLabel(v.duration))}), 95 % Wilson interval</text>`];
  for (let i = 0; i <= 4; i++) out.push(`<line x1="${sx(i / 4)}" x2="${sx(i / 4)}" y1="${M.top}" y2="${h - 24}" stroke="#eee"/><text x="${sx(i / 4)}" y="${h - 10}" font-size="9" text-anchor="middle">${i / 4}</text>`);
  v.configurations.forEach((c, i) => {
    const y = M.top + i * rowH + rowH / 2;
    const color = sweepColour(i);
    out.push(`<text x="8" y="${y + 3}" font-size="10">${esc(configLabel(c.params))}</text>`);
    if (c.pLockup.value === null) return;
    out.push(`<line x1="${sx(c.pLockup.low)}" x2="${sx(c.pLockup.high)}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<circle cx="${sx(c.pLockup.value)}" cy="${y}" r="4" fill="${color}"><title>${esc(intervalText(c.pLockup))}</title></circle>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="lockup probability" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif">${out.join('')}</svg>`;
}

function summaryTable(v: SweepView): string {
  const head = ['configuration', 'runs', 'failed', 'lockups', 'P(lockup) [95% CI]', 'lost IPIs / h [95% CI]', 'first lockup median (q1–q3)'];
  const rows = v.configurations.map(
    (c) =>
      `<tr><td>${esc(configLabel(c.params))}</td><td class="n">${c.runs}</td><td class="n">${c.failed}</td><td class="n">${c.lockups}</td><td>${esc(intervalText(c.pLockup))}</td><td>${esc(intervalText(c.lostIpisPerHour, 4))}</td><td>${esc(firstLockupText(c))}</td></tr>`,
  );
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.join('')}</table>`;
}

function runsTable(c: SweepConfigurationView): string {
  const rows = c.points
    .slice(0, MAX_RUN_ROWS)
    .map(
      (p) =>
        `<tr><td class="n">${p.seed}</td><td class="n">${p.runId === null ? '—' : `#${p.runId}`}</td><td>${p.status === 'finished' ? 'finished' : `<span class="bad">failed</span> ${esc(p.error ?? '')}`}</td><td class="n">${p.firstSoftLockup === null ? '—' : `${num(p.firstSoftLockup)} s`}</td><td class="n">${num(p.endedAt)} s</td><td class="n">${num(p.lostIpis)}</td></tr>`,
    );
  const more = c.points.length > MAX_RUN_ROWS ? `<p class="muted">… and ${c.points.length - MAX_RUN_ROWS} more runs (twb sweeps show --json)</p>` : '';
  return `<h3>${esc(configLabel(c.params))}</h3><table><tr><th>seed</th><th>run</th><th>status</th><th>first soft lockup</th><th>ended at</th><th>lost IPIs</th></tr>${rows.join('')}</table>${more}`;
}

export function renderSweepHtml(v: SweepView, generatedAt = new Date().toISOString()): string {
  const title = `Sweep #${v.sweep.id} — ${v.sweep.workspaceName}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${REPORT_CSS}</style></head>
<body><header><h1>${esc(title)}</h1><p class="muted">${esc(sweepHeader(v.sweep))} · generated ${esc(generatedAt)}</p></header>
<section id="summary"><h2>Per configuration</h2>${summaryTable(v)}
<p class="muted">P(lockup): runs with a soft lockup within the duration over finished runs, Wilson score interval. Lost IPIs per simulated hour: pooled over the finished runs, exact Poisson interval. First lockup: quartiles among the runs that had one. Curves: Kaplan–Meier estimate of no soft lockup yet, runs without one censored where they ended; band ±1.96 Greenwood standard errors.</p></section>
<section id="curves"><h2>Curves</h2><div class="charts"><figure>${survivalSvg(v)}</figure><figure>${lockupRateSvg(v)}</figure></div></section>
<section id="runs"><h2>Runs</h2>${v.configurations.map(runsTable).join('')}</section>
</body></html>
`;
}

export function writeSweepReport(file: string, v: SweepView): void {
  writeTextAtomic(file, renderSweepHtml(v));
}
