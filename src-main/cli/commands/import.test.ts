import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const TWB = decodeURIComponent(new URL('../../../bin/twb.js', import.meta.url).pathname);
const twb = (...args: string[]) => spawnSync(process.execPath, [TWB, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('twb import / export', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-imp-'));
  it('imports a synthetic host into a workspace file, and writes nothing on error', () => {
    const out = path.join(dir, 'ws.json');
    expect(twb('import', 'hwloc', '--synthetic', 'pack:2 core:16 pu:4', '-o', out).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).host.sockets).toHaveLength(2);
    const bad = path.join(dir, 'bad.json');
    const r = twb('import', 'hwloc', '--synthetic', 'pack:2 core:16 pu:3', '-o', bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^twb: synthetic: host.threadsPerCore: expected one of 1, 2, 4, 8, got 3/);
    expect(fs.existsSync(bad)).toBe(false);
  });

  it('imports hwloc XML whose NUMA nodes carry no memory with the synthetic default, warning on stderr', () => {
    const file = decodeURIComponent(new URL('../../host/import/fixtures/lstopo-pack2-numa-nomem.xml', import.meta.url).pathname);
    const r = twb('import', 'hwloc', file);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).host.sockets).toEqual([{ cores: 16, memoryBytes: 2 ** 30 }, { cores: 16, memoryBytes: 2 ** 30 }]);
    expect(r.stderr).toBe(`twb: warning: ${file}: no NUMA node carries memory: gave each 1 GiB, as a synthetic description would\n`);
  });

  it('exports a guest as libvirt XML and adds it back to a workspace', () => {
    const xml = path.join(dir, 'A.xml');
    expect(twb('export', 'libvirt', 'builtin:seed-power9-ipi', 'A', '-o', xml).status).toBe(0);
    const out = path.join(dir, 'ws2.json');
    const r = twb('import', 'libvirt', xml, '--into', 'builtin:seed-power9-ipi', '--replace', '-o', out);
    expect(r.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).guests.map((g: { name: string }) => g.name)).toEqual(['A', 'B']);
    expect(twb('export', 'libvirt', 'builtin:seed-power9-ipi', 'C').stderr).toMatch(/has no guest 'C' \(guests: A, B\)/);
  });
});
