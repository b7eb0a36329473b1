import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient, NotFoundError, ValidationError, memoryPort } from '../../../../src-common/bridge';
import { RunRecorder } from '../../history/recorder';
import { loadWorkspace } from '../../workspace/load';
import { openStore, type Store } from '../../store';
import { createBridgeHost } from '.';

let dir: string;
let store: Store;
let browser: BridgeClient;
let desktop: BridgeClient;
let ids: number[];
const printed: string[] = [];

/** A short stored run: three samples, one log line each, then ended as failed (no summary needed). */
function record(seed: number): number {
  const ws = loadWorkspace('builtin:seed-power9-ipi');
  const rec = RunRecorder.start(store, { workspaceName: ws.name, workspace: ws, seed, durationNs: 30e9, params: {} }, { wallMs: () => 0 });
  for (let i = 1; i <= 3; i++)
    rec.onUpdate({
      simNs: i * 10e9,
      durationNs: 30e9,
      wallSeconds: i,
      paused: false,
      cpus: { state: Array(128).fill('guest'), busy: Array(128).fill(0.25 * i) },
      counters: { broadcasts: i, ipisSent: i * 100, lostIpis: 0, lockups: 0, logLines: i },
      newLog: [{ t: i * 10 - 1, text: `line ${i} of run seed ${seed}` }],
      guestExits: { A: i * 50 },
    });
  rec.fail('stopped by the test');
  return rec.runId;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-run-report-'));
  store = openStore(path.join(dir, 'r.db'));
  ids = [record(1), record(2)];
  browser = new BridgeClient(memoryPort(createBridgeHost({ store, version: '0.0.0', mode: 'browser' })));
  const printToPdf = async (html: string) => {
    printed.push(html);
    return new TextEncoder().encode('%PDF-1.7 fake');
  };
  desktop = new BridgeClient(memoryPort(createBridgeHost({ store, version: '0.0.0', mode: 'electron', printToPdf })));
});
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('runs.report', () => {
  it('renders HTML of one run, and of two with a comparison section', async () => {
    const one = await browser.call('runs.report', { ids: [ids[0]], format: 'html' });
    expect(one).toMatchObject({ filename: `twb-run-${ids[0]}.html`, mimeType: 'text/html;charset=utf-8', encoding: 'utf8' });
    expect(one.content).toMatch(/^<!doctype html>/);
    expect(one.content).toContain('<section id="charts">');
    expect(one.content).not.toContain('<section id="comparison">');
    const two = await browser.call('runs.report', { ids, format: 'html' });
    expect(two.filename).toBe(`twb-runs-${ids[0]}-vs-${ids[1]}.html`);
    expect(two.content).toContain('<section id="comparison">');
  });

  it('renders JSON with everything and CSV of the time series', async () => {
    const json = await browser.call('runs.report', { ids, format: 'json' });
    expect(json).toMatchObject({ filename: `twb-runs-${ids[0]}-vs-${ids[1]}.json`, mimeType: 'application/json', encoding: 'utf8' });
    const doc = JSON.parse(json.content);
    expect(doc).toMatchObject({ format: 'topology-workbench-report', version: 1, comparison: { a: ids[0], b: ids[1] } });
    expect(doc.runs.map((r: { id: number; status: string }) => [r.id, r.status])).toEqual([[ids[0], 'failed'], [ids[1], 'failed']]);
    const csv = await browser.call('runs.report', { ids: [ids[1]], format: 'csv' });
    expect(csv).toMatchObject({ filename: `twb-run-${ids[1]}.csv`, mimeType: 'text/csv;charset=utf-8' });
    const rows = csv.content.trimEnd().split('\r\n');
    expect(rows[0]).toBe('run_id,t_s,busy_pct,ipis_per_s,lost_ipis,exits_per_s.A');
    expect(rows.slice(1).every((r) => r.startsWith(`${ids[1]},`))).toBe(true);
  });

  it('prints PDF through the desktop printer, as base64 of its bytes', async () => {
    const pdf = await desktop.call('runs.report', { ids, format: 'pdf' });
    expect(pdf).toMatchObject({ filename: `twb-runs-${ids[0]}-vs-${ids[1]}.pdf`, mimeType: 'application/pdf', encoding: 'base64' });
    expect(Buffer.from(pdf.content, 'base64').toString()).toBe('%PDF-1.7 fake');
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('<section id="comparison">');
  });

  it('refuses bad requests naming the field; an unknown run is a NotFoundError', async () => {
    const report = (arg: unknown) => browser.call('runs.report', arg as never);
    await expect(report({ ids: [ids[0]], format: 'pdf' })).rejects.toThrow(/^runs\.report\.format: 'pdf' is printed by the desktop app/);
    await expect(report({ ids: [ids[0]], format: 'pdf' })).rejects.toBeInstanceOf(ValidationError);
    await expect(report({ ids: [ids[0]], format: 'xml' })).rejects.toThrow("runs.report.format: expected one of html, json, csv, pdf, got 'xml'");
    await expect(report({ ids: [], format: 'html' })).rejects.toThrow('runs.report.ids: expected one or two run ids, got none');
    await expect(report({ ids: [1, 2, 3], format: 'html' })).rejects.toThrow('runs.report.ids: expected one or two run ids (two make a comparison)');
    await expect(report({ ids: [ids[0], ids[0]], format: 'html' })).rejects.toThrow(`runs.report.ids: expected two different runs, got [${ids[0]},${ids[0]}]`);
    await expect(report({ ids: [ids[0], 0], format: 'html' })).rejects.toThrow('runs.report.ids[1]: expected a run id ≥ 1');
    await expect(report({ ids: [1.5], format: 'html' })).rejects.toThrow('runs.report.ids[0]: expected an integer run id');
    await expect(report({ ids: 'all', format: 'html' })).rejects.toThrow(`runs.report.ids: expected an array of one or two run ids, got 'all'`);
    await expect(report({ ids: [ids[0]] })).rejects.toThrow(/^runs\.report\.format: /);
    await expect(report({ ids: [ids[0]], format: 'html', to: '/tmp/x' })).rejects.toThrow('runs.report.to: unknown field');
    await expect(report({ ids: [ids[0], 999], format: 'html' })).rejects.toThrow('runs.report.ids[1]: no run with id 999');
    await expect(report({ ids: [999], format: 'csv' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(desktop.call('runs.report', { ids: [999], format: 'pdf' })).rejects.toBeInstanceOf(NotFoundError);
    expect(printed).toHaveLength(1);
  });
});
