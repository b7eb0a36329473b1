import { describe, expect, it } from 'vitest';
import { CpuStates } from './cpus';
import { Rng } from '../core';
import { HostKernel, type CallPath } from './host-kernel';
import { SpinHandover } from './spin-handover';
import { Task } from './tasks';
import { callTrace } from './call-trace';

function setup() {
  const cpus = new CpuStates(8);
  const k = new HostKernel(cpus, () => 0, new SpinHandover(() => 4, 20, new Rng(1, 'kernel.spinlock')));
  const task = (pid: number, comm = 'worker') => new Task(pid, { comm, pid }, 'qemu-worker', 'A');
  const sem = k.rwsem('mm(A).mmap_sem');
  const ptl = k.spinlock('mm(A).page_table_lock');
  const munmapVia = ['__vm_munmap', '__do_munmap', 'unmap_page_range'];
  const munmap: CallPath = {
    name: 'munmap',
    entry: ['system_call', 'sys_munmap'],
    steps: [
      { op: 'lock', lock: sem, mode: 'write', fn: '__vm_munmap', call: 'down_write_killable' },
      { op: 'lock', lock: ptl, mode: 'spin', fn: '__split_huge_pmd', via: munmapVia },
      { op: 'broadcast', targets: () => [0, 1, 2, 3], fn: 'serialize_against_pte_lookup', via: [...munmapVia, '__split_huge_pmd', 'pmdp_invalidate'] },
    ],
  };
  const fault: CallPath = {
    name: 'fault',
    entry: ['handle_page_fault', 'do_page_fault'],
    steps: [
      { op: 'lock', lock: sem, mode: 'read', fn: '__do_page_fault' },
      { op: 'lock', lock: ptl, mode: 'spin', fn: 'do_huge_pmd_wp_page', via: ['__do_page_fault', 'handle_mm_fault'] },
    ],
  };
  return { k, task, munmap, fault };
}

describe('call trace of a stuck task', () => {
  it('is the stack of the step it is stuck at, innermost first, down the wait it is in', () => {
    const { k, task, munmap, fault } = setup();
    const sender = task(1);
    // Its broadcast's CALL_FUNCTION to CPU 2 is lost: csd_lock_wait at the end of smp_call_function_many.
    k.run(sender, munmap, 5, () => k.loseCallFunction(2));
    expect(callTrace(sender, k.runOf(sender)!)).toEqual([
      'csd_lock_wait (inlined)',
      'smp_call_function_many',
      'serialize_against_pte_lookup',
      'pmdp_invalidate',
      '__split_huge_pmd',
      'unmap_page_range',
      '__do_munmap',
      '__vm_munmap',
      'sys_munmap',
      'system_call',
    ]);
    // A fault behind the writer sleeps in down_read (D state): no spinlock frames.
    const reader = task(2);
    k.run(reader, fault, 6);
    expect(callTrace(reader, k.runOf(reader)!)).toEqual(['__switch_to', '__schedule', 'schedule', 'rwsem_down_read_slowpath', 'down_read', '__do_page_fault', 'do_page_fault', 'handle_page_fault']);
    // Once the queue drains, the sender finishes and the reader gets mmap_sem, then spins on nothing: not stuck.
    k.demux(2);
    expect(k.runOf(sender)).toBeUndefined();
    expect(k.runOf(reader)).toBeUndefined();
  });

  it('a spinner on a held spinlock shows _raw_spin_lock under the function that takes it', () => {
    const { k, task, munmap, fault } = setup();
    const holder = task(1);
    // The writer's path gets stuck after taking both locks; a fault of another mm user spins on the pmd lock.
    k.run(holder, munmap, 5, () => k.loseCallFunction(2));
    const readOnly: CallPath = { ...fault, steps: [fault.steps[1]] };
    const spinner = task(3);
    k.run(spinner, readOnly, 6);
    expect(spinner.state.kind).toBe('spinning');
    expect(callTrace(spinner, k.runOf(spinner)!)).toEqual(['_raw_spin_lock', 'do_huge_pmd_wp_page', 'handle_mm_fault', '__do_page_fault', 'do_page_fault', 'handle_page_fault']);
  });

  it('a writer blocked on mmap_sem waits in the locking call its step names', () => {
    const { k, task, munmap, fault } = setup();
    const reader = task(1);
    // A reader stuck holding mmap_sem: its fault spins on the pmd lock another broadcast holds.
    const holder = task(2);
    k.run(holder, { name: 'pmd', steps: [munmap.steps[1], munmap.steps[2]] }, 4, () => k.loseCallFunction(2));
    k.run(reader, fault, 5);
    const writer = task(3);
    k.run(writer, munmap, 6);
    expect(callTrace(writer, k.runOf(writer)!)?.slice(0, 6)).toEqual(['__switch_to', '__schedule', 'schedule', 'rwsem_down_write_slowpath', 'down_write_killable', '__vm_munmap']);
  });

  it('a task not stuck in a path has none', () => {
    const { k, task, fault } = setup();
    const t = task(1);
    expect(k.run(t, fault, 5)).toBe(true);
    expect(callTrace(t, { task: t, path: fault, cpu: 5, next: 0, acquired: [], pending: new Set() })).toBeNull();
  });
});
