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
    expect(r.stderr).toBe(
      `twb: warning: ${file}: no NUMA node carries memory: gave each 1 GiB, as a synthetic description would\n` +
        `twb: warning: ${file}: no caches described: the host has the POWER9 caches (L1 per core, L2 and L3 per core pair)\n`,
    );
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

  it('names on stderr every element of a domain the model does not keep, and keeps the rest', () => {
    const file = decodeURIComponent(new URL('../../host/import/fixtures/libvirt-numa-iothreads.xml', import.meta.url).pathname);
    const out = path.join(dir, 'ws3.json');
    const r = twb('import', 'libvirt', file, '--into', 'builtin:seed-power9-ipi', '-o', out);
    expect(r.status).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toContain(`twb: warning: ${file}: domain/devices: not modelled; left out of an export`);
    expect(lines).toContain(`twb: warning: ${file}: domain/cputune/shares: not modelled; left out of an export`);
    expect(lines).toHaveLength(9);
    const db = JSON.parse(fs.readFileSync(out, 'utf8')).guests[2];
    expect(db).toMatchObject({ name: 'db', emulatorpin: '120-127', iothreads: 2, numatune: { memory: { mode: 'strict', nodeset: '0-1' } } });
    // The export keeps them (virt-xml-validate is checked in host/import/libvirt.test.ts).
    const xml = twb('export', 'libvirt', out, 'db').stdout;
    expect(xml).toContain('<iothreadpin iothread="1" cpuset="124-125"/>');
    expect(xml).toContain('<memnode cellid="0" mode="strict" nodeset="0"/>');
  });

  it('exports the host with its caches and MHI modems on PCI', () => {
    const xml = twb('export', 'hwloc', 'builtin:devices-demo').stdout;
    expect(xml).toContain('type="L3Cache"');
    expect(xml).toContain('pci_type="ff00 [17cb:0306] [17cb:0306] 00"');
    expect(xml).toContain('<info name="MHIController" value="mhi1"/>');
  });
});
