import type { ParamDef } from '../core';

/** Host scheduler parameters of the workload model (run/host-wakeups.ts). Keys `host.sched.*`. */
export const RUN_PARAMS = [
  {
    key: 'host.sched.wake_on_vcpu_fraction',
    unit: 'fraction',
    default: 1e-5,
    min: 0,
    max: 1,
    doc:
      'Fraction of host task wakeups (QEMU io workers, host stress io/hdd workers, ksmd) that select_task_rq_fair places on a CPU currently running a vCPU thread, sending it a RESCHEDULE IPI (ttwu_queue_remote / resched_curr → smp_send_reschedule). The target is uniform over the CPUs in guest mode on the waker\'s socket.',
    source:
      'Bounded by the seed: its stuck CALL_FUNCTION persisted until the host was reset, and any host IPI that gets through to the target rescues the queue, so host IPIs reached that vCPU\'s CPU less than about once per 20 min. The seed host makes ~4,500 host wakeups/s over ~60 CPUs in guest mode, which bounds the fraction near 2e-5 (select_idle_sibling nearly always finds an idle SMT sibling: guest A uses 2 of 4 threads per core). Measure on a real host with perf sched (sched_wakeup target_cpu vs kvm_guest_enter).',
  },
] as const satisfies readonly ParamDef[];
