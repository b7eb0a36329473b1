import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importedDiffers } from '../../../src-common/workspace';
import { loadWorkspace } from '../workspace/load';
import { exportHwlocXml, hwlocCpuset, importHwlocXml } from './hwloc';
import { exportLibvirtXml, importLibvirtXml } from './libvirt';
import { importSynthetic, parseSynthetic } from './synthetic';

const fixture = (f: string) => fs.readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8');
const seed = loadWorkspace('builtin:seed-power9-ipi');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-import-'));
/** Optional system tools: the tests that need one are skipped, saying why, when it is missing (CI installs both). */
const tool = (bin: string, pkg: string) => {
  if (fs.existsSync(bin)) return bin;
  console.warn(`import.test.ts: skipping the ${path.basename(bin)} checks: ${bin} is not installed (apt-get install ${pkg})`);
  return '';
};
const LSTOPO = tool('/usr/bin/lstopo-no-graphics', 'hwloc-nox');
const VIRT_XML_VALIDATE = tool('/usr/bin/virt-xml-validate', 'libvirt-clients');

describe('hwloc import/export', () => {
  it('reads what lstopo writes: a real machine, a synthetic one, and hwloc 1.x', () => {
    const vm = importHwlocXml(fixture('lstopo-x86-vm.xml')).host;
    expect(vm).toMatchObject({ name: 'vm', model: 'POWER9', threadsPerCore: 1, sockets: [{ cores: 2, memoryBytes: 6537039872 }] });
    // What the machine was stays with it, as metadata; the model says it differs from POWER9.
    expect(vm.source).toMatchObject({ from: 'hwloc-xml', hostName: 'vm', architecture: 'x86_64' });
    expect(importedDiffers(vm)).toBe(true);
    expect(importHwlocXml(fixture('lstopo-synthetic-pack2-core16-pu4.xml')).host).toMatchObject({ threadsPerCore: 4, sockets: [{ cores: 16 }, { cores: 16 }] });
    const p9 = importHwlocXml(fixture('hwloc1-power9.xml')).host;
    expect({ ...p9, source: undefined }).toEqual({
      source: undefined,
      name: 'p9-lab',
      model: 'POWER9',
      threadsPerCore: 4,
      sockets: [{ cores: 1, memoryBytes: 64 * 2 ** 30 }, { cores: 1, memoryBytes: 64 * 2 ** 30 }],
      // hwloc 1.x's Cache object (depth 2, cache_type 0) on one of the two sockets: kept for both, with a note.
      caches: [{ level: 2, type: 'unified', sizeBytes: 524288, lineBytes: 128, ways: 8, cores: 1 }],
    });
    expect(p9.source?.notes).toEqual(['L2 caches on 1 of 2 packages: kept for all']);
  });

  it('gives NUMA nodes without memory (lstopo --input "pack:2 [numa] …" --of xml) the synthetic default, with a note', () => {
    const ws = importHwlocXml(fixture('lstopo-pack2-numa-nomem.xml'));
    expect(ws.host.sockets).toEqual(importSynthetic('pack:2 [numa] core:16 pu:4').host.sockets);
    expect(ws.host.sockets).toEqual([{ cores: 16, memoryBytes: 2 ** 30 }, { cores: 16, memoryBytes: 2 ** 30 }]);
    expect(ws.host.source?.notes).toEqual([
      'no NUMA node carries memory: gave each 1 GiB, as a synthetic description would',
      'no caches described: the host has the POWER9 caches (L1 per core, L2 and L3 per core pair)',
    ]);
  });

  it('reads synthetic descriptions as lstopo --input does', () => {
    expect(importSynthetic('pack:2 core:16 pu:4').host.sockets).toEqual([{ cores: 16, memoryBytes: 2 ** 29 }, { cores: 16, memoryBytes: 2 ** 29 }]);
    // hwloc's GB is 10^9 bytes, GiB 2^30.
    expect(importSynthetic('pack:2 [numa(memory=512GB)] l3:2 core:8 pu:4').host.sockets).toEqual([{ cores: 16, memoryBytes: 512e9 }, { cores: 16, memoryBytes: 512e9 }]);
    expect(importSynthetic('pack:1 [numa(memory=2GiB)] core:1 pu:1').host.sockets).toEqual([{ cores: 1, memoryBytes: 2 * 2 ** 30 }]);
    expect(() => parseSynthetic('pack:2 core:16')).toThrow('the last level must be pu');
    expect(() => parseSynthetic('pack:2 toaster:3 pu:1')).toThrow("unknown object type 'toaster'");
    expect(() => importSynthetic('pack:1 core:30 pu:4')).toThrow('host.sockets[0].cores: expected 1..24, got 30');
    expect(() => importSynthetic('pack:1 core:2 pu:3')).toThrow('host.threadsPerCore: expected one of 1, 2, 4, 8, got 3');
  });

  it('gives clear errors for malformed XML and unknown objects', () => {
    expect(() => importHwlocXml('<topology><object')).toThrow(/malformed XML at line 1, column \d+/);
    expect(() => importHwlocXml('<topology><object type="Machine"><object type="Toaster"/></object></topology>')).toThrow("topology/object[0]/object[0]: unknown hwloc object type 'Toaster'");
    expect(() => importHwlocXml('<domain/>')).toThrow('root element must be <topology>');
  });

  it('exports hwloc XML that imports back to the same host', () => {
    expect(hwlocCpuset([0, 1, 2, 3])).toBe('0x0000000f');
    expect(hwlocCpuset([32])).toBe('0x00000001,0x00000000');
    const back = importHwlocXml(exportHwlocXml(seed.host)).host;
    expect({ ...back, source: undefined }).toEqual({ ...seed.host, source: undefined });
    expect(back.source).toEqual({ from: 'hwloc-xml', hostName: seed.host.name, architecture: 'ppc64le', cpuModel: 'POWER9' });
    expect(importedDiffers(back)).toBe(false);
  });

  it.skipIf(!LSTOPO)('lstopo reads the exported hwloc XML as the same machine, POWER9 caches included', () => {
    const f = path.join(tmp, 'seed.xml');
    fs.writeFileSync(f, exportHwlocXml(seed.host));
    const r = spawnSync(LSTOPO, ['--input', f, '--of', 'synthetic'], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('Package:2 [NUMANode(memory=549755813888)] L3Cache:8(size=10485760) L2Cache:1(size=524288) L1dCache:2(size=32768) L1iCache:1(size=32768) Core:1 PU:4');
  });
});

describe('libvirt import/export', () => {
  it('round-trips the seed guests', () => {
    for (const g of seed.guests) expect(importLibvirtXml(exportLibvirtXml(g), seed.host)).toEqual(g);
  });

  it.skipIf(!VIRT_XML_VALIDATE)('the exported guests validate with virt-xml-validate', () => {
    for (const g of seed.guests) {
      const f = path.join(tmp, `${g.name}.xml`);
      fs.writeFileSync(f, exportLibvirtXml(g));
      const r = spawnSync(VIRT_XML_VALIDATE, [f, 'domain'], { encoding: 'utf8' });
      expect(r.stderr + r.stdout).toContain('validates');
      expect(r.status).toBe(0);
    }
  });

  it('reads vcpu cpuset defaults, units, topology and nosharepages; rejects what does not fit', () => {
    const g = importLibvirtXml(`<domain type='kvm'><name>web</name><memory unit='GiB'>8</memory><vcpu cpuset='1-4,^2'>4</vcpu>
      <cputune><vcpupin vcpu='0' cpuset='8'/></cputune><memoryBacking><nosharepages/></memoryBacking>
      <os><type arch='x86_64'>hvm</type></os><cpu><topology sockets='1' dies='1' cores='2' threads='2'/></cpu></domain>`);
    expect(g).toMatchObject({ name: 'web', memoryBytes: 8 * 2 ** 30, smp: { sockets: 1, cores: 2, threads: 2 }, ksm: false, mmu: 'tdp' });
    expect(g.vcpupin).toEqual([
      { vcpu: 0, cpuset: '8' },
      { vcpu: 1, cpuset: '1,3-4' },
      { vcpu: 2, cpuset: '1,3-4' },
      { vcpu: 3, cpuset: '1,3-4' },
    ]);
    expect(() => importLibvirtXml(`<domain><name>x</name><memory>1</memory><vcpu>4</vcpu><cpu><topology sockets='1' cores='3' threads='1'/></cpu></domain>`)).toThrow('sockets × dies × cores × threads = 3, but <vcpu> is 4');
    expect(() => importLibvirtXml(`<domain><name>x</name><memory>1</memory><vcpu>2</vcpu><cputune><vcpupin vcpu='1' cpuset='200'/></cputune></domain>`, seed.host)).toThrow(
      'domain/cputune/vcpupin[0]/@cpuset: CPU 200',
    );
  });
});
