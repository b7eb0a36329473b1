import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TWB = fileURLToPath(new URL('../../../bin/twb.js', import.meta.url));

// Without --db the run commands use browser mode's store ($XDG_DATA_HOME/…), not the desktop
// app's (Electron userData); their help must say so.
describe('twb runs/report without --db', () => {
  it('use $XDG_DATA_HOME/topology-workbench/workbench.db, as the help says', { timeout: 60_000 }, () => {
    const xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-xdg-'));
    const env = { ...process.env, XDG_DATA_HOME: xdg };
    const list = spawnSync(process.execPath, [TWB, 'runs', 'list', '--json'], { encoding: 'utf8', env, timeout: 30_000 });
    expect(list.stderr).toBe('');
    expect(JSON.parse(list.stdout)).toEqual([]);
    expect(fs.existsSync(path.join(xdg, 'topology-workbench', 'workbench.db'))).toBe(true);

    for (const args of [['runs', 'list', '--help'], ['report', '--help']]) {
      const help = spawnSync(process.execPath, [TWB, ...args], { encoding: 'utf8', env, timeout: 30_000 }).stdout.replace(/\s+/g, ' ');
      expect(help).toContain('$XDG_DATA_HOME/topology-workbench/workbench.db');
      expect(help).not.toContain("default: the desktop app's store");
    }
  });
});
