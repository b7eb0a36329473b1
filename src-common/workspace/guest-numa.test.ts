import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cellMemoryByNode, guestMemoryByNode, guestNumaWarnings } from './guest-numa';
import { workspaceProblems, type Workspace } from './schema';

const seed = (): Workspace => JSON.parse(fs.readFileSync(new URL('../../resources/workspaces/seed-power9-ipi.json', import.meta.url), 'utf8'));
const GiB = 2 ** 30;

describe('guest memory placement and NUMA warnings', () => {
  it('places memory as Linux does: first touch where the vCPUs run, strict/preferred/interleave by nodeset', () => {
    const ws = seed();
    const b = ws.guests[1]; // 4 vCPUs, unpinned, 4 GiB
    expect(guestMemoryByNode(b, ws.host)).toEqual([2 * GiB, 2 * GiB]);
    b.vcpupin = [0, 1, 2, 3].map((vcpu) => ({ vcpu, cpuset: '64-67' }));
    expect(guestMemoryByNode(b, ws.host)).toEqual([0, 4 * GiB]);
    b.numatune = { memory: { mode: 'strict', nodeset: '0' } };
    expect(guestMemoryByNode(b, ws.host)).toEqual([4 * GiB, 0]);
    b.numatune = { memory: { mode: 'strict', nodeset: '0-1' } }; // the local node is allowed: local
    expect(guestMemoryByNode(b, ws.host)).toEqual([0, 4 * GiB]);
    b.numatune = { memory: { mode: 'interleave', nodeset: '0-1' } };
    expect(guestMemoryByNode(b, ws.host)).toEqual([2 * GiB, 2 * GiB]);
    b.numatune = { memory: { mode: 'preferred', nodeset: '0' } };
    expect(guestMemoryByNode(b, ws.host)).toEqual([4 * GiB, 0]);
    // Cells: each cell's memnode wins over the guest's binding.
    b.numaCells = [
      { id: 0, cpus: '0-1', memoryBytes: GiB },
      { id: 1, cpus: '2-3', memoryBytes: 3 * GiB },
    ];
    b.numatune = { memory: { mode: 'strict', nodeset: '0' }, memnode: [{ cellid: 1, mode: 'strict', nodeset: '1' }] };
    expect(cellMemoryByNode(b, ws.host).map((c) => c.byNode)).toEqual([
      [GiB, 0],
      [0, 3 * GiB],
    ]);
    expect(workspaceProblems(ws)).toEqual([]);
  });

  it('warns about memory bound away from pinned vCPUs, emulator threads on vCPU cores, hugepages beyond a node', () => {
    const ws = seed();
    expect(guestNumaWarnings(ws)).toEqual([]);
    const a = ws.guests[0]; // vCPUs pinned over CPUs 0-111
    a.numatune = { memory: { mode: 'strict', nodeset: '1' } };
    a.emulatorpin = '0-3,120-127';
    a.iothreads = 1;
    a.iothreadpin = [{ iothread: 1, cpuset: '124-127' }];
    a.hugepages = { pages: [] };
    a.memoryBytes = 600 * GiB;
    const w = guestNumaWarnings(ws);
    expect(w.map((x) => [x.code, x.field])).toEqual([
      ['numa-remote', 'guests[0].numatune.memory'],
      ['emulator-on-vcpu-cores', 'guests[0].emulatorpin'],
      ['hugepages-over-node', 'guests[0].hugepages'],
    ]);
    expect(w[0].message).toBe('guest A: memory bound to node 1 (strict) but vCPUs 0-31 pinned to node 0: every access is remote');
    expect(w[1].message).toBe('guest A: emulator threads pinned to CPUs 0-3, on cores that run pinned vCPUs (guest A): their wakeups preempt those vCPUs');
    expect(w[2].message).toBe('node 1: hugepage-backed guest memory (guest A) needs 600 GiB, the node has 512 GiB: QEMU cannot allocate it');
    // One CPU is "CPU 5", not "CPUs 5".
    a.emulatorpin = '5';
    expect(guestNumaWarnings(ws).find((x) => x.code === 'emulator-on-vcpu-cores')!.message).toBe(
      'guest A: emulator threads pinned to CPU 5, on cores that run pinned vCPUs (guest A): their wakeups preempt those vCPUs',
    );
  });

  it('checks the new guest fields against the host and the guest, naming each field', () => {
    const ws = seed();
    const b = ws.guests[1];
    b.emulatorpin = '0-200';
    b.iothreads = 2;
    b.iothreadpin = [{ iothread: 3, cpuset: '1' }];
    b.numatune = { memory: { mode: 'strict', nodeset: '5' } };
    b.numaCells = [{ id: 1, cpus: '0-3', memoryBytes: 4 * GiB }];
    ws.host.io = [{ socket: 2, buses: { domain: '0000', first: 0, last: 0 }, children: [] }];
    expect(workspaceProblems(ws).map((e) => e.message)).toEqual([
      'host.io[0].socket: expected 0..1, got 2',
      'guests[1].numaCells[0].id: expected cell ids 0..0 in order, got 1 at position 0',
      'guests[1].iothreadpin[0].iothread: expected an IOThread id 1..2, got 3',
      "guests[1].emulatorpin: CPU 200 in '0-200' is beyond the host (CPUs 0-127)",
      "guests[1].numatune.memory.nodeset: node 5 in '5' is beyond the host's NUMA nodes (nodes 0-1)",
    ]);
  });

  it('places an MHI controller on a PCI slot of its socket', () => {
    const ws = seed();
    ws.devices.mhi = [
      { name: 'mhi0', socket: 1, pcieGen: 3, pcieWidth: 1, ringSize: 64, mtu: 4096 },
      { name: 'mhi1', socket: 0, pcieGen: 3, pcieWidth: 1, ringSize: 64, mtu: 4096, pci: '0030:01:00.0' },
    ];
    const fn = { busid: '0030:01:00.0', classId: 'ff00', vendor: '17cb', device: '0306', subvendor: '17cb', subdevice: '0306', revision: '00', linkGBps: 0.98 };
    ws.host.io = [{ socket: 1, buses: { domain: '0030', first: 1, last: 1 }, children: [fn] }];
    expect(workspaceProblems(ws).map((e) => e.message)).toEqual(["devices.mhi[1].pci: PCI 0030:01:00.0 is under socket 1's host bridge, but the controller is on socket 0"]);
    ws.devices.mhi[1].socket = 1;
    expect(workspaceProblems(ws)).toEqual([]);
  });
});
