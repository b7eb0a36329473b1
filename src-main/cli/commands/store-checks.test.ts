import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TWB = fileURLToPath(new URL('../../../bin/twb.js', import.meta.url));
const twb = (args: string[], opts: { uid?: number } = {}) => {
  // As root the permission bits do not stop writes: the read-only case runs as nobody.
  const [cmd, argv] = opts.uid !== undefined ? ['setpriv', [`--reuid=${opts.uid}`, `--regid=${opts.uid}`, '--clear-groups', process.execPath, TWB, ...args]] : [process.execPath, [TWB, ...args]];
  return spawnSync(cmd, argv as string[], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, XDG_DATA_HOME: path.join(dir, 'xdg') } });
};

let dir: string;
let good: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-store-checks-'));
  fs.chmodSync(dir, 0o755);
  good = path.join(dir, 'good.db');
  expect(twb(['run', 'builtin:seed-power9-ipi', '--duration', '30s', '--db', good, '--no-progress']).status).toBe(0);
}, 300_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Issue 11: a partly corrupt store was appended to, a missing --db folder was created, a
// read-only store was "not a Topology Workbench store".
describe('stores that are damaged, missing or read-only', () => {
  it('a store with 20 KB of garbage in the middle is refused untouched, naming the file and how to recover', () => {
    const bad = path.join(dir, 'bad.db');
    const bytes = fs.readFileSync(good);
    const garbage = Buffer.from(Array.from({ length: 20 * 1024 }, (_, i) => (i * 7919 + 13) & 0xff));
    garbage.copy(bytes, Math.floor(bytes.length / 2) - 10 * 1024);
    fs.writeFileSync(bad, bytes);
    for (const args of [
      ['run', 'builtin:seed-power9-ipi', '--duration', '1s', '--db', bad, '--no-progress'],
      ['runs', 'list', '--db', bad],
    ]) {
      const r = twb(args);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^twb: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged \\(PRAGMA quick_check: .+\\); it was left untouched\\. To recover what it still holds: sqlite3 .* \\.recover`));
      expect(fs.readFileSync(bad).equals(bytes)).toBe(true);
    }
  });

  it('a --db in a folder that does not exist is an error (no folders created)', () => {
    const missing = path.join(dir, 'a', 'b', 'c.db');
    const list = twb(['runs', 'list', '--db', missing]);
    expect(list.status).toBe(1);
    expect(list.stderr).toBe(`twb: no store at ${missing} (twb run --db ${missing} records runs into a new one)\n`);
    const run = twb(['run', 'builtin:seed-power9-ipi', '--duration', '1s', '--db', missing, '--no-progress']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`cannot create store ${missing}: the folder ${path.dirname(missing)} does not exist`);
    expect(fs.existsSync(path.join(dir, 'a'))).toBe(false);
  });

  it('a store this user cannot write is listed and reported read-only', () => {
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro);
    fs.copyFileSync(good, path.join(ro, 'w.db'));
    const root = process.getuid?.() === 0;
    if (root) fs.chmodSync(ro, 0o755);
    else {
      fs.chmodSync(path.join(ro, 'w.db'), 0o444);
      fs.chmodSync(ro, 0o555);
    }
    const as = root ? { uid: 65534 } : {};
    const list = twb(['runs', 'list', '--db', path.join(ro, 'w.db'), '--json'], as);
    expect(list.stderr).toBe('');
    expect((JSON.parse(list.stdout) as unknown[]).length).toBe(1);
    const out = path.join(os.tmpdir(), `twb-ro-report-${process.pid}.csv`);
    const report = twb(['report', '1', '--db', path.join(ro, 'w.db'), '-o', out], as);
    expect(report.stderr).toBe('');
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^run_id,t_s,/);
    fs.rmSync(out);
    // Writing it is still refused, with the reason.
    const del = twb(['runs', 'delete', '1', '--db', path.join(ro, 'w.db')], as);
    expect(del.status).toBe(1);
    expect(del.stderr).toMatch(/readonly|read-only/);
    fs.chmodSync(ro, 0o755);
  });
});
