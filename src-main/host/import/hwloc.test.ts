import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pciClassName, power9Caches } from '../../../src-common/workspace';
import { loadWorkspace } from '../workspace/load';
import { exportHwlocXml, importHwlocXml } from './hwloc';
import { importSynthetic } from './synthetic';

/** Caches and I/O through hwloc import and export; where lstopo is installed, lstopo itself judges the round trip. */
const fixture = (f: string) => fs.readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-hwloc-'));
const LSTOPO = '/usr/bin/lstopo-no-graphics';
const hasLstopo = fs.existsSync(LSTOPO);
if (!hasLstopo) console.warn(`hwloc.test.ts: skipping the lstopo checks: ${LSTOPO} is not installed (apt-get install hwloc-nox)`);

let n = 0;
/** lstopo's reading of a file (or a synthetic description) in one output format. */
function lstopo(input: string, ...args: string[]): string {
  let arg = input;
  if (input.startsWith('<')) {
    arg = path.join(tmp, `t${n++}.xml`);
    fs.writeFileSync(arg, input);
  }
  const r = spawnSync(LSTOPO, ['--input', arg, ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('hwloc caches', () => {
  it('a POWER9 host exports its own caches: L1i/L1d per SMT4 core, L2 and L3 per core pair', () => {
    const seed = loadWorkspace('builtin:seed-power9-ipi');
    const xml = exportHwlocXml(seed.host);
    expect(xml).toContain('type="L3Cache"');
    expect(importHwlocXml(xml).host.caches).toBeUndefined(); // the model's own caches stay implicit
    expect(power9Caches(4).map((c) => [c.level, c.type, c.sizeBytes, c.cores])).toEqual([
      [1, 'data', 32768, 1],
      [1, 'instruction', 32768, 1],
      [2, 'unified', 524288, 2],
      [3, 'unified', 10485760, 2],
    ]);
    // Parameter overrides (a part with one core per slice) reach the export.
    const single = importHwlocXml(exportHwlocXml(seed.host, { params: { 'host.cache.l2_smt4_cores': 1, 'host.cache.l3_smt4_cores': 1 } })).host;
    expect(single.caches?.find((c) => c.level === 3)?.cores).toBe(1);
  });

  it.skipIf(!hasLstopo)('lstopo reads the POWER9 export as POWER9: 8 L3/L2 slices of 2 cores per chip', () => {
    const seed = loadWorkspace('builtin:seed-power9-ipi');
    expect(lstopo(exportHwlocXml(seed.host), '--of', 'synthetic').trim()).toBe(
      'Package:2 [NUMANode(memory=549755813888)] L3Cache:8(size=10485760) L2Cache:1(size=524288) L1dCache:2(size=32768) L1iCache:1(size=32768) Core:1 PU:4',
    );
  });

  it('keeps the caches of another machine (x86: L3 per package, L2/L1 per core) and their I/O', () => {
    const notes: string[] = [];
    const host = importHwlocXml(fixture('lstopo-x86-vm.xml'), undefined, notes).host;
    expect(notes).toEqual([]);
    expect(host.caches).toEqual([
      { level: 1, type: 'data', sizeBytes: 49152, lineBytes: 64, ways: 12, cores: 1, inclusive: false },
      { level: 1, type: 'instruction', sizeBytes: 32768, lineBytes: 64, ways: 8, cores: 1, inclusive: false },
      { level: 2, type: 'unified', sizeBytes: 1048576, lineBytes: 64, ways: 16, cores: 1, inclusive: true },
      { level: 3, type: 'unified', sizeBytes: 33554432, lineBytes: 64, ways: 16, cores: 2, inclusive: false },
    ]);
    expect(host.io).toEqual([
      {
        buses: { domain: '0000', first: 0, last: 0 },
        children: [
          { busid: '0000:00:02.0', classId: '0180', vendor: '1af4', device: '1042', subvendor: '1af4', subdevice: '1042', revision: '01', linkGBps: 0, osdevs: [{ name: 'vda', type: 'block', info: [{ name: 'Size', value: '268435456' }, { name: 'SectorSize', value: '512' }, { name: 'LinuxDeviceID', value: '254:0' }] }] },
          { busid: '0000:00:03.0', classId: '0200', vendor: '1af4', device: '1041', subvendor: '1af4', subdevice: '1041', revision: '01', linkGBps: 0, osdevs: [{ name: 'eth0', type: 'network', info: [{ name: 'Address', value: '02:fc:00:00:00:01' }] }] },
        ],
      },
    ]);
    // Back through export and import: the same host (its source now says it came from the workbench's XML).
    expect({ ...importHwlocXml(exportHwlocXml(host)).host, source: undefined }).toEqual({ ...host, source: undefined });
  });

  it("keeps the CPU model as /proc/cpuinfo pads it, without the padding (lstopo copies the model name's trailing blanks)", () => {
    const padded = fixture('lstopo-x86-vm.xml').replace('value="AMD EPYC"', 'value="AMD  EPYC 7763 64-Core Processor             "');
    expect(importHwlocXml(padded).host.source?.cpuModel).toBe('AMD EPYC 7763 64-Core Processor');
  });

  it('names what it leaves out: a Misc object (lstopo records memory modules so) is a note with its path', () => {
    const xml = fixture('lstopo-x86-vm.xml').replace('<object type="Package"', '<object type="Misc" gp_index="99" name="MemoryModule" subtype="MemoryModule"/>\n<object type="Package"');
    const notes: string[] = [];
    const ws = importHwlocXml(xml, undefined, notes);
    expect(notes).toEqual(['topology/object[0]/object[0] (Misc MemoryModule): not kept']);
    expect(ws.host.source?.notes).toEqual(notes);
  });

  it('a description without caches gets the POWER9 caches, and says so', () => {
    const notes: string[] = [];
    const host = importSynthetic('pack:2 [numa(memory=2GB)] core:4 pu:8', 'x', notes).host;
    expect(host.caches).toBeUndefined();
    expect(notes).toEqual(['no caches described: the host has the POWER9 caches (L1 per core, L2 and L3 per core pair)']);
    expect(exportHwlocXml(host)).toContain('<object type="L2Cache"');
  });

  it('reads synthetic cache levels as lstopo --input does (sizes in hwloc units, hwloc defaults)', () => {
    const host = importSynthetic('pack:2 [numa(memory=64GiB)] l3:2(size=32MB) l2:4 l1d:1(size=48KiB) l1i:1 core:1 pu:2').host;
    expect(host.sockets).toEqual([{ cores: 8, memoryBytes: 64 * 2 ** 30 }, { cores: 8, memoryBytes: 64 * 2 ** 30 }]);
    expect(host.caches).toEqual([
      { level: 1, type: 'data', sizeBytes: 48 * 1024, lineBytes: 64, ways: 0, cores: 1 },
      { level: 1, type: 'instruction', sizeBytes: 32768, lineBytes: 64, ways: 0, cores: 1 },
      { level: 2, type: 'unified', sizeBytes: 4 * 2 ** 20, lineBytes: 64, ways: 0, cores: 1 },
      { level: 3, type: 'unified', sizeBytes: 32e6, lineBytes: 64, ways: 0, cores: 4 },
    ]);
    expect(() => importSynthetic('pack:1 core:2(size=1MB) pu:1')).toThrow("unsupported attribute 'size=1MB'");
  });

  const SHAPES = [
    'pack:2 [numa(memory=64GiB)] l3:8(size=10MiB) l2:1(size=512KiB) l1d:2(size=32KiB) l1i:1(size=32KiB) core:1 pu:4',
    'pack:1 [numa(memory=8GiB)] l3:1 l2:6 l1d:1 l1i:1 core:1 pu:2',
    'pack:4 [numa(memory=1GiB)] l2:3(size=1MB) core:2 pu:1',
  ];
  it('round-trips synthetic shapes with caches through export and import', () => {
    for (const d of SHAPES) {
      const host = importSynthetic(d).host;
      expect({ ...importHwlocXml(exportHwlocXml(host)).host, source: undefined }, d).toEqual({ ...host, source: undefined });
    }
  });

  it.skipIf(!hasLstopo)('lstopo draws the exported tree as it draws the synthetic description', () => {
    for (const d of SHAPES) expect(lstopo(exportHwlocXml(importSynthetic(d).host), '--of', 'synthetic'), d).toBe(lstopo(d, '--of', 'synthetic'));
  });

  it.skipIf(!hasLstopo)('keeps a PCI bridge with a GPU and an MHI modem below it: lstopo draws the export as it draws the file', () => {
    // The x86 VM with a PCI-to-PCI bridge on bus 1 holding a VGA function with its GPU OS device and a Qualcomm SDX55 (MHI) function.
    const below = [
      '<object type="Bridge" gp_index="90" bridge_type="1-1" depth="1" bridge_pci="0000:[01-02]" pci_busid="0000:00:04.0" pci_type="0604 [1b36:000c] [0000:0000] 00" pci_link_speed="0.000000">',
      '  <object type="PCIDev" gp_index="91" pci_busid="0000:01:00.0" pci_type="0300 [10de:1eb8] [10de:12a2] a1" pci_link_speed="15.753846">',
      '    <object type="OSDev" gp_index="92" name="card0" osdev_type="1"/>',
      '  </object>',
      '  <object type="PCIDev" gp_index="93" pci_busid="0000:02:00.0" pci_type="ff00 [17cb:0306] [17cb:0306] 00" pci_link_speed="0.984615"/>',
      '</object>',
    ].join('\n');
    const xml = fixture('lstopo-x86-vm.xml').replace('bridge_pci="0000:[00-00]">', 'bridge_pci="0000:[00-02]">\n' + below);
    const host = importHwlocXml(xml).host;
    const bridge = host.io![0].children.find((f) => f.busid === '0000:00:04.0')!;
    expect(bridge.bridge?.children.map((f) => [f.busid, f.classId, f.osdevs?.map((d) => [d.name, d.type])])).toEqual([
      ['0000:01:00.0', '0300', [['card0', 'gpu']]],
      ['0000:02:00.0', 'ff00', undefined],
    ]);
    for (const args of [['--of', 'console', '--whole-io'], ['--of', 'synthetic']]) expect(lstopo(exportHwlocXml(host), ...args), args.join(' ')).toBe(lstopo(xml, ...args));
  });

  it.skipIf(!hasLstopo)('names every PCI class as lstopo does (PCI 01:00.0 (VGA), an MHI modem (ff00) Other)', () => {
    // One function per class/subclass of the classes PCI defines, on buses 1..N; lstopo --whole-io --no-collapse labels each.
    const ids = [...Array.from({ length: 0x14 }, (_, c) => c), 0x40, 0xfe, 0xff].flatMap((c) => Array.from({ length: 256 }, (_, sub) => ((c << 8) | sub).toString(16).padStart(4, '0')));
    const fns = ids.map((id, i) => {
      const busid = `0000:${(1 + (i >> 5)).toString(16).padStart(2, '0')}:${(i & 31).toString(16).padStart(2, '0')}.0`;
      return `<object type="PCIDev" gp_index="${1000 + i}" pci_busid="${busid}" pci_type="${id} [1af4:${i.toString(16).padStart(4, '0')}] [1af4:1000] 01" pci_link_speed="0.000000"/>`;
    });
    const xml = fixture('lstopo-x86-vm.xml').replace('bridge_pci="0000:[00-00]">', `bridge_pci="0000:[00-ff]">\n${fns.join('\n')}`);
    const drawn = new Map([...lstopo(xml, '--of', 'console', '--whole-io', '--no-collapse').matchAll(/PCI ([0-9a-f]{2}:[0-9a-f]{2}\.0) \(([^)]*)\)/g)].map((m) => [m[1], m[2]]));
    const wrong = ids.filter((id, i) => pciClassName(id) !== drawn.get(`${(1 + (i >> 5)).toString(16).padStart(2, '0')}:${(i & 31).toString(16).padStart(2, '0')}.0`));
    expect(drawn.size).toBe(ids.length + 2);
    expect(wrong.map((id) => `${id}: ours ${pciClassName(id)}`), 'class ids named otherwise than lstopo').toEqual([]);
  });

  it.skipIf(!hasLstopo)("round-trips this machine's own lstopo XML: lstopo draws the export as it draws the machine, caches and I/O included", () => {
    const live = spawnSync(LSTOPO, ['--of', 'xml'], { encoding: 'utf8' });
    expect(live.status, live.stderr).toBe(0);
    for (const [what, xml] of [
      ['this machine', live.stdout],
      ['fixture', fixture('lstopo-x86-vm.xml')],
    ]) {
      const host = importHwlocXml(xml).host;
      if (host.threadsPerCore > 1) continue; // x86 numbers SMT siblings apart; the export numbers them as POWER does
      const back = exportHwlocXml(host);
      for (const args of [['--of', 'synthetic'], ['--of', 'console'], ['--of', 'console', '--whole-io']]) expect(lstopo(back, ...args), `${what} ${args.join(' ')}`).toBe(lstopo(xml, ...args));
    }
  });
});
