/**
 * The host_ipi / doorbell IPI handshake of seed kvm-ppc-host-ipi-barriers.txt, written as
 * memory-model programs (labels are the seed's lines):
 *
 *   sender:  smp_muxed_ipi_set_message():  smp_mb(); message[MSG] = 1
 *            doorbell_global_ipi(T):       [smp_mb()]  host_ipi[T] = 1       (kvmppc_set_host_ipi)
 *                                          ppc_msgsnd_sync()/smp_mb(); msgsnd -> T
 *   target:  in guest, a doorbell arrives; host_ipi[T] is read: 0 → guest wake, IPI ignored;
 *            1 → exit to host: doorbell_exception(): ppc_msgsync(); host_ipi[T] = 0
 *            (kvmppc_clear_host_ipi) [smp_mb()]; smp_ipi_demux_relaxed(): read-and-clear each
 *            message word; return to the guest.
 *
 * The two bracketed barriers are the kernel variant's independent toggles.
 */
import type { Instr, ProgramSource } from '../memory-model/legacy';
import type { Barriers } from './fabric';

export const MESSAGES = ['RESCHEDULE', 'CALL_FUNCTION'] as const;
export type Message = (typeof MESSAGES)[number];

export const BARRIER_VARIANTS = ['none', 'set', 'clear', 'both'] as const;
export type BarrierVariant = (typeof BARRIER_VARIANTS)[number];

/** none = the old kvmppc_set_host_ipi(cpu, 0/1); set / clear = one barrier; both = the fix. */
export function barriersOf(variant: BarrierVariant): Barriers {
  return { beforeSet: variant === 'set' || variant === 'both', afterClear: variant === 'clear' || variant === 'both' };
}

export function variantOf(b: Barriers): BarrierVariant {
  return b.beforeSet ? (b.afterClear ? 'both' : 'set') : b.afterClear ? 'clear' : 'none';
}

export const messageLoc = (target: string, msg: Message): string => `message[${target}][${msg}]`;
export const hostIpiLoc = (target: string): string => `host_ipi[${target}]`;

/** One IPI: smp_muxed_ipi_set_message + doorbell_global_ipi from `sender` to `target`. */
export function senderCode(target: string, msg: Message, b: Barriers): Instr[] {
  return [
    { op: 'note', label: 'smp_muxed_ipi_set_message():' },
    { op: 'fence', kind: 'sync', label: 'smp_mb()' },
    { op: 'store', loc: messageLoc(target, msg), value: 1, label: `message[${msg}] = 1` },
    { op: 'note', label: `doorbell_global_ipi(${target}):` },
    ...(b.beforeSet ? [{ op: 'fence', kind: 'sync', label: `smp_mb() // kvmppc_set_host_ipi(${target})` } as const] : []),
    { op: 'store', loc: hostIpiLoc(target), value: 1, label: `kvmppc_set_host_ipi(${target}, 1)` },
    { op: 'fence', kind: 'sync', label: 'ppc_msgsnd_sync()/smp_mb()' },
    { op: 'msgsnd', target, label: `ppc_msgsnd() -> ${target}` },
  ];
}

/**
 * The target CPU, running a guest: forever take a doorbell, check host_ipi, and either ignore
 * it (guest wake) or run doorbell_exception and go back to the guest. `senderName(v)` names
 * the CPU whose doorbell it was (v = 1 + that thread's index).
 */
export function targetCode(target: string, b: Barriers, senderName: (doorbell: number) => string): Instr[] {
  const code: Instr[] = [
    { op: 'mark', name: 'guest' },
    { op: 'takeDoorbell', label: (v) => `// doorbell from CPU ${senderName(v)} arrives while in guest` },
    {
      op: 'load',
      loc: hostIpiLoc(target),
      reg: 'host_ipi',
      label: (v) => `local_paca->kvm_hstate.host_ipi == ${v}${v === 1 ? ' // exit to host' : ' // IPI ignored'}`,
    },
    { op: 'branch', reg: 'host_ipi', equals: 0, to: 'guest', label: '' },
    { op: 'note', label: 'doorbell_exception():' },
    { op: 'fence', kind: 'lwsync', label: 'ppc_msgsync()' },
    { op: 'store', loc: hostIpiLoc(target), value: 0, label: `kvmppc_clear_host_ipi(${target})` },
    ...(b.afterClear ? [{ op: 'fence', kind: 'sync', label: `smp_mb() // kvmppc_clear_host_ipi(${target})` } as const] : []),
    { op: 'note', label: 'smp_ipi_demux_relaxed():' },
  ];
  for (const m of MESSAGES) {
    code.push({
      op: 'xchg',
      loc: messageLoc(target, m),
      reg: m,
      value: 0,
      label: (v) => (v === 1 ? `message[${m}] == 1 // handled` : `message[${m}] == 0`),
    });
  }
  code.push({ op: 'note', label: '// returns to executing guest' }, { op: 'goto', to: 'guest' });
  return code;
}

/**
 * A vCPU kick: KVM wakes a vCPU running in a guest with a bare msgsnd
 * (kvmppc_fast_vcpu_kick_hv → kvmppc_ipi_thread: smp_mb; msgsnd), setting neither a message
 * nor host_ipi. The target takes it as a guest wake — unless host_ipi happens to be set.
 */
export function kickCode(target: string): Instr[] {
  return [
    { op: 'note', label: `kvmppc_fast_vcpu_kick_hv(): // vCPU on ${target}` },
    { op: 'fence', kind: 'sync', label: 'smp_mb()' },
    { op: 'msgsnd', target, label: `msgsnd -> ${target} // kick, host_ipi not set` },
  ];
}

/** What one sender does: an IPI carrying a message, or a vCPU kick. */
export type SenderKind = Message | 'KICK';

export interface HandshakeSetup {
  target: string;
  senders: { cpu: string; msg: SenderKind }[];
}

/** The seed's scenario: CPU X sends RESCHEDULE and CPU 105 CALL_FUNCTION to CPU 42. */
export const SEED_SETUP: HandshakeSetup = {
  target: '42',
  senders: [
    { cpu: 'X', msg: 'RESCHEDULE' },
    { cpu: '105', msg: 'CALL_FUNCTION' },
  ],
};

/** Thread 0 is the target, threads 1.. the senders. */
export function handshakeProgram(b: Barriers, setup: HandshakeSetup = SEED_SETUP): ProgramSource {
  const names = [setup.target, ...setup.senders.map((s) => s.cpu)];
  return {
    threads: [
      { name: setup.target, instrs: targetCode(setup.target, b, (v) => names[v - 1] ?? '?') },
      ...setup.senders.map((s) => ({ name: s.cpu, instrs: s.msg === 'KICK' ? kickCode(setup.target) : senderCode(setup.target, s.msg, b) })),
    ],
  };
}
