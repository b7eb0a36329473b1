import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TWB = fileURLToPath(new URL('../../../bin/twb.js', import.meta.url));
const twb = (...args: string[]) => spawnSync(process.execPath, [TWB, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('twb sweep / sweeps', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-sweep-'));
  const db = path.join(dir, 's.db');

  // Each test starts twb several times: minutes on a loaded machine.
  it('runs a grid on the local pool, writes JSON in the documented shape and the HTML report, and lists/shows/compares it', { timeout: 300_000 }, () => {
    const json = path.join(dir, 'sweep.json');
    const html = path.join(dir, 'sweep.html');
    const r = twb('sweep', 'builtin:seed-power9-ipi', '--seeds', '1..2', '--vary', 'kernel.barriers=none,both', '--duration', '2m', '--jobs', '2', '--db', db, '--json', json, '--report', html);
    expect(r.stderr).toMatch(/sweep #1: 4 runs to go on local/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/kernel.barriers=none\s+2\s+0\s+0.000 \[0.000, 0.658\]/);
    const out = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(Object.keys(out)).toEqual(['sweepId', 'workspace', 'duration', 'configurations']);
    expect(out).toMatchObject({ sweepId: 1, workspace: 'seed-power9-ipi', duration: 120 });
    expect(out.configurations.map((c: { params: unknown }) => c.params)).toEqual([{ 'kernel.barriers': 'none' }, { 'kernel.barriers': 'both' }]);
    for (const c of out.configurations) {
      expect(Object.keys(c)).toEqual(['params', 'runs', 'lockups', 'pLockup', 'lostIpisPerHour', 'firstLockup', 'survival', 'runIds']);
      expect(c).toMatchObject({ runs: 2, lockups: 0, firstLockup: null, survival: [{ t: 0, s: 1 }, { t: 120, s: 1 }] });
      expect(Object.keys(c.pLockup)).toEqual(['value', 'low', 'high']);
      expect(c.runIds).toHaveLength(2);
    }
    const page = fs.readFileSync(html, 'utf8');
    expect(page).toContain("default-src 'none'");
    expect(page.match(/<path class="curve"/g)).toHaveLength(2);

    const list = JSON.parse(twb('sweeps', 'list', '--db', db, '--json').stdout);
    expect(list).toEqual([expect.objectContaining({ id: 1, status: 'finished', done: 4, total: 4, seeds: '1..2', vary: ['kernel.barriers=none,both'], queue: 'local' })]);
    const show = twb('sweeps', 'show', '1', '--db', db, '--runs');
    expect(show.stdout).toMatch(/\{"kernel.barriers":"both"\} {2}seed 2 {2}run #\d+ {2}finished {2}no soft lockup {2}ended 120.000 s/);
    const cmp = twb('sweeps', 'compare', '1', '--db', db);
    expect(cmp.stdout).toMatch(/baseline: kernel.barriers=none/);
    expect(cmp.stdout).toMatch(/kernel.barriers=both .*\+0.000 \[-0.658, 0.658\]\s+1.0000/);
    // Every sweep run opens as a run.
    expect(JSON.parse(twb('runs', 'list', '--db', db, '--json').stdout)).toHaveLength(4);
    expect(twb('sweep', '--resume', '1', '--db', db).stderr).toMatch(/--resume: sweep #1 is already finished \(4 of 4 runs stored\)/);
  });

  it('refuses bad input by name before anything runs or is stored', { timeout: 300_000 }, () => {
    const bad = path.join(dir, 'bad.db');
    const err = (...args: string[]) => {
      const r = twb('sweep', 'builtin:seed-power9-ipi', '--db', bad, ...args);
      expect(r.status).not.toBe(0);
      return r.stderr;
    };
    expect(err('--vary', 'kernel.barriers=none')).toMatch(/twb: --seeds: required/);
    expect(err('--seeds', '1', '--vary', 'kernel.barriers=none,sometimes')).toMatch(/twb: --vary kernel.barriers=sometimes: kernel.barriers: expected one of none, set, clear, both/);
    expect(err('--seeds', '1', '--until', 'coffee', '--duration', '31d')).toMatch(/twb: --duration: expected more than 0 and at most 30d/);
    expect(err('--seeds', '1', '--until', 'coffee')).toMatch(/twb: --until: expected first-soft-lockup \(a sweep estimates the first soft lockup\), got 'coffee'/);
    // A run condition other than the soft lockup would end runs before it and count them as runs without one.
    expect(err('--seeds', '1', '--until', 'first-lost-ipi')).toMatch(/twb: --until: expected first-soft-lockup .*got 'first-lost-ipi'/);
    // 256 threads × 512 MB is more than three quarters of any machine this runs on (24 GiB here).
    expect(err('--seeds', '1', '--jobs', '256')).toMatch(/twb: --jobs: 256 threads would leave each run \d+ MB of heap .*; at most \d+/);
    expect(err('--seeds', '1', '--queue', 'http://x')).toMatch(/twb: --queue: expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(fs.existsSync(bad)).toBe(false);
    expect(twb('sweeps', 'show', '9', '--db', db).stderr).toMatch(/twb: no sweep with id 9/);
  });
});
