import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineChartSvg, niceTicks } from './chart-svg';
import type { RunSummary } from '../../engine/run/build';
import { RunRecorder } from '../history/recorder';
import type { RunUpdate } from '../run/protocol';
import { loadWorkspace } from '../workspace/load';
import { openStore, type Store } from '../store';
import { loadReportRun, type ReportRun } from './data';
import { renderCsv } from './csv';
import { excerptWindows, renderHtml } from './html';
import { renderJson, reportFormat } from './write';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let dir: string;
let store: Store;
let runs: ReportRun[];

const ws = loadWorkspace('builtin:seed-power9-ipi');

function record(seed: number, lockups: boolean): number {
  const rec = RunRecorder.start(store, { workspaceName: ws.name, workspace: ws, seed, durationNs: 3600e9, params: { 'kernel.barriers': lockups ? 'none' : 'both' } }, { wallMs: () => 0 });
  for (let i = 1; i <= 12; i++) {
    const t = i * 300;
    const u: RunUpdate = {
      simNs: t * 1e9,
      durationNs: 3600e9,
      wallSeconds: i / 10,
      paused: false,
      cpus: { state: Array(128).fill('guest'), busy: Array(128).fill(lockups && i > 6 ? 0.9 : 0.5) },
      counters: { broadcasts: i, ipisSent: t * 8000, lostIpis: lockups && i > 6 ? 1 : 0, lockups: 0, logLines: 0 },
      newLog: lockups && i === 7 ? [{ t: 2050, text: 'watchdog: BUG: soft lockup - CPU#12 stuck for 22s! [stress:4242]' }, { t: 2051, text: 'rcu: INFO: rcu_sched detected stalls on CPUs/tasks: { 40 }' }] : [{ t: t - 1, text: `tick ${i}` }],
      newLockups: lockups && i === 7 ? [{ t: 2050, cpu: 12, kind: 'soft_lockup', waitingOn: 'CPU 40 (host_ipi never seen)', task: 'stress:4242' }, { t: 2051, cpu: 40, kind: 'rcu_stall', waitingOn: 'CPU 12' }] : [],
      guestExits: { A: t * 22000, B: t * 1700 },
    };
    rec.onUpdate(u);
  }
  if (lockups) rec.saveMemory('2,1', 'data', new Uint8Array(Array.from({ length: 512 }, (_, i) => i & 0xff)));
  const log = store.history.log(rec.runId).map((l) => ({ t: l.tNs / 1e9, text: l.text }));
  const summary: RunSummary = {
    workspace: ws.name,
    seed,
    barriers: lockups ? 'none' : 'both',
    simulatedSeconds: 3600,
    wallSeconds: 1.2,
    status: 'finished',
    lostIpis: lockups ? 1 : 0,
    ipis: { sent: 28_800_000, delivered: 28_800_000, broadcasts: 12 },
    log,
    cpus: Array.from({ length: 128 }, (_, cpu) => ({ cpu, busy: 0.5, state: 'guest' })),
    guests: [
      { name: 'A', mmu: 'radix', exits: { page_fault: 1000, hcall: 2000 } },
      { name: 'B', mmu: 'radix', exits: { page_fault: 10, hcall: 20 } },
    ] as unknown as RunSummary['guests'],
    lockups: lockups
      ? [
          { t: 2050, cpu: 12, kind: 'soft_lockup', waitingOn: 'CPU 40 (host_ipi never seen)', task: 'stress:4242' },
          { t: 2051, cpu: 40, kind: 'rcu_stall', waitingOn: 'CPU 12' },
        ]
      : [],
    warnings: [],
    params: {},
    trace: { digest: `d${seed}`, events: 10 },
  };
  rec.end(summary);
  return rec.runId;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-report-'));
  store = openStore(path.join(dir, 'r.db'));
  const a = record(1, true);
  const b = record(2, false);
  runs = [loadReportRun(store, a), loadReportRun(store, b)];
});
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('report data', () => {
  it('derives busy %, IPIs/s, lost IPIs and exits/s per guest from the samples', () => {
    const keys = runs[0].series.map((s) => s.key);
    expect(keys).toEqual(['busy_pct', 'ipis_per_s', 'lost_ipis', 'exits_per_s.A', 'exits_per_s.B']);
    expect(runs[0].series[0].points[0]).toEqual([300, 50]);
    expect(runs[0].series[1].points[0]).toEqual([600, 8000]);
    expect(runs[0].series[3].points.every(([, v]) => v === 22000)).toBe(true);
    expect(runs[0].memories[0]).toMatchObject({ tile: '2,1', kind: 'data', size: 512 });
    expect(runs[0].memories[0].xxd.split('\n')[0]).toBe('00000000: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  ................');
  });

  it('picks log windows around each lockup, merged', () => {
    const log = Array.from({ length: 100 }, (_, i) => ({ t: i }));
    expect(excerptWindows(log, [{ t: 50, cpu: 0, kind: 'k', waitingOn: '', task: null }, { t: 52, cpu: 0, kind: 'k', waitingOn: '', task: null }])).toEqual([[45, 62]]);
    expect(excerptWindows(log, [])).toEqual([[0, 40]]);
  });

  it('writes CSV of the time series and JSON with everything', () => {
    const csv = renderCsv(runs).split('\r\n');
    expect(csv[0]).toBe('run_id,t_s,busy_pct,ipis_per_s,lost_ipis,exits_per_s.A,exits_per_s.B');
    expect(csv[1]).toBe(`${runs[0].id},300,50,,0,,`);
    expect(csv[2]).toBe(`${runs[0].id},600,50,8000,0,22000,1700`);
    const json = JSON.parse(renderJson(runs));
    expect(json.runs).toHaveLength(2);
    expect(json.comparison).toMatchObject({ firstLockupSeconds: { a: 2050, b: null }, lostIpis: { a: 1, b: 0 } });
    expect(json.runs[0].lockups[0]).toEqual({ t: 2050, cpu: 12, kind: 'soft_lockup', waitingOn: 'CPU 40 (host_ipi never seen)', task: 'stress:4242' });
    expect(reportFormat(undefined, 'x.CSV')).toBe('csv');
    expect(() => reportFormat('pdf', 'x')).toThrow("--format: expected one of html, json, csv, got 'pdf'");
    expect(() => reportFormat(undefined, 'x.txt')).toThrow(/no html\/json\/csv extension/);
  });
});

describe('HTML report', () => {
  it('is self-contained: no external reference of any kind', () => {
    const html = renderHtml(runs);
    const urls = html.match(/(?:https?:)?\/\/[^\s"'<>)]+/g) ?? [];
    expect(urls.filter((u) => u !== 'http://www.w3.org/2000/svg')).toEqual([]);
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
  });

  it('names the host in words: one socket is "1 socket"', () => {
    expect(renderHtml(runs)).toContain('power9-host: POWER9, 2 sockets, 32 cores, SMT4');
    const ws = structuredClone(runs[0].workspace) as { host: { sockets: unknown[] }; guests: unknown[]; workloads: unknown[] };
    ws.host.sockets = ws.host.sockets.slice(0, 1);
    ws.guests = [];
    ws.workloads = [];
    expect(renderHtml([{ ...runs[0], workspace: ws }])).toContain('power9-host: POWER9, 1 socket, 16 cores, SMT4');
  });

  it('renders in headless Chromium with every section and makes no network request', async () => {
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, renderHtml(runs));
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const url = pathToFileURL(file).href;
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForLoadState('load');
      expect(requests).toEqual([url]);
      expect(errors).toEqual([]);
      for (const id of ['configuration', 'topology', 'charts', 'lockups', 'kernel-log', 'devices', 'comparison']) await expect(page.locator(`section#${id} h2`).isVisible()).resolves.toBe(true);
      expect(await page.locator('#topology svg .thread').count()).toBe(128);
      expect(await page.locator('#topology svg .guest').count()).toBe(2);
      expect(await page.locator('#charts figure svg polyline.series').count()).toBe(10);
      expect(await page.locator('#lockups circle.lockup').count()).toBe(2);
      expect(await page.locator('#lockups line.waits').count()).toBe(2);
      expect(await page.locator('#kernel-log mark').first().textContent()).toContain('soft lockup - CPU#12 stuck');
      expect(await page.locator('#devices pre.xxd').textContent()).toContain('00000000: 0001 0203');
      expect(await page.locator('#comparison .outcome').textContent()).toContain('first lockup (s)');
      // Laid out: the topology drawing has a real size.
      const box = await page.locator('#topology svg').first().boundingBox();
      expect(box!.width).toBeGreaterThan(400);
      if (process.env.TWB_REPORT_SCREENSHOT) await page.screenshot({ path: process.env.TWB_REPORT_SCREENSHOT, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

describe('report chart ticks', () => {
  it('round steps, and whole numbers for counts (never 0.2625)', () => {
    expect(niceTicks(0, 1.05, true)).toEqual([0, 1, 2]);
    expect(niceTicks(0, 21, true)).toEqual([0, 10, 20, 30]);
    expect(niceTicks(0, 97.3)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(0, 0.8)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    const svg = lineChartSvg('Lost IPIs', 'count', [{ label: 'run #1', color: '#000', points: [[0, 0], [10, 1]] }]);
    const labels = [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]);
    expect(labels).toEqual(['0', '1']);
  });
});
