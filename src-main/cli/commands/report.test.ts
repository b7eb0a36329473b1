import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TWB = fileURLToPath(new URL('../../../bin/twb.js', import.meta.url));
const twb = (...args: string[]) => spawnSync(process.execPath, [TWB, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('twb runs show|compare|rerun|delete and twb report', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-report-cli-'));
  const db = path.join(dir, 'runs.db');

  it('records a run, reports it, re-runs it identically, compares and deletes', { timeout: 180_000 }, () => {
    const html = path.join(dir, 'run.html');
    const first = twb('run', 'builtin:seed-power9-ipi', '--duration', '10m', '--seed', '4', '--set', 'kernel.barriers=both', '--db', db, '--report', html, '--json', path.join(dir, 'a.json'));
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const page = fs.readFileSync(html, 'utf8');
    for (const id of ['configuration', 'topology', 'charts', 'lockups', 'kernel-log', 'devices']) expect(page).toContain(`<section id="${id}">`);

    const show = JSON.parse(twb('runs', 'show', '1', '--db', db, '--json').stdout);
    expect(show).toMatchObject({ id: 1, status: 'finished', seed: 4, params: { 'kernel.barriers': 'both' }, requestedSeconds: 600, simulatedSeconds: 600 });
    expect(show.series.map((s: { key: string }) => s.key)).toEqual(['busy_pct', 'ipis_per_s', 'lost_ipis', 'exits_per_s.A', 'exits_per_s.B']);

    // Same seed and parameters ⇒ same trace.
    const again = twb('run', '--rerun', '#1', '--db', db, '--json', path.join(dir, 'b.json'));
    expect(again.status).toBe(0);
    const digests = ['a', 'b'].map((n) => JSON.parse(fs.readFileSync(path.join(dir, `${n}.json`), 'utf8')).trace.digest);
    expect(new Set(digests).size).toBe(1);
    expect(twb('run', 'builtin:seed-power9-ipi', '--rerun', '1', '--db', db).stderr).toMatch(/twb: --rerun: give either a workspace or --rerun RUN_ID, not both/);

    const cmp = JSON.parse(twb('runs', 'compare', '1', '2', '--db', db, '--json').stdout);
    expect(cmp).toMatchObject({ a: 1, b: 2, parameters: [], lostIpis: { a: 0, b: 0 }, firstLockupSeconds: { a: null, b: null } });
    expect(cmp.exits.map((e: { a: number; b: number }) => e.a === e.b)).toEqual([true, true]);

    const csv = path.join(dir, 'two.csv');
    expect(twb('report', '1', '2', '-o', csv, '--db', db).status).toBe(0);
    expect(fs.readFileSync(csv, 'utf8').split('\r\n')[0]).toBe('run_id,t_s,busy_pct,ipis_per_s,lost_ipis,exits_per_s.A,exits_per_s.B');

    const bad = path.join(dir, 'bad.pdf');
    expect(twb('report', '1', '--format', 'pdf', '-o', bad, '--db', db).stderr).toMatch(/twb: --format: expected one of html, json, csv, got 'pdf'/);
    expect(fs.existsSync(bad)).toBe(false);

    // All or nothing: 7 does not exist, so 2 is kept too.
    expect(twb('runs', 'delete', '2', '7', '--db', db).stderr).toMatch(/twb: no run with id 7/);
    expect(JSON.parse(twb('runs', 'delete', '2', '--db', db, '--json').stdout)).toEqual({ deleted: [2] });
  });
});
