import { describe, expect, it } from 'vitest';
import { llcDomains, type Guest, type Host } from '../../../src-common/workspace';
import { qemuThreadPlans, remoteFaultShares } from './qemu-threads';

const host: Host = { name: 'h', model: 'POWER9', threadsPerCore: 4, sockets: [{ cores: 4, memoryBytes: 2 ** 34 }, { cores: 4, memoryBytes: 2 ** 34 }] } as Host;
const guest = (over: Partial<Guest> = {}): Guest =>
  ({ name: 'g', smp: { sockets: 1, cores: 2, threads: 2 }, memoryBytes: 2 ** 32, ksm: true, thp: true, vcpupin: [], mmu: 'radix', bypassGuestPf: false, ...over }) as Guest;

describe('QEMU threads as libvirt places them', () => {
  it('workers inherit the emulator pin without IOThreads, their IOThread pin with them', () => {
    const plain = qemuThreadPlans(guest({ emulatorpin: '28-31' }), 32, 3);
    expect(plain.filter((p) => p.kind === 'qemu-worker').map((p) => p.allowed)).toEqual([
      [28, 29, 30, 31],
      [28, 29, 30, 31],
      [28, 29, 30, 31],
    ]);
    const io = qemuThreadPlans(guest({ emulatorpin: '0', iothreads: 2, iothreadpin: [{ iothread: 2, cpuset: '20-21' }] }), 32, 4);
    expect(io.map((p) => p.comm)).toEqual(['qemu-system-ppc', 'IO iothread1', 'IO iothread2', 'worker', 'worker', 'worker', 'worker']);
    // IOThread 1 has no pin: it and its workers run anywhere; IOThread 2's workers follow its pin.
    expect(io.filter((p) => p.kind === 'qemu-worker').map((p) => p.allowed)).toEqual([null, [20, 21], null, [20, 21]]);
    expect(qemuThreadPlans(guest(), 32, 1).at(-1)!.allowed).toBeNull();
  });

  it("puts a fault's new page where the cell's memory policy says (Linux 5.3 alloc_pages_vma)", () => {
    expect(remoteFaultShares(guest(), host)(0, 1)).toBe(0); // no binding: first touch, local
    const strict = remoteFaultShares(guest({ numatune: { memory: { mode: 'strict', nodeset: '0' } } }), host);
    expect([strict(0, 0), strict(0, 1)]).toEqual([0, 1]);
    const both = remoteFaultShares(guest({ numatune: { memory: { mode: 'strict', nodeset: '0-1' } } }), host);
    expect([both(0, 0), both(0, 1)]).toEqual([0, 0]);
    const preferred = remoteFaultShares(guest({ numatune: { memory: { mode: 'preferred', nodeset: '1' } } }), host);
    expect([preferred(0, 0), preferred(0, 1)]).toEqual([1, 0]);
    const interleave = remoteFaultShares(guest({ numatune: { memory: { mode: 'interleave', nodeset: '0-1' } } }), host);
    expect([interleave(0, 0), interleave(0, 1)]).toEqual([0.5, 0.5]);
    // A cell's memnode wins over the guest's binding, for that cell's vCPUs only.
    const cells = remoteFaultShares(
      guest({
        numaCells: [
          { id: 0, cpus: '0-1', memoryBytes: 2 ** 31 },
          { id: 1, cpus: '2-3', memoryBytes: 2 ** 31 },
        ],
        numatune: { memory: { mode: 'strict', nodeset: '0' }, memnode: [{ cellid: 1, mode: 'strict', nodeset: '1' }] },
      }),
      host,
    );
    expect([cells(0, 0), cells(0, 1), cells(3, 0), cells(3, 1)]).toEqual([0, 1, 1, 0]);
  });

  it("groups CPUs into the scheduler's LLC domains from the host's caches", () => {
    // POWER9: L3 per core pair, 4 threads a core.
    expect(llcDomains(host)).toEqual([...Array(8).fill(0), ...Array(8).fill(1), ...Array(8).fill(2), ...Array(8).fill(3)]);
    // One core per slice: each core its own domain; an imported L3 over 3 cores: runs of 3 per socket.
    expect(new Set(llcDomains(host, { 'host.cache.l3_smt4_cores': 1 })).size).toBe(8);
    const l3 = { level: 3, type: 'unified' as const, sizeBytes: 2 ** 25, lineBytes: 64, ways: 16, cores: 3 };
    expect(llcDomains({ ...host, threadsPerCore: 1, caches: [l3] })).toEqual([0, 0, 0, 1, 2, 2, 2, 3]);
  });
});
