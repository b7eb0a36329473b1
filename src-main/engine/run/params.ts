import type { ParamDef } from '../core';

/** Host scheduler parameters of the workload model. Keys `host.sched.*`. */
export const RUN_PARAMS = [
  {
    key: 'host.sched.wake_on_vcpu_extra',
    unit: 'fraction',
    default: 0,
    min: 0,
    max: 1,
    doc: 'A what-if, not derived: the share of host task wakeups (QEMU workers, host stress io/hdd workers, ksmd) placed on a CPU running a vCPU, on top of the share the placement gives (select_idle_sibling finding no idle CPU in the wakee\'s cache domain). Each such wakeup sends that CPU a RESCHEDULE (ttwu_queue_remote from another cache domain, resched_curr from the same) while its woken task runs.',
    source: 'None: 0 means only the placement decides. docs/models/ipi.md shows what the seed scenario predicts as a function of it.',
  },
] as const satisfies readonly ParamDef[];
