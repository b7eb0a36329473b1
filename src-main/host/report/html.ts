import { callTraceLines, lostIpiText } from '../../../src-common/bridge/areas/runs';
import { parseWorkspace, type Workspace } from '../../../src-common/workspace';
import { plural } from '../../../src-common/parse/plural';
import { compareRuns, flatten, type RunComparison } from '../history/compare';
import { lineChartSvg, timeLabel } from './chart-svg';
import type { ReportLockup, ReportRun } from './data';
import { esc, num } from './escape';
import { topologySvg } from './topology-svg';

/** Line colours per run in overlaid charts (run 1, run 2). */
const RUN_COLORS = ['#1f77b4', '#d62728'];
const LOCKUP_COLORS: Record<string, string> = { soft_lockup: '#d62728', rcu_stall: '#ff7f0e', hung_task: '#9467bd', csd_wait: '#8c564b' };
/** Kernel-log lines shown before and after each lockup. */
export const LOG_BEFORE = 5;
export const LOG_AFTER = 10;
/** Without lockups, the excerpt is the start of the log. */
export const LOG_HEAD = 40;
/** Bounds on what one report shows (the JSON report has everything). */
export const MAX_LOCKUP_ROWS = 200;
export const MAX_EXCERPT_LINES = 400;

export const REPORT_CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#1d2330;padding:0 16px}
h1{font-size:22px;margin-bottom:4px} h2{border-bottom:2px solid #dde;padding-bottom:4px;margin-top:32px}
h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px} th,td{border:1px solid #ccd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f6} td.n{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f7f7f9;border:1px solid #e2e2ea;padding:8px;overflow-x:auto;font-size:12px}
.muted{color:#667} .bad{color:#b3261e;font-weight:bold} .ok{color:#1b7f3b}
.charts{display:flex;flex-wrap:wrap;gap:12px} svg{max-width:100%;height:auto}
mark{background:#ffe08a} figure{margin:0}
@page{size:A4;margin:12mm}
@media print{
 html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 body{max-width:none;margin:0;padding:0;font-size:11px}
 section{break-before:page} section:first-of-type{break-before:auto}
 h2,h3,h4{break-after:avoid}
 .charts{display:block} figure,svg,tr{break-inside:avoid} figure{margin:0 0 8px}
 svg{max-width:100%;height:auto}
 table{max-width:100%} td,th{overflow-wrap:anywhere}
 pre{white-space:pre-wrap;overflow:visible;overflow-wrap:anywhere;font-size:9px}
}
`;

/**
 * A self-contained HTML report of one run, or two runs with a comparison section: inline CSS
 * and SVG only, and a CSP that forbids every fetch, so opening it makes no network request.
 */
export function renderHtml(runs: readonly ReportRun[], generatedAt = new Date().toISOString()): string {
  if (runs.length < 1 || runs.length > 2) throw new Error(`a report takes one or two runs, got ${runs.length}`);
  const title = runs.length === 1 ? `Run #${runs[0].id} — ${runs[0].workspaceName}` : `Runs #${runs[0].id} and #${runs[1].id} compared`;
  const sections = [
    section('configuration', 'Configuration', runs.map(configuration).join('')),
    section('topology', 'Topology', topology(runs)),
    section('charts', 'Charts', charts(runs)),
    section('lockups', 'Lockup timeline', runs.map(lockups).join('')),
    section('kernel-log', 'Kernel log around lockups', runs.map(logExcerpt).join('')),
    section('lost-ipis', 'Lost IPIs: the interleavings that lost them', runs.map(lostIpis).join('')),
    section('devices', 'Devices', runs.map(devices).join('')),
    runs.length === 2 ? section('comparison', 'Comparison', comparison(compareRuns(runs[0], runs[1]))) : '',
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${REPORT_CSS}</style></head>
<body><header><h1>${esc(title)}</h1><p class="muted">Topology Workbench report · generated ${esc(generatedAt)}</p></header>
${sections.join('\n')}
</body></html>
`;
}

function section(id: string, heading: string, body: string): string {
  return `<section id="${id}"><h2>${esc(heading)}</h2>${body}</section>`;
}

function runHeading(r: ReportRun): string {
  return `<h3>Run #${r.id} · ${esc(r.workspaceName)} · seed ${r.seed}</h3>`;
}

function kv(rows: [string, string][]): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function configuration(r: ReportRun): string {
  const ws = asWorkspace(r.workspace);
  const status =
    r.status === 'finished'
      ? `<span class="ok">finished</span>`
      : r.status === 'stopped-at' && r.stoppedAt
        ? `stopped at ${esc(r.stoppedAt.condition === 'time' ? 'the requested time' : r.stoppedAt.condition)} (${num(r.stoppedAt.t)} s)`
        : `<span class="bad">${esc(r.status)}</span>${r.error ? ` — ${esc(r.error)}` : ''}`;
  const rows: [string, string][] = [
    ['status', status],
    ['workspace', esc(r.workspaceName)],
    ['seed', String(r.seed)],
    ['kernel.barriers', esc(r.barriers ?? '—')],
    ['requested duration', r.requestedSeconds === null ? '—' : esc(timeLabel(r.requestedSeconds))],
    ['simulated', `${esc(timeLabel(r.simulatedSeconds))} (${num(r.simulatedSeconds)} s)`],
    ['wall time', r.wallSeconds === null ? '—' : `${num(r.wallSeconds)} s`],
    ['started', esc(r.startedAt)],
    ['finished', esc(r.finishedAt ?? '—')],
    ['--set overrides', Object.keys(r.params).length ? esc(Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')) : 'none'],
    ['IPIs sent / lost', `${num(r.ipisSent)} / <span class="${r.lostIpis ? 'bad' : 'ok'}">${num(r.lostIpis)}</span>`],
    ['lockups', String(r.lockups.length)],
    ['trace digest', esc(r.traceDigest ?? '—')],
  ];
  if (ws) {
    rows.push(['host', esc(`${ws.host.name}: ${ws.host.model}, ${plural(ws.host.sockets.length, 'socket')}, ${plural(ws.host.sockets.reduce((n, s) => n + s.cores, 0), 'core')}, SMT${ws.host.threadsPerCore}`)]);
    rows.push(['workloads', ws.workloads.length ? ws.workloads.map((w) => `${esc(w.target)}: <code>${esc(w.command)}</code>`).join('<br>') : 'none']);
    if (Object.keys(ws.params).length) rows.push(['workspace parameters', esc(Object.entries(ws.params).map(([k, v]) => `${k}=${String(v)}`).join(', '))]);
  }
  if (r.warnings.length) rows.push(['warnings', r.warnings.map(esc).join('<br>')]);
  const exits = r.exits.length
    ? `<table><tr><th>guest</th><th>mmu</th><th>exits by reason</th><th>total</th></tr>${r.exits
        .map((g) => `<tr><td>${esc(g.name)}</td><td>${esc(g.mmu ?? '—')}</td><td>${esc(Object.entries(g.exits).map(([k, v]) => `${k}=${num(v)}`).join(' '))}</td><td class="n">${num(g.total)}</td></tr>`)
        .join('')}</table>`
    : '';
  return runHeading(r) + kv(rows) + exits;
}

/**
 * Each lost IPI with its episode in the seed's column style (the same text as `twb runs show
 * --lost-ipis`); the deferred operations, where issued and where they completed, are marked.
 */
function lostIpis(r: ReportRun): string {
  if (r.losses.length === 0) return `${runHeading(r)}<p class="muted">No IPI was lost.</p>`;
  const one = (l: ReportRun['losses'][number], i: number): string => {
    const [head, ...rest] = lostIpiText(l, i + 1, r.losses.length).split('\n');
    const body = rest
      .map((line) => (/^\|?(--|->)/.test(line) || /DEFERRED|RE-ORDERED/.test(line) ? `<mark>${esc(line)}</mark>` : esc(line)))
      .join('\n');
    return `<div class="lost-ipi"><h4>${esc(head)}</h4><pre>${body}</pre></div>`;
  };
  return runHeading(r) + r.losses.map(one).join('');
}

function asWorkspace(doc: unknown): Workspace | null {
  try {
    return parseWorkspace(doc);
  } catch {
    return null;
  }
}

function topology(runs: readonly ReportRun[]): string {
  const shown = new Set<string>();
  return runs
    .map((r) => {
      const ws = asWorkspace(r.workspace);
      if (!ws) return `${runHeading(r)}<p class="muted">The stored workspace does not validate with this build; no drawing.</p>`;
      const key = JSON.stringify({ host: ws.host, guests: ws.guests });
      if (shown.has(key)) return `<p class="muted">Run #${r.id}: same host and guests as above.</p>`;
      shown.add(key);
      return (runs.length > 1 ? runHeading(r) : '') + topologySvg(ws);
    })
    .join('');
}

function charts(runs: readonly ReportRun[]): string {
  const keys = [...new Set(runs.flatMap((r) => r.series.map((s) => s.key)))];
  if (keys.length === 0) return '<p class="muted">No samples were recorded.</p>';
  const out = keys.map((k) => {
    const first = runs.flatMap((r) => r.series).find((s) => s.key === k)!;
    const lines = runs.flatMap((r, i) => {
      const s = r.series.find((x) => x.key === k);
      return s ? [{ label: `run #${r.id}`, color: RUN_COLORS[i], points: s.points }] : [];
    });
    return `<figure data-series="${esc(k)}">${lineChartSvg(first.label, first.unit, lines)}</figure>`;
  });
  return `<div class="charts">${out.join('')}</div>`;
}

function cpuOf(waitingOn: string): number | null {
  const m = /cpu\s*#?(\d+)/i.exec(waitingOn);
  return m ? Number(m[1]) : null;
}

function lockups(r: ReportRun): string {
  if (r.lockups.length === 0) return `${runHeading(r)}<p class="ok">No lockups.</p>`;
  const cpus = [...new Set(r.lockups.flatMap((l) => [l.cpu, cpuOf(l.waitingOn)].filter((c): c is number => c !== null)))].sort((a, b) => a - b);
  const shownCpus = cpus.slice(0, 40);
  const W = 640;
  const left = 60;
  const rowH = 14;
  const H = 30 + shownCpus.length * rowH;
  const tMax = Math.max(r.simulatedSeconds, ...r.lockups.map((l) => l.t), 1e-9);
  // Lockups cascade within a short span: zoom to it (with a margin) instead of the whole run.
  const first = Math.min(...r.lockups.map((l) => l.t));
  const tMin = Math.max(0, first - 0.1 * Math.max(tMax - first, 1e-9));
  const x = (t: number) => left + ((t - tMin) / (tMax - tMin || 1)) * (W - left - 10);
  const y = (cpu: number) => 20 + shownCpus.indexOf(cpu) * rowH;
  const parts: string[] = [];
  for (const c of shownCpus) parts.push(`<text x="${left - 6}" y="${y(c) + 4}" font-size="9" text-anchor="end">CPU ${c}</text><line x1="${left}" x2="${W - 10}" y1="${y(c)}" y2="${y(c)}" stroke="#eee"/>`);
  for (const l of r.lockups) {
    if (!shownCpus.includes(l.cpu)) continue;
    const target = cpuOf(l.waitingOn);
    if (target !== null && shownCpus.includes(target) && target !== l.cpu)
      parts.push(`<line class="waits" x1="${x(l.t)}" y1="${y(l.cpu)}" x2="${x(l.t)}" y2="${y(target)}" stroke="#999" stroke-dasharray="2 2"/>`);
    parts.push(`<circle class="lockup" cx="${x(l.t)}" cy="${y(l.cpu)}" r="4" fill="${LOCKUP_COLORS[l.kind] ?? '#333'}"><title>${esc(`${l.kind} on CPU ${l.cpu} at ${l.t} s, waiting on ${l.waitingOn}`)}</title></circle>`);
  }
  parts.push(`<text x="${left}" y="${H - 2}" font-size="9">${esc(timeLabel(tMin))}</text><text x="${W - 10}" y="${H - 2}" font-size="9" text-anchor="end">${esc(timeLabel(tMax))}</text>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" aria-label="lockup timeline" width="${W}" height="${H + 4}" viewBox="0 0 ${W} ${H + 4}" font-family="sans-serif">${parts.join('')}</svg>`;
  const legend = Object.entries(LOCKUP_COLORS).map(([k, c]) => `<span style="color:${c}">●</span> ${esc(k)}`).join(' &nbsp; ');
  const table = `<table class="lockup-table"><tr><th>t (s)</th><th>kind</th><th>stuck CPU</th><th>task</th><th>waiting on</th></tr>${r.lockups
    .slice(0, MAX_LOCKUP_ROWS)
    .map((l, i, all) => `<tr><td class="n">${num(l.t)}</td><td>${esc(l.kind)}</td><td class="n">${l.cpu}</td><td>${esc(l.task ?? '—')}</td><td>${esc(l.waitingOn)}${callTrace(l, all.findIndex((x) => x.callTrace?.length) === i)}</td></tr>`)
    .join('')}</table>`;
  const more = cpus.length > shownCpus.length ? `<p class="muted">Timeline shows the first ${shownCpus.length} of ${cpus.length} CPUs involved.</p>` : '';
  const rest = r.lockups.length > MAX_LOCKUP_ROWS ? `<p class="muted">First ${MAX_LOCKUP_ROWS} of ${r.lockups.length} lockups; all are in the JSON report.</p>` : '';
  return `${runHeading(r)}<p>${legend} · from ${esc(timeLabel(tMin))} to ${esc(timeLabel(tMax))}</p>${svg}${more}${table}${rest}`;
}

/** A soft lockup's or hung task's `Call Trace:` under its row, the first one open. */
function callTrace(l: ReportLockup, open: boolean): string {
  if (!l.callTrace?.length) return '';
  return `<details class="call-trace"${open ? ' open' : ''}><summary>Call Trace</summary><pre>${esc(callTraceLines(l.callTrace).join('\n'))}</pre></details>`;
}

/** Index windows [from, to) of log lines around each lockup, merged where they overlap. */
export function excerptWindows(log: readonly { t: number }[], lockupList: readonly ReportLockup[]): [number, number][] {
  if (lockupList.length === 0) return log.length ? [[0, Math.min(LOG_HEAD, log.length)]] : [];
  const wins = lockupList
    .map((l) => {
      let i = log.findIndex((x) => x.t >= l.t);
      if (i < 0) i = log.length;
      return [Math.max(0, i - LOG_BEFORE), Math.min(log.length, i + LOG_AFTER)] as [number, number];
    })
    .filter(([a, b]) => b > a)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const w of wins) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([...w]);
  }
  return merged;
}

function logExcerpt(r: ReportRun): string {
  if (r.log.length === 0) return `${runHeading(r)}<p class="muted">The kernel log is empty.</p>`;
  const lockTimes = new Set(r.lockups.map((l) => l.t));
  let budget = MAX_EXCERPT_LINES;
  const windows = excerptWindows(r.log, r.lockups).flatMap(([a, b]): [number, number][] => {
    const n = Math.min(b - a, budget);
    budget -= n;
    return n > 0 ? [[a, a + n]] : [];
  });
  const cut = budget === 0 ? `<p class="muted">Excerpt capped at ${MAX_EXCERPT_LINES} lines; the whole log is in the JSON report.</p>` : '';
  const blocks = windows.map(([a, b]) => {
    const lines = r.log.slice(a, b).map((l) => {
      const text = `[${l.t.toFixed(6).padStart(12)}] ${l.text}`;
      return lockTimes.has(l.t) ? `<mark>${esc(text)}</mark>` : esc(text);
    });
    return `<p class="muted">lines ${a + 1}–${b} of ${r.log.length}</p><pre class="log">${lines.join('\n')}</pre>`;
  });
  return runHeading(r) + blocks.join('') + cut;
}

function devices(r: ReportRun): string {
  const ws = asWorkspace(r.workspace);
  const rows: string[] = [];
  if (ws) {
    const d = ws.devices;
    if (d.mhi.length) rows.push(`<tr><th>MHI</th><td>${d.mhi.length} controller(s): ${esc(d.mhi.map((m) => (m as { name?: string }).name ?? '?').join(', '))}</td></tr>`);
    if (d.aie) rows.push(`<tr><th>AI Engine</th><td>${d.aie.columns}×${d.aie.rows} tiles, ${d.aie.partitions.length} partition(s)</td></tr>`);
    if (d.dmabuf.exporters.length || d.dmabuf.importers.length)
      rows.push(`<tr><th>dma-buf</th><td>${d.dmabuf.exporters.length} exporter(s), ${d.dmabuf.importers.length} importer(s)</td></tr>`);
  }
  const figures = Object.entries(flatten(r.deviceFigures ?? {})).filter(([, v]) => typeof v === 'number');
  const figTable = figures.length ? `<table>${figures.map(([k, v]) => `<tr><th>${esc(k)}</th><td class="n">${num(v as number)}</td></tr>`).join('')}</table>` : '';
  const mems = r.memories
    .map((m) => `<h4>AIE tile ${esc(m.tile)} ${esc(m.kind)} memory (${num(m.size)} bytes; first ${Math.min(m.size, 256)} shown)</h4><pre class="xxd">${esc(m.xxd)}</pre>`)
    .join('');
  if (!rows.length && !figTable && !mems) return `${runHeading(r)}<p class="muted">No devices in this workspace.</p>`;
  return runHeading(r) + (rows.length ? `<table>${rows.join('')}</table>` : '') + figTable + mems;
}

function comparison(c: RunComparison): string {
  const pair = (label: string, a: unknown, b: unknown) =>
    `<tr><th>${esc(label)}</th><td class="n">${esc(fmt(a))}</td><td class="n">${esc(fmt(b))}</td></tr>`;
  const params = c.parameters.length
    ? `<table class="param-diff"><tr><th>parameter</th><th>run #${c.a}</th><th>run #${c.b}</th></tr>${c.parameters
        .slice(0, 200)
        .map((p) => pair(p.key, p.a, p.b))
        .join('')}</table>${c.parameters.length > 200 ? `<p class="muted">${c.parameters.length - 200} more differences in the JSON report.</p>` : ''}`
    : '<p>Same parameters.</p>';
  const outcome = `<table class="outcome"><tr><th></th><th>run #${c.a}</th><th>run #${c.b}</th></tr>${[
    pair('first lockup (s)', c.firstLockupSeconds.a, c.firstLockupSeconds.b),
    pair('lockups', c.lockups.a, c.lockups.b),
    pair('lost IPIs', c.lostIpis.a, c.lostIpis.b),
    ...c.exits.map((e) => pair(`guest ${e.guest} exits`, e.a, e.b)),
    pair('simulated s per wall s', c.throughput.simSecondsPerWallSecond.a, c.throughput.simSecondsPerWallSecond.b),
    pair('IPIs per simulated s', c.throughput.ipisPerSimSecond.a, c.throughput.ipisPerSimSecond.b),
    pair('mean CPU busy (%)', c.throughput.meanBusyPct.a, c.throughput.meanBusyPct.b),
  ].join('')}</table>`;
  return `<h3>Parameters that differ</h3>${params}<h3>Outcomes</h3>${outcome}`;
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return num(v);
  return typeof v === 'string' ? v : JSON.stringify(v);
}
