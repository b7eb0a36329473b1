import { describe, expect, it } from 'vitest';
import type { Guest } from '../../../src-common/workspace';
import { resolveParams } from '../params';
import { parseStressCommand } from '../stress/parse';
import { collapseShare, guestExits, guestIoRate, guestLoad, guestMm, guestPathRates, guestSpeed, hostIpiRates, hostShareWithDoorbells, ksmMerges, ksmScanRate, qemuWorkerDuty, thpPages, vcpuHostNsPerSec, vmWorker, type GuestMm } from './rates';

const p = resolveParams();
const stress = (cmd: string) => parseStressCommand(`stress ${cmd}`);
const MiB = 1024 * 1024;

describe('the rate model (pure functions)', () => {
  it('vmWorker: a --vm worker faults and writes its pages at stress.vm.faults_per_s; --vm-keep only rewrites; --vm-hang 0 sleeps', () => {
    // 256 MiB in 64 KiB guest pages = 4096 pages, 40,000 faults/s at full CPU.
    expect(vmWorker(stress('--vm 1 --vm-bytes 256M'), p)).toEqual({ duty: 1, pagesPerSec: 40000, writesPerSec: 40000, pages: 4096 });
    expect(vmWorker(stress('--vm 1 --vm-bytes 256M --vm-keep'), p)).toMatchObject({ pagesPerSec: 0, writesPerSec: 40000 });
    expect(vmWorker(stress('--vm 1 --vm-bytes 256M --vm-hang 0'), p)).toEqual({ duty: 0, pagesPerSec: 0, writesPerSec: 0, pages: 4096 });
    // --vm-hang 1: 0.1024 s of touching, then 1 s asleep.
    const hang = vmWorker(stress('--vm 1 --vm-bytes 256M --vm-hang 1'), p);
    expect(hang.duty).toBeCloseTo(0.1024 / 1.1024, 12);
    expect(vmWorker(stress('--vm 1 --vm-bytes 256M'), resolveParams({ 'stress.vm.duty': 0.5 })).writesPerSec).toBe(20000);
  });

  it('guestLoad sums the workers: CPU demand in vCPUs, block requests, working set', () => {
    // The seed's guest A: 40 cpu (duty 1), 20 io (0.15), 20 vm (1) = 63 vCPUs of demand.
    const a = guestLoad([stress('--cpu 40 --io 20 --vm 20 --vm-bytes 512M')], p);
    expect(a.demand).toBeCloseTo(63, 12);
    // 20 io workers × 40 syncs/s × 4 completions = 3,200 block requests/s.
    expect(a.ioPerSec).toBe(3200);
    expect(a.workingSetPages).toBe(20 * 8192);
    expect(guestLoad([], p)).toEqual({ demand: 0, pagesPerSec: 0, writesPerSec: 0, workingSetPages: 0, ioPerSec: 0 });
    expect(guestLoad([stress('--hdd 2')], p)).toMatchObject({ demand: 0.6, ioPerSec: 400 });
  });

  it('qemuWorkerDuty spreads the per-request CPU over the workers, at most one CPU each', () => {
    expect(qemuWorkerDuty(3200, 8, p)).toBeCloseTo((3200 * 0.05) / 1000 / 8, 15);
    expect(qemuWorkerDuty(1e9, 8, p)).toBe(1);
  });

  it('guestSpeed: a guest placed on less CPU than its demand runs proportionally slower', () => {
    expect(guestSpeed(2, [1, 1, 1, 1])).toEqual({ u: 0.5, speed: 1 });
    expect(guestSpeed(4, [0.5, 0, 0, 0])).toEqual({ u: 1, speed: 0.125 });
    expect(guestSpeed(0, [1, 1])).toEqual({ u: 0, speed: 0 });
    const load = guestLoad([stress('--io 4')], p);
    expect(guestIoRate(load, 0.5, [1, 0])).toBe(640 * 0.5 * 0.5);
    expect(guestIoRate(load, 1, [])).toBe(640);
  });

  it('ksmd scans pages_to_scan every sleep_millisecs and merges only what the guest rewrote since its last pass', () => {
    expect(ksmScanRate(1, p)).toBe(5000);
    expect(ksmScanRate(0, p)).toBe(0);
    expect(ksmMerges(5000, 1000, 100, 0, p)).toBe(0);
    expect(ksmMerges(0, 1000, 100, 1e6, p)).toBe(0);
    // Rewrites far faster than a pass: the whole working set is new work each pass.
    expect(ksmMerges(5000, 1000, 100, 1e9, p)).toBeCloseTo(5000 * (100 / 1000) * 0.9, 9);
    // Slow rewrites: about the pages rewritten per second.
    expect(ksmMerges(5000, 1000, 100, 1, p)).toBeCloseTo(0.9, 2);
  });

  it('guestMm: without THP nothing broadcasts; with it ksmd splits one THP per merge batch, vCPU faults and QEMU munmaps split more', () => {
    expect(thpPages(p)).toBe(32);
    const load = guestLoad([stress('--vm 4 --vm-bytes 512M --io 4')], p);
    const base = { memoryBytes: 4 * 1024 * MiB, load, speed: 1, io: load.ioPerSec, scan: 5000 };
    const none = guestMm({ ...base, thp: false, thpBuffers: false }, p);
    expect(none.merges).toBeGreaterThan(0);
    expect(none.splits).toBe(0);
    expect(none.hostFaults).toBe(none.merges);
    const thp = guestMm({ ...base, thp: true, thpBuffers: true }, p);
    expect(thp.ksmSplits).toBeCloseTo(thp.merges / 32, 12);
    expect(thp.hostFaults).toBeCloseTo(thp.merges + thp.ksmSplits * 32, 9);
    expect(thp.vcpuSplits).toBeCloseTo(thp.hostFaults * 0.006, 12);
    expect(thp.workerSplits).toBeCloseTo(load.ioPerSec * 0.002, 12);
    expect(thp.splits).toBeCloseTo(thp.ksmSplits + thp.vcpuSplits + thp.workerSplits, 12);
    expect(guestMm({ ...base, thp: true, thpBuffers: false }, p).workerSplits).toBe(0);
  });

  it('collapseShare: khugepaged collapses what was split, at most host.khugepaged.collapses_per_s in all', () => {
    expect(collapseShare(0, 1, p)).toBe(0);
    expect(collapseShare(2, 1, p)).toBeCloseTo(0.4, 12);
    expect(collapseShare(0.4, 1, p)).toBe(1);
    expect(collapseShare(2, 0, p)).toBe(0);
  });

  it('guestExits: timer exits per running vCPU per host tick, H_CEDE while idle, shadow paging traps guest faults', () => {
    const g = { name: 'G', memoryBytes: 4 * 1024 * MiB, smp: { sockets: 1, cores: 4, threads: 1 }, mmu: 'radix', bypassGuestPf: false, thp: true } as unknown as Guest;
    const load = guestLoad([], p);
    const mm = guestMm({ memoryBytes: g.memoryBytes, thp: true, thpBuffers: true, load, speed: 0, io: 0, scan: 0 }, p);
    const idle = guestExits(g, { load, u: 0, speed: 0, io: 0, mm, collapses: 0, vcpuShares: [1, 1, 1, 1] }, p);
    expect(idle.exits).toEqual({ page_fault: 0, pt_write: 0, hcall: 400, doorbell: 0, timer: 0 });
    const busy = guestLoad([stress('--cpu 4')], p);
    const full = guestExits(g, { load: busy, u: 1, speed: 1, io: 0, mm, collapses: 0, vcpuShares: [1, 1, 1, 1] }, p);
    // 4 vCPUs × host.hz (250, the seed's kernel).
    expect(full.exits.timer).toBe(1000);
    expect(full.exits.hcall).toBe(0);
    // A guest IPI to a sibling vCPU (same virtual core) is a kick: 1 of the 3 other vCPUs with threads=2.
    const io = guestExits({ ...g, smp: { sockets: 1, cores: 2, threads: 2 } }, { load: busy, u: 1, speed: 1, io: 300, mm, collapses: 0, vcpuShares: [1, 1, 1, 1] }, p);
    expect(io.kicks).toBeCloseTo(300 / 3, 9);
    // Shadow paging without bypass: every first-touch guest fault exits (non-present trap) plus unsync ones.
    const vm = guestLoad([stress('--vm 1 --vm-bytes 256M')], p);
    const shadow = guestExits({ ...g, mmu: 'shadow', thp: false }, { load: vm, u: 0.25, speed: 1, io: 0, mm, collapses: 0, vcpuShares: [1, 1, 1, 1] }, p);
    expect(shadow.exits.page_fault).toBeCloseTo(40000 * 1.1, 6);
    expect(shadow.exits.pt_write).toBeCloseTo(40000 * 0.9, 6);
    // A collapse refaults its range once.
    expect(guestExits(g, { load, u: 0, speed: 1, io: 0, mm, collapses: 0.5, vcpuShares: [1] }, p).hostFaults).toBe(0.5);
  });

  it('guestPathRates: per task, the paths each kind of task runs; splits, munmaps and collapses broadcast; idle paths are left out', () => {
    const mm: GuestMm = { scan: 1000, merges: 200, hostFaults: 0, ksmSplits: 3, vcpuSplits: 8, workerSplits: 4, splits: 15 };
    const r = guestPathRates({ name: 'A', vcpus: 4, workers: 2, ksmdRuns: true, khugepagedRuns: true, hostFaults: 400, io: 3200, mm, collapses: 5 }, p);
    expect(r.vcpu).toEqual([
      { path: 'vcpuFault', perTask: 100, why: 'vCPU host fault (A)', broadcast: false },
      { path: 'vcpuSplit', perTask: 2, why: 'vCPU THP split (A)', broadcast: true },
    ]);
    // 3,200 block requests over 2 workers, qemu.worker_fault_per_io = 0.5 fault each.
    expect(r.worker).toEqual([
      { path: 'workerFault', perTask: 800, why: 'QEMU worker fault (A)', broadcast: false },
      { path: 'workerMunmap', perTask: 2, why: 'QEMU worker munmap (A)', broadcast: true },
    ]);
    expect(r.ksmd.map((x) => [x.path, x.perTask, x.broadcast])).toEqual([
      ['ksmdScan', 1000, false],
      ['ksmdMerge', 200, false],
      ['ksmdSplit', 3, true],
    ]);
    expect(r.khugepaged.map((x) => [x.path, x.perTask, x.broadcast])).toEqual([
      ['khugepagedScan', 5, false],
      ['khugepagedCollapse', 5, true],
    ]);
    // ksmd and khugepaged asleep (or stuck), no live vCPU, no THP splits: nothing runs those paths.
    const quiet = guestPathRates({ name: 'B', vcpus: 0, workers: 1, ksmdRuns: false, khugepagedRuns: false, hostFaults: 400, io: 0, mm: { ...mm, workerSplits: 0 }, collapses: 5 }, p);
    expect(quiet).toEqual({ vcpu: [], worker: [], ksmd: [], khugepaged: [] });
  });

  it('vcpuHostNsPerSec: each exit keeps the vCPU thread in the host for its handling time, remote faults cost remote_fault_factor', () => {
    const exits = { page_fault: 400, hcall: 1000, doorbell: 0, timer: 1000, pt_write: 0 };
    // Per vCPU of 4: 100 faults × 20 µs + 250 hcalls × 2 µs + 250 ticks × 3 µs = 2 ms + 0.5 ms + 0.75 ms.
    expect(vcpuHostNsPerSec(exits, 4, 0, p)).toBe(3_250_000);
    // All its faults on the other node: twice the fault time (host.numa.remote_fault_factor = 2).
    expect(vcpuHostNsPerSec(exits, 4, 1, p)).toBe(5_250_000);
    expect(vcpuHostNsPerSec(exits, 0, 0, p)).toBe(vcpuHostNsPerSec(exits, 1, 0, p));
  });

  it('hostIpiRates and hostShareWithDoorbells: each host IPI to a vCPU\'s CPU is a doorbell exit (guest exit, handlers, entry)', () => {
    const ipis = hostIpiRates(4, [{ kind: 'reschedule', to: 1, ratePerSec: 10 }, { kind: 'vcpu_kick', to: 1, ratePerSec: 99 }, { kind: 'reschedule_wake', to: 2, ratePerSec: 5 }], [
      { ratePerSec: 3, targets: [1, 2] },
      { ratePerSec: 7 },
    ]);
    expect(ipis).toEqual([0, 13, 8, 0]);
    // 1,000 doorbells/s × (800 + 50 + 1000) ns = 1.85 ms per second.
    expect(hostShareWithDoorbells(0.01, 1000, p)).toBeCloseTo(0.01185, 15);
    expect(hostShareWithDoorbells(0.5, 1e9, p)).toBe(1);
  });
});
