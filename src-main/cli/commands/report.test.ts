import Database from 'better-sqlite3';
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

    const cmp = JSON.parse(twb('runs', 'compare', '1', '2', '--db', db, '--json').stdout);
    expect(cmp).toMatchObject({ a: 1, b: 2, parameters: [], lostIpis: { a: 0, b: 0 }, firstLockupSeconds: { a: null, b: null } });
    expect(cmp.exits.map((e: { a: number; b: number }) => e.a === e.b)).toEqual([true, true]);

    const csv = path.join(dir, 'two.csv');
    expect(twb('report', '1', '2', '-o', csv, '--db', db).status).toBe(0);
    expect(fs.readFileSync(csv, 'utf8').split('\r\n')[0]).toBe('run_id,t_s,busy_pct,ipis_per_s,lost_ipis,exits_per_s.A,exits_per_s.B');

    // All or nothing: 7 does not exist, so 2 is kept too.
    expect(twb('runs', 'delete', '2', '7', '--db', db).stderr).toMatch(/twb: no run with id 7/);
    const left = new Database(db, { readonly: true });
    expect(left.prepare('SELECT id FROM runs ORDER BY id').all()).toEqual([{ id: 1 }, { id: 2 }]);
    left.close();
  });
});
