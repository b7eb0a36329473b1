/**
 * The IPI code paths of Linux 5.3 on a POWER9 KVM-HV host, as programs of the memory model
 * (docs/models/ipi.md "The handshake as the kernel runs it"). Every step is labelled with the
 * kernel function it stands for; the labels are what witnesses print.
 *
 * Sender of a CALL_FUNCTION (smp_call_function_many, or generic_exec_single for
 * smp_call_function_single — the same PPC_MSG_CALL_FUNCTION and the same queue):
 *   llist_add(&csd->llist, &per_cpu(call_single_queue, T))   fully ordered cmpxchg: sync; larx/stcx.; sync
 *   if it returned false (the queue was not empty): no IPI — the csd waits for the one already sent
 *   smp_muxed_ipi_set_message(T, msg):   smp_mb(); message[msg] = 1      (a byte of the messages word)
 *   doorbell_global_ipi(T):              kvmppc_set_host_ipi(T): [smp_mb();] host_ipi = 1
 *                                        ppc_msgsnd_sync() (sync); ppc_msgsnd() -> T
 * A RESCHEDULE from ttwu_queue_remote (`RESCHEDULE_WAKE`) is the same with rq->wake_list and
 * PPC_MSG_RESCHEDULE; one from resched_curr (`RESCHEDULE`: set_tsk_need_resched, then
 * smp_send_reschedule) queues nothing. A vCPU kick (kvmppc_fast_vcpu_kick_hv →
 * kvmppc_ipi_thread) is smp_mb(); msgsnd — no message, no host_ipi.
 *
 * The target CPU runs a vCPU in the guest:
 *   an H_DOORBELL arrives (kvmppc_interrupt_hv): PPC_MSGSYNC; lwsync; lbz host_ipi
 *     0 → maybe_reenter_guest: a guest wakeup, back to the guest
 *     1 → guest_exit_cont; kvmhv_run_single_vcpu: set_irq_happened(H_DOORBELL); local_irq_enable()
 *         replays it: doorbell_exception(): ppc_msgsync(); kvmppc_clear_host_ipi(T) [smp_mb()]
 *         smp_ipi_demux_relaxed(): do { all = xchg_relaxed(&messages, 0);
 *             CALL_FUNCTION → flush_smp_call_function_queue(): llist_del_all(call_single_queue)
 *             RESCHEDULE → scheduler_ipi(): if (!llist_empty(wake_list)) sched_ttwu_pending():
 *                          llist_del_all(wake_list) — a RESCHEDULE from resched_curr finds the list
 *                          empty and runs no barrier
 *           } while (messages);
 *         back to the guest.
 * The two bracketed barriers are the kernel variant's independent toggles.
 *
 * Until the memory model has mixed-size accesses, each byte of the messages word is its own
 * location: the demux's xchg_relaxed is one xchg per byte and its `while (messages)` one load per
 * byte, in byte order.
 */
import type { Instr, ProgramSource } from '../memory-model/legacy';
import type { Barriers } from './fabric';

/** The PPC_MSG_* bytes of the messages word the handshake uses. */
export const MESSAGES = ['CALL_FUNCTION', 'RESCHEDULE'] as const;
export type Message = (typeof MESSAGES)[number];

/** What a sender does to the target: an IPI of one of these kinds, or a vCPU kick. */
export const SENDER_KINDS = ['CALL_FUNCTION', 'CALL_FUNCTION_SINGLE', 'RESCHEDULE', 'RESCHEDULE_WAKE', 'KICK'] as const;
export type SenderKind = (typeof SENDER_KINDS)[number];

export const BARRIER_VARIANTS = ['none', 'set', 'clear', 'both'] as const;
export type BarrierVariant = (typeof BARRIER_VARIANTS)[number];

/** none = the old kvmppc_set_host_ipi(cpu, 0/1); set / clear = one barrier; both = the fix. */
export function barriersOf(variant: BarrierVariant): Barriers {
  return { beforeSet: variant === 'set' || variant === 'both', afterClear: variant === 'clear' || variant === 'both' };
}

export function variantOf(b: Barriers): BarrierVariant {
  return b.beforeSet ? (b.afterClear ? 'both' : 'set') : b.afterClear ? 'clear' : 'none';
}

/** The message byte a kind sets (none for a kick). */
export function messageOf(kind: SenderKind): Message | null {
  return kind === 'KICK' ? null : kind === 'RESCHEDULE' || kind === 'RESCHEDULE_WAKE' ? 'RESCHEDULE' : 'CALL_FUNCTION';
}

export type Queue = 'call_single_queue' | 'wake_list';

/** The llist a kind adds its work to before sending (resched_curr and kicks queue nothing). */
export function queueOf(kind: SenderKind): Queue | null {
  return kind === 'KICK' || kind === 'RESCHEDULE' ? null : kind === 'RESCHEDULE_WAKE' ? 'wake_list' : 'call_single_queue';
}

export const messageLoc = (target: string, msg: Message): string => `message[${target}][${msg}]`;
export const hostIpiLoc = (target: string): string => `host_ipi[${target}]`;
export const queueLoc = (target: string, q: Queue): string => `${q}[${target}]`;

/** How long a control step of the target takes; the timed driver maps these to parameters. */
export type ControlCost = 'guest_exit' | 'reenter' | 'csd_work' | 'ttwu_work' | 'guest_entry';

/** The time a branch takes, by whether it is taken. */
export interface BranchCost {
  taken?: ControlCost;
  notTaken?: ControlCost;
}

/** A program with the costs of its control steps, by thread and program counter, for the timed driver. */
export interface Costed {
  src: ProgramSource;
  /** Per thread, per pc (marks excluded, as `compile` numbers them). */
  costs: (BranchCost | undefined)[][];
}

/** llist_add / llist_del_all: a fully ordered atomic (sync; larx/stcx.; sync), as an xchg between syncs. */
function fullyOrderedXchg(loc: string, reg: string, value: number, label: (v: number) => string, fn: string): Instr[] {
  return [
    { op: 'fence', kind: 'sync', label: `${fn}: sync` },
    { op: 'xchg', loc, reg, value, label },
    { op: 'fence', kind: 'sync', label: `${fn}: sync` },
  ];
}

/** One IPI (or kick) from a sender to `target`. */
export function senderCode(target: string, kind: SenderKind, b: Barriers): Instr[] {
  if (kind === 'KICK')
    return [
      { op: 'note', label: 'kvmppc_fast_vcpu_kick_hv() -> kvmppc_ipi_thread():' },
      { op: 'fence', kind: 'sync', label: 'smp_mb()' },
      { op: 'msgsnd', target, label: `msgsnd -> ${target} // kick, host_ipi not set` },
    ];
  const msg = messageOf(kind)!;
  const q = queueOf(kind);
  const caller = { CALL_FUNCTION: 'smp_call_function_many()', CALL_FUNCTION_SINGLE: 'generic_exec_single()', RESCHEDULE: 'resched_curr() -> smp_send_reschedule()', RESCHEDULE_WAKE: 'ttwu_queue_remote()' }[kind];
  return [
    { op: 'note', label: `${caller}:` },
    ...(q
      ? [
          ...fullyOrderedXchg(queueLoc(target, q), 'was', 1, (v) => `llist_add(${q}[${target}]) // ${v === 0 ? 'was empty: send the IPI' : 'not empty: no IPI'}`, 'llist_add'),
          { op: 'branch', reg: 'was', equals: 1, to: 'done', label: '' } as const,
        ]
      : []),
    { op: 'note', label: 'smp_muxed_ipi_set_message():' },
    { op: 'fence', kind: 'sync', label: 'smp_mb()' },
    { op: 'store', loc: messageLoc(target, msg), value: 1, label: `message[${msg}] = 1` },
    { op: 'note', label: `doorbell_global_ipi(${target}):` },
    ...(b.beforeSet ? [{ op: 'fence', kind: 'sync', label: `smp_mb() // kvmppc_set_host_ipi(${target})` } as const] : []),
    { op: 'store', loc: hostIpiLoc(target), value: 1, label: `kvmppc_set_host_ipi(${target}, 1)` },
    { op: 'fence', kind: 'sync', label: 'ppc_msgsnd_sync()/smp_mb()' },
    { op: 'msgsnd', target, label: `ppc_msgsnd() -> ${target}` },
    { op: 'mark', name: 'done' },
  ];
}

/**
 * The target CPU in the guest: take a doorbell, check host_ipi, and either re-enter the guest or
 * exit and run doorbell_exception. `senderName(v)` names the CPU whose doorbell it was.
 */
export function targetCode(target: string, b: Barriers, senderName: (doorbell: number) => string): { instrs: Instr[]; costs: (BranchCost | undefined)[] } {
  // The cost of each control step, by instruction index (marks included), resolved to pcs later.
  const code: Instr[] = [];
  const costs: (BranchCost | undefined)[] = [];
  const push = (...ins: Instr[]) => {
    for (const i of ins) {
      code.push(i);
      costs.push(undefined);
    }
  };
  const branch = (reg: string, equals: number, to: string, cost: BranchCost) => {
    code.push({ op: 'branch', reg, equals, to, label: '' });
    costs.push(cost);
  };
  // Code that touches nothing the handshake shares (running the csd functions, activating woken
  // tasks) as time only: a branch never taken, after a full barrier, so it orders nothing new.
  const work = (cost: ControlCost) => branch('none', 1, 'guest', { notTaken: cost });
  push(
    { op: 'mark', name: 'guest' },
    { op: 'takeDoorbell', label: (v) => `// doorbell from CPU ${senderName(v)} arrives while in guest` },
    { op: 'fence', kind: 'lwsync', label: 'PPC_MSGSYNC; lwsync // kvmppc_interrupt_hv' },
    {
      op: 'load',
      loc: hostIpiLoc(target),
      reg: 'host_ipi',
      label: (v) => `local_paca->kvm_hstate.host_ipi == ${v}${v === 1 ? ' // exit to host' : ' // IPI ignored'}`,
    },
  );
  // maybe_reenter_guest on 0; guest_exit_cont on 1.
  branch('host_ipi', 0, 'guest', { taken: 'reenter', notTaken: 'guest_exit' });
  push(
    { op: 'note', label: 'doorbell_exception():' },
    { op: 'fence', kind: 'lwsync', label: 'ppc_msgsync()' },
    { op: 'store', loc: hostIpiLoc(target), value: 0, label: `kvmppc_clear_host_ipi(${target})` },
    ...(b.afterClear ? [{ op: 'fence', kind: 'sync', label: `smp_mb() // kvmppc_clear_host_ipi(${target})` } as const] : []),
    { op: 'note', label: 'smp_ipi_demux_relaxed():' },
    { op: 'mark', name: 'demux' },
  );
  for (const m of MESSAGES) push({ op: 'xchg', loc: messageLoc(target, m), reg: `all_${m}`, value: 0, label: (v) => `xchg_relaxed(messages) // message[${m}] == ${v}` });
  branch('all_CALL_FUNCTION', 0, 'no_cf', {});
  push(
    { op: 'note', label: 'generic_smp_call_function_interrupt():' },
    ...fullyOrderedXchg(queueLoc(target, 'call_single_queue'), 'csds', 0, (v) => `llist_del_all(call_single_queue) // ${v ? 'runs the queued csds' : 'empty'}`, 'llist_del_all'),
  );
  work('csd_work');
  push({ op: 'mark', name: 'no_cf' });
  branch('all_RESCHEDULE', 0, 'no_resched', {});
  push(
    { op: 'note', label: 'scheduler_ipi():' },
    { op: 'load', loc: queueLoc(target, 'wake_list'), reg: 'pending', label: (v) => `llist_empty(wake_list) == ${v ? 'false' : 'true'}` },
  );
  branch('pending', 0, 'no_resched', {});
  push(
    { op: 'note', label: 'sched_ttwu_pending():' },
    ...fullyOrderedXchg(queueLoc(target, 'wake_list'), 'woken', 0, (v) => `llist_del_all(wake_list) // ${v ? 'wakes the queued tasks' : 'empty'}`, 'llist_del_all'),
  );
  work('ttwu_work');
  push({ op: 'mark', name: 'no_resched' });
  MESSAGES.forEach((m, i) => {
    push({ op: 'load', loc: messageLoc(target, m), reg: `again_${m}`, label: (v) => `while (info->messages) // message[${m}] == ${v}` });
    // Past the last byte the demux returns: irq_exit, the KVM run loop, guest entry.
    branch(`again_${m}`, 1, 'demux', i === MESSAGES.length - 1 ? { notTaken: 'guest_entry' } : {});
  });
  push({ op: 'note', label: '// returns to executing guest' }, { op: 'goto', to: 'guest' });
  return { instrs: code, costs };
}

export interface HandshakeSetup {
  target: string;
  senders: { cpu: string; kind: SenderKind }[];
}

/** The seed's scenario: CPU X sends RESCHEDULE and CPU 105 CALL_FUNCTION to CPU 42. */
export const SEED_SETUP: HandshakeSetup = {
  target: '42',
  senders: [
    { cpu: 'X', kind: 'RESCHEDULE' },
    { cpu: '105', kind: 'CALL_FUNCTION' },
  ],
};

/** Thread 0 is the target, threads 1.. the senders; with the control costs of the target's steps. */
export function handshakeProgram(b: Barriers, setup: HandshakeSetup = SEED_SETUP): Costed {
  const names = [setup.target, ...setup.senders.map((s) => s.cpu)];
  const t = targetCode(setup.target, b, (v) => names[v - 1] ?? '?');
  const src: ProgramSource = {
    threads: [{ name: setup.target, instrs: t.instrs }, ...setup.senders.map((s) => ({ name: s.cpu, instrs: senderCode(setup.target, s.kind, b) }))],
  };
  // Number the target's instructions as compile() does (marks take no pc).
  const targetCosts = t.costs.filter((_, i) => t.instrs[i].op !== 'mark');
  return { src, costs: [targetCosts, ...setup.senders.map(() => [])] };
}
