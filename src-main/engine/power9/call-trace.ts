/**
 * The kernel stack of a task stuck in a call path, as the soft-lockup watchdog (watchdog_timer_fn
 * → show_regs → show_stack) and khungtaskd (sched_show_task) print it under `Call Trace:`,
 * innermost frame first. Built from what the model executes: the path's entry frames, the frames
 * of the step the task is stuck at (host-kernel.ts `PathStep.via` and `fn`), and the frames of
 * the primitive it waits in — for the wait the HostKernel put it in:
 *  - csd_lock_wait: smp_call_function_many's wait loop (kernel/smp.c; csd_lock_wait is
 *    __always_inline, so a real trace shows only smp_call_function_many — the seed's xmon dump of
 *    CPU 105 has pc = smp_call_function_many+0x3d0; printed here as `csd_lock_wait (inlined)`);
 *  - a spinlock: _raw_spin_lock (kernel/locking/spinlock.c; spin_lock and the powerpc
 *    arch_spin_lock loop are inline in it);
 *  - a reader/writer semaphore: down_read / down_write → rwsem_down_{read,write}_slowpath →
 *    schedule → __schedule → __switch_to (kernel/locking/rwsem.c, v5.3; the task sleeps in D state).
 * No addresses or offsets: the model has no kernel image, so none are printed.
 */
import type { PathRun, PathStep } from './host-kernel';
import type { Task } from './tasks';

/** The frames of `task`'s stack, innermost first, or null when it is not stuck in `run`. */
export function callTrace(task: Task, run: PathRun): string[] | null {
  const st = task.state;
  if (st.kind !== 'spinning' && st.kind !== 'blocked') return null;
  const on = st.on;
  let step: PathStep | undefined;
  let waits: readonly string[];
  if (on.kind === 'csd') {
    // The broadcast step is done (its csds are queued); the task waits at its end.
    step = run.path.steps[run.next - 1];
    waits = ['smp_call_function_many', 'csd_lock_wait (inlined)'];
  } else if (on.kind === 'spinlock' || on.kind === 'rwsem') {
    step = run.path.steps[run.next];
    if (step?.op !== 'lock') return null;
    const write = on.kind === 'rwsem' && on.mode === 'write';
    waits = on.kind === 'spinlock' ? [step.call ?? '_raw_spin_lock'] : [step.call ?? (write ? 'down_write' : 'down_read'), write ? 'rwsem_down_write_slowpath' : 'rwsem_down_read_slowpath', 'schedule', '__schedule', '__switch_to'];
  } else return null;
  if (!step) return null;
  return [...(run.path.entry ?? []), ...(step.via ?? []), step.fn, ...waits].reverse();
}
