import type { ParamDef } from '../core';

/** Host scheduler parameters of the workload model. Keys `host.sched.*`. */
export const RUN_PARAMS = [
  {
    key: 'host.sched.resched_on_vcpu_per_s',
    unit: 'per_s',
    default: 0,
    min: 0,
    max: 1_000_000,
    doc: 'A what-if, not derived from the workload: extra RESCHEDULE IPIs (resched_curr → smp_send_reschedule) per second that the host sends each CPU running a vCPU, beyond those the modelled tasks cause. With host_ipi set they are the partners the `set` variant\'s remaining race needs, and they rescue a stranded queue.',
    source: 'None: 0 means only modelled mechanisms send host IPIs to CPUs in the guest. docs/models/ipi.md shows the prediction as a function of it.',
  },
] as const satisfies readonly ParamDef[];
