import { describe, expect, it } from 'vitest';
import { CpuStates } from './cpus';
import { Rng } from '../core';
import { HostKernel, InvariantViolation, type CallPath } from './host-kernel';
import { lineDistance, SpinHandover } from './spin-handover';
import { Task } from './tasks';

/** 16 CPUs: slice 0 = CPUs 0-3, slice 1 = CPUs 4-7 (both on chip 0), slice 2 = CPUs 8-15 on chip 1. */
const SLICE = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2];
const CHIP = SLICE.map((s) => (s < 2 ? 0 : 1));
const NS = { slice: 4, chip: 55, remote: 150 };

function setup(seed = 1) {
  const cpus = new CpuStates(16);
  let now = 0;
  const k = new HostKernel(cpus, () => now, new SpinHandover(lineDistance(SLICE, CHIP, NS), 20, new Rng(seed, 'kernel.spinlock')));
  const task = (pid: number, comm = 'worker') => new Task(pid, { comm, pid }, 'qemu-worker', 'A');
  const mmapSem = k.rwsem('mm(A).mmap_sem');
  const ptl = k.spinlock('mm(A).page_table_lock');
  const mask = [0, 1, 2, 3];
  // A THP split in the guest mm: mmap_sem (read), the pmd lock, then serialize_against_pte_lookup.
  const split: CallPath = {
    name: 'split',
    steps: [
      { op: 'lock', lock: mmapSem, mode: 'read', fn: 'get_user_pages' },
      { op: 'lock', lock: ptl, mode: 'spin', fn: '__split_huge_pmd' },
      { op: 'broadcast', targets: () => mask, fn: 'serialize_against_pte_lookup' },
    ],
  };
  const fault: CallPath = { name: 'fault', steps: [{ op: 'lock', lock: mmapSem, mode: 'read', fn: 'do_page_fault' }, { op: 'lock', lock: ptl, mode: 'spin', fn: 'handle_pte_fault' }] };
  const munmap: CallPath = { name: 'munmap', steps: [{ op: 'lock', lock: mmapSem, mode: 'write', fn: '__do_munmap' }] };
  const read: CallPath = { name: 'read', steps: [{ op: 'lock', lock: mmapSem, mode: 'read', fn: 'do_page_fault' }] };
  return { cpus, k, task, mmapSem, ptl, split, fault, munmap, read, tick: (dt: number) => (now += dt) };
}

describe('host kernel: tasks stuck in call paths', () => {
  it('a quiet kernel runs every path through in no time', () => {
    const { k, task, split } = setup();
    const a = task(1);
    expect(k.run(a, split, 5)).toBe(true);
    expect(a.state.kind).toBe('active');
    expect(a.held.size).toBe(0);
    expect(k.quiet).toBe(true);
  });

  it('the task in csd_lock_wait is the broadcast caller and holds exactly its path locks; waiters spin or block behind it', () => {
    const { k, cpus, task, split, fault, munmap, read, mmapSem, ptl, tick } = setup();
    const sender = task(1);
    // The IPI model loses this broadcast's CALL_FUNCTION to CPU 2.
    expect(k.run(sender, split, 5, () => k.loseCallFunction(2))).toBe(false);
    expect(sender.state).toMatchObject({ kind: 'spinning', cpu: 5, on: { kind: 'csd', target: 2 } });
    expect([...sender.held].map((l) => l.name).sort()).toEqual(['mm(A).mmap_sem', 'mm(A).page_table_lock']);
    expect(cpus.get(5)).toMatchObject({ kind: 'spinning', on: 'csd_lock_wait(cpu 2)' });
    tick(10);
    // A fault takes mmap_sem for read, then spins on the pmd lock, holding mmap_sem.
    const spinner = task(2);
    expect(k.run(spinner, fault, 6)).toBe(false);
    expect(spinner.state).toMatchObject({ kind: 'spinning', cpu: 6, on: { kind: 'spinlock', lock: ptl } });
    expect(cpus.get(6)).toMatchObject({ kind: 'spinning', on: 'spinlock mm(A).page_table_lock held by worker:1' });
    // munmap queues as a writer behind the readers; a later reader queues behind the writer.
    const writer = task(3);
    const reader = task(4);
    expect(k.run(writer, munmap, 7)).toBe(false);
    expect(k.run(reader, read, 4)).toBe(false);
    expect(writer.state).toMatchObject({ kind: 'blocked', on: { kind: 'rwsem', mode: 'write' } });
    expect(reader.state).toMatchObject({ kind: 'blocked', on: { kind: 'rwsem', mode: 'read' } });
    expect(mmapSem.readers.size).toBe(2);
    // A later broadcast to CPU 2 queues behind the lost one and its sender spins too (on another CPU).
    const second = task(5, 'ksmd');
    expect(k.run(second, { name: 'ksm', steps: [{ op: 'broadcast', targets: () => [0, 1, 2, 3], fn: 'serialize_against_pte_lookup' }] }, 0)).toBe(false);
    expect(second.state).toMatchObject({ kind: 'spinning', on: { kind: 'csd', target: 2 } });

    // A host IPI gets through to CPU 2: its demux drains the queue, and everything unwinds in order.
    k.demux(2);
    for (const t of [sender, spinner, writer, reader, second]) expect(t.state.kind).toBe('active');
    expect(mmapSem.readers.size + (mmapSem.writer ? 1 : 0) + mmapSem.queue.length).toBe(0);
    expect(ptl.holder).toBeNull();
    expect([0, 5, 6].map((c) => cpus.get(c).kind)).toEqual(['idle', 'idle', 'idle']);
    expect(k.quiet).toBe(true);
  });

  it('a released spinlock goes to the spinner whose stwcx. lands first — the nearest to the releaser — not the first to arrive', () => {
    const { k, task, split, fault, ptl } = setup();
    const order: string[] = [];
    k.listen({ resumed: (t) => order.push(t.label) });
    // The holder spins in csd_lock_wait on CPU 0 holding the pmd lock; three faults spin on it, the farthest first.
    const holder = task(1);
    k.run(holder, split, 0, () => k.loseCallFunction(3));
    const remote = task(2);
    const chip = task(3);
    const slice = task(4);
    for (const [t, cpu] of [[remote, 8], [chip, 5], [slice, 2]] as const) expect(k.run(t, fault, cpu)).toBe(false);
    expect(ptl.spinners).toEqual([remote, chip, slice]);
    // The lost CALL_FUNCTION is rescued: the holder finishes and releases; each new holder's fault then releases in turn.
    k.demux(3);
    expect(order).toEqual(['worker:1', 'worker:4', 'worker:3', 'worker:2']);
    expect(ptl.holder).toBeNull();
    expect(k.quiet).toBe(true);
  });

  it('between spinners at one distance, where each was in its HMT_low poll decides: either can win, the same seed the same one', () => {
    const winners = (seed: number) => {
      const h = new SpinHandover(lineDistance(SLICE, CHIP, NS), 20, new Rng(seed, 'kernel.spinlock'));
      return Array.from({ length: 200 }, () => h.next(0, [5, 6]));
    };
    const w = winners(1);
    expect(w.filter((i) => i === 0).length).toBeGreaterThan(60);
    expect(w.filter((i) => i === 1).length).toBeGreaterThan(60);
    expect(winners(1)).toEqual(w);
    expect(winners(2)).not.toEqual(w);
    // One slice nearer beats any poll phase (4 transfers × (55 − 4) ns > 20 ns).
    const h = new SpinHandover(lineDistance(SLICE, CHIP, NS), 20, new Rng(3, 'kernel.spinlock'));
    for (let i = 0; i < 100; i++) expect(h.next(4, [0, 1, 7, 8])).toBe(2);
  });

  it('a trylock step (khugepaged_scan_mm_slot\'s down_read_trylock) gives the path up instead of blocking', () => {
    const { k, task, mmapSem } = setup();
    const scan: CallPath = { name: 'scan', steps: [{ op: 'lock', lock: mmapSem, mode: 'read', fn: 'khugepaged_scan_mm_slot', trylock: true }] };
    const khugepaged = task(9, 'khugepaged');
    // Free: it takes the lock and finishes, like any path.
    expect(k.wouldStick(scan, 3)).toBe(false);
    expect(k.run(khugepaged, scan, 3)).toBe(true);
    // A munmap stuck in csd_lock_wait holding mmap_sem for write: a plain reader blocks, the trylock moves on.
    const writer = task(1);
    k.run(writer, { name: 'munmap', steps: [{ op: 'lock', lock: mmapSem, mode: 'write', fn: '__do_munmap' }, { op: 'broadcast', targets: () => [2], fn: 'serialize_against_pte_lookup' }] }, 5, () => k.loseCallFunction(2));
    expect(writer.state.kind).toBe('spinning');
    expect(k.wouldStick(scan, 3)).toBe(false);
    expect(k.run(khugepaged, scan, 3)).toBe(true);
    expect(khugepaged.state.kind).toBe('active');
    expect(khugepaged.held.size).toBe(0);
    expect(mmapSem.queue.length).toBe(0);
    const reader = task(2);
    expect(k.run(reader, { name: 'read', steps: [{ op: 'lock', lock: mmapSem, mode: 'read', fn: 'do_page_fault' }] }, 4)).toBe(false);
    expect(reader.state).toMatchObject({ kind: 'blocked', on: { kind: 'rwsem', mode: 'read' } });
  });

  it('a csd_lock_wait on two lost CPUs waits for the other when one drains', () => {
    const { k, task } = setup();
    k.loseCallFunction(1);
    const s = task(1);
    k.run(s, { name: 'b', steps: [{ op: 'broadcast', targets: () => [1, 3], fn: 'smp_call_function_many' }] }, 5, () => k.loseCallFunction(3));
    expect(s.state).toMatchObject({ on: { kind: 'csd', target: 1 } });
    k.demux(1);
    expect(s.state).toMatchObject({ kind: 'spinning', on: { kind: 'csd', target: 3 } });
    k.demux(3);
    expect(s.state.kind).toBe('active');
  });

  it('a lost RESCHEDULE leaves the woken task on the wake_list until the CPU next demuxes', () => {
    const { k, task } = setup();
    const w = task(9, 'kworker');
    k.loseWakeup(3, w);
    expect(w.state).toMatchObject({ kind: 'waking', cpu: 3 });
    const v = task(10);
    expect(k.queueWakeup(3, v)).toBe(true); // llist_add found the list non-empty: no IPI
    k.demux(3);
    expect([w.state.kind, v.state.kind]).toEqual(['active', 'active']);
    expect(k.queueWakeup(3, v)).toBe(false);
  });

  it('the invariant monitor fails on an impossible state, naming it', () => {
    const { k, task, split, mmapSem, cpus } = setup();
    const a = task(1);
    k.run(a, split, 5, () => k.loseCallFunction(2));
    // Two holders of mmap_sem in incompatible modes.
    const b = task(2);
    mmapSem.writer = b;
    b.held.add(mmapSem);
    expect(() => k.check()).toThrow(InvariantViolation);
    expect(() => k.check()).toThrow(/a writer \(worker:2\) and 1 reader\(s\) hold it at once/);
    mmapSem.writer = null;
    b.held.delete(mmapSem);
    k.check();
    // A spinning task whose CPU is not shown spinning.
    cpus.release(5);
    expect(() => k.check()).toThrow(/spins on CPU 5, which is idle/);
  });

  it('refuses to start a path in a task that is not running', () => {
    const { k, task, split, fault } = setup();
    const a = task(1);
    k.run(a, split, 5, () => k.loseCallFunction(2));
    expect(() => k.run(a, fault, 5)).toThrow(/cannot start fault: it is spinning/);
  });
});
