import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const TWB = fileURLToPathSafe(new URL('../../../bin/twb.js', import.meta.url));
function fileURLToPathSafe(u: URL): string {
  return decodeURIComponent(u.pathname);
}
const twb = (...args: string[]) => spawnSync(process.execPath, [TWB, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('twb run / params / runs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-run-'));

  it('runs the seed headless and writes the summary JSON; --db stores it for runs list', () => {
    const json = path.join(dir, 'out.json');
    const db = path.join(dir, 'runs.db');
    const r = twb('run', 'builtin:seed-power9-ipi', '--duration', '10m', '--seed', '4', '--set', 'kernel.barriers=both', '--set', 'host.hz=250', '--json', json, '--db', db);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const s = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(s).toMatchObject({ seed: 4, simulatedSeconds: 600, lostIpis: 0, barriers: 'both', lockups: [] });
    expect(s.wallSeconds).toBeGreaterThan(0);
    expect(s.cpus).toHaveLength(128);
    expect(s.cpus[0]).toEqual({ cpu: 0, busy: expect.any(Number), state: expect.any(String) });
    expect(s.guests.map((g: { name: string }) => g.name)).toEqual(['A', 'B']);
    expect(s.guests[0].exits.timer).toBe(56 * 250 * 600);
    expect(Array.isArray(s.log)).toBe(true);
    const list = twb('runs', 'list', '--db', db, '--json');
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([{ id: 1, workspace: 'seed-power9-ipi', seed: 4, status: 'finished', started: expect.any(String), simulatedSeconds: 600 }]);
  });

  it('rejects unknown parameters and bad values before running, writing nothing', () => {
    const json = path.join(dir, 'bad.json');
    const r = twb('run', 'builtin:seed-power9-ipi', '--duration', '1m', '--set', 'bogus.key=1', '--json', json);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/twb: unknown parameter 'bogus.key'/);
    expect(fs.existsSync(json)).toBe(false);
    expect(twb('run', 'builtin:seed-power9-ipi', '--duration', 'soon').stderr).toMatch(/--duration: invalid duration 'soon'/);
    expect(twb('run', 'builtin:seed-power9-ipi', '--set', 'kernel.barriers=maybe').stderr).toMatch(/kernel.barriers: expected one of none, set, clear, both/);
    // Out of range: the message names the key and its range.
    const big = twb('run', 'builtin:seed-power9-ipi', '--duration', '1m', '--set', 'qemu.workers=1e7', '--json', json);
    expect(big.status).toBe(1);
    expect(big.stderr).toContain('qemu.workers: expected an integer from 1 to 64 (count), got "1e7"');
    expect(fs.existsSync(json)).toBe(false);
    // The same from a workspace's params, naming the field.
    const seed = JSON.parse(fs.readFileSync(new URL('../../../resources/workspaces/seed-power9-ipi.json', import.meta.url), 'utf8'));
    const wsFile = path.join(dir, 'bad-params.json');
    fs.writeFileSync(wsFile, JSON.stringify({ ...seed, params: { 'qemu.workers': 1e7 } }));
    const fromWs = twb('run', wsFile, '--duration', '1m', '--json', json);
    expect(fromWs.status).toBe(1);
    expect(fromWs.stderr).toContain('params.qemu.workers: expected an integer from 1 to 64 (count), got 10000000');
    expect(fs.existsSync(json)).toBe(false);
  });

  it('lists parameters with unit and source', () => {
    const r = twb('params', '--json');
    const list = JSON.parse(r.stdout) as { key: string; unit: string; source: string }[];
    expect(list.find((p) => p.key === 'host.ksm.pages_to_scan')).toMatchObject({ unit: 'count', default: 100 });
    expect(list.find((p) => p.key === 'kernel.barriers')).toBeTruthy();
    for (const p of list) expect(p.source.length).toBeGreaterThan(3);
    expect(list.find((p) => p.key === 'qemu.workers')).toMatchObject({ min: 1, max: 64, integer: true });
    expect(twb('params').stdout).toContain('qemu.workers = 8; an integer from 1 to 64 (count)');
  });
});
