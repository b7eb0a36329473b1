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
 *         smp_ipi_demux_relaxed(): do { all = xchg(&messages, 0);   (fully ordered: sync; larx/stcx.; sync)
 *             CALL_FUNCTION → flush_smp_call_function_queue(): llist_del_all(call_single_queue)
 *             RESCHEDULE → scheduler_ipi(): if (!llist_empty(wake_list)) sched_ttwu_pending():
 *                          llist_del_all(wake_list) — a RESCHEDULE from resched_curr finds the list
 *                          empty and runs no barrier
 *           } while (messages);
 *         irq_exit, kvmppc_handle_exit_hv, the run loop (in the host, interrupts on), then
 *         hard_irq_disable(): a doorbell that landed meanwhile was taken in the host
 *         (doorbell_exception again, whatever host_ipi says); back to the guest.
 * The two bracketed barriers are the kernel variant's independent toggles.
 *
 * In the memory model's program form (memory-model/program.ts): an xchg is `lwarx; stwcx.; bne`
 * (the loop Linux's xchg_relaxed / the fully ordered cmpxchg of llist_add compile to); the
 * target's pending doorbell is a location, `doorbell`: msgsnd sets it to the sender's number
 * atomically (`lwarx; stwcx.; bne`: one pending doorbell per thread, two msgsnds merge into it,
 * and the interrupt taken from the merged doorbell is ordered after both — the msgsync the ISA
 * specifies; docs/models/ipi.md "msgsnd sets the pending doorbell"), and taking the doorbell is a
 * waiting lwarx of it with a stwcx. of 0 (the interrupt is taken and the doorbell cleared
 * atomically: a msgsnd after that stays pending). Interrupt entry and the guest exit are context
 * synchronising (an isync after the step): nothing after them runs before they happen.
 * Messages encoding. `word` (what every run, sweep, figure and `twb explore ipi` uses): the word
 * as the kernel has it, struct cpu_messages' `long messages` (8 bytes), which the sender stores
 * one byte of (`stb`), the demux exchanges whole (one 8-byte lwarx/stwcx. loop, i.e.
 * ldarx/stdcx.) and re-reads whole;
 * `all & IPI_MESSAGE(msg)` picks a message out. POWER9 hosts run ppc64le, where message[msg] is
 * bits 8·msg… of the word (IPI_MESSAGE(A) = 1 << 8·A); the model composes values big-endian, so
 * that byte sits at offset 7 − msg (the same values and the same accesses). `bytes` (opt-in, for
 * messages-word.test.ts only): each message byte its own location, the demux's xchg one xchg per
 * byte between the syncs and its `while (messages)` one load per byte — the simplification runs
 * used before both memory models had mixed-size accesses; the test shows it gives the same
 * verdicts.
 */
import type { Instr, Label, ProgramSource } from '../memory-model';
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
export const doorbellLoc = (target: string): string => `doorbell[${target}]`;
/** The whole messages word (the `word` encoding). */
export const messagesLoc = (target: string): string => `messages[${target}]`;

/** How the messages word is modelled: the one word (mixed-size, what runs use), or one location per message byte (the old simplification, compared in messages-word.test.ts). */
export type MessagesEncoding = 'bytes' | 'word';
/** The encoding every run, sweep, figure and `twb explore ipi` uses. */
export const RUN_MESSAGES: MessagesEncoding = 'word';
const WORD_BYTES = 8;
/** Offset of message[msg] in the word as the model composes it (ppc64le byte msg; see the header). */
const messageOffset = (m: Message): number => WORD_BYTES - 1 - MESSAGES.indexOf(m);
/** IPI_MESSAGE(msg) on ppc64le. */
const ipiMessage = (m: Message): number => 2 ** (8 * MESSAGES.indexOf(m));
/** Whether a value of the whole word has message[m] set (`all & IPI_MESSAGE(m)`, the byte of m). */
export const carriesMessage = (word: number, m: Message): boolean => Math.floor(word / ipiMessage(m)) % 256 !== 0;
/** A read of the whole word, as the kernel engineer reads it: its value and the messages set in it. */
const wordRead = (what: string) => (v: number): string => {
  const set = MESSAGES.filter((m) => carriesMessage(v, m)).map((m) => `message[${m}]`);
  return `${what} == ${v === 0 ? '0' : `0x${v.toString(16)}`}${set.length > 0 ? ` // ${set.join(', ')} set` : ''}`;
};

/** How long a control step of the target takes; the timed driver maps these to parameters. */
export type ControlCost = 'guest_exit' | 'reenter' | 'csd_work' | 'ttwu_work' | 'host_tail' | 'guest_entry';

/** The time a branch takes to resolve, by whether it is taken. */
export interface BranchCost {
  taken?: ControlCost;
  notTaken?: ControlCost;
}

/** A program with the costs of its control steps, by thread and program counter, for the timed driver. */
export interface Costed {
  src: ProgramSource;
  /** Per thread, per pc (labels excluded, as `compile` numbers them). */
  costs: (BranchCost | undefined)[][];
}

/** The bytes of a location an access covers (default: the whole location, as the program declares it). */
interface Part {
  offset?: number;
  size?: number;
}

/** Builds one thread's code, with the cost of each costed branch and unique loop labels. */
class Code {
  readonly instrs: Instr[] = [];
  readonly costs: (BranchCost | undefined)[] = [];
  private loops = 0;

  push(...ins: Instr[]): this {
    for (const i of ins) {
      this.instrs.push(i);
      if (i.op !== 'label') this.costs.push(undefined);
    }
    return this;
  }

  note(text: string): this {
    return this.push({ op: 'note', text });
  }

  fence(kind: 'sync' | 'lwsync' | 'isync', label: string): this {
    return this.push({ op: 'fence', kind, label });
  }

  /** A store of `value`; `part` a byte range of the location (`stb` into the messages word), else the whole. */
  store(loc: string, value: number, label: Label, part: Part = {}): this {
    return this.push({ op: 'store', rs: value, addr: { loc, offset: part.offset }, size: part.size, label });
  }

  load(loc: string, rd: string, label: Label, part: Part = {}): this {
    return this.push({ op: 'load', rd, addr: { loc, offset: part.offset }, size: part.size, label });
  }

  /** xchg: `retry: lwarx rd; stwcx. value; bne retry` (reads the old value, writes `value` atomically). */
  xchg(loc: string, rd: string, value: number, label: Label, part: Part = {}): this {
    const retry = `retry${this.loops++}`;
    const addr = { loc, offset: part.offset };
    return this.push(
      { op: 'label', name: retry },
      { op: 'load', rd, addr, size: part.size, reserve: true, label },
      { op: 'store', rs: value, addr, size: part.size, conditional: true },
      { op: 'branch', cond: 'ne', to: retry },
    );
  }

  /**
   * msgsnd to `target` from sender `me`: sets the target's pending doorbell, atomically,
   * `retry: lwarx; stwcx. me; bne retry` (the value is the sender's number, so traces name the CPU
   * whose msgsnd was taken). Two msgsnds merge: the later one's lwarx reads the earlier one's
   * write, and a read and a later write of one location are ordered (ppc.cat's po-loc), so a
   * doorbell taken from the later msgsnd is ordered after the sync before each of them
   * (docs/models/ipi.md "msgsnd sets the pending doorbell"; resources/litmus/doorbell/).
   */
  msgsnd(target: string, me: number, label: string): this {
    const retry = `retry${this.loops++}`;
    return this.push(
      { op: 'label', name: retry },
      { op: 'load', rd: 'pending', addr: { loc: doorbellLoc(target) }, reserve: true, label: '' },
      { op: 'store', rs: me, addr: { loc: doorbellLoc(target) }, conditional: true, label },
      { op: 'branch', cond: 'ne', to: retry },
    );
  }

  /** llist_add / llist_del_all: a fully ordered atomic (sync; larx/stcx.; sync). */
  fullyOrderedXchg(loc: string, rd: string, value: number, label: Label, fn: string): this {
    return this.fence('sync', `${fn}: sync`).xchg(loc, rd, value, label).fence('sync', `${fn}: sync`);
  }

  /** `if (reg == value) goto to`, the branch taking `cost` to resolve. */
  branchIf(reg: string, value: number, to: string, cost?: BranchCost): this {
    this.push({ op: 'cmp', ra: reg, rb: value });
    this.instrs.push({ op: 'branch', cond: 'eq', to });
    this.costs.push(cost);
    return this;
  }

  label(name: string): this {
    return this.push({ op: 'label', name });
  }
}

/** One IPI (or kick) from sender number `me` (1-based thread number) to `target`. */
export function senderCode(target: string, kind: SenderKind, b: Barriers, me: number, encoding: MessagesEncoding = RUN_MESSAGES): Instr[] {
  const c = new Code();
  if (kind === 'KICK') {
    c.note('kvmppc_fast_vcpu_kick_hv() -> kvmppc_ipi_thread():')
      .fence('sync', 'smp_mb()')
      .msgsnd(target, me, `msgsnd -> ${target} // kick, host_ipi not set`);
    return c.instrs;
  }
  const msg = messageOf(kind)!;
  const q = queueOf(kind);
  const caller = { CALL_FUNCTION: 'smp_call_function_many()', CALL_FUNCTION_SINGLE: 'generic_exec_single()', RESCHEDULE: 'resched_curr() -> smp_send_reschedule()', RESCHEDULE_WAKE: 'ttwu_queue_remote()' }[kind];
  c.note(`${caller}:`);
  if (q) {
    c.fullyOrderedXchg(queueLoc(target, q), 'was', 1, (v) => `llist_add(${q}[${target}]) // ${v === 0 ? 'was empty: send the IPI' : 'not empty: no IPI'}`, 'llist_add');
    c.branchIf('was', 1, 'done');
  }
  c.note('smp_muxed_ipi_set_message():').fence('sync', 'smp_mb()');
  if (encoding === 'word') c.store(messagesLoc(target), 1, `message[${msg}] = 1`, { offset: messageOffset(msg), size: 1 });
  else c.store(messageLoc(target, msg), 1, `message[${msg}] = 1`);
  c.note(`doorbell_global_ipi(${target}):`);
  if (b.beforeSet) c.fence('sync', `smp_mb() // kvmppc_set_host_ipi(${target})`);
  c.store(hostIpiLoc(target), 1, `kvmppc_set_host_ipi(${target}, 1)`)
    .fence('sync', 'ppc_msgsnd_sync()/smp_mb()')
    .msgsnd(target, me, `ppc_msgsnd() -> ${target}`)
    .label('done');
  return c.instrs;
}

/**
 * The target CPU in the guest: take a doorbell, check host_ipi, and either re-enter the guest or
 * exit and run doorbell_exception. `senderName(v)` names the CPU whose doorbell it was.
 */
export function targetCode(target: string, b: Barriers, senderName: (doorbell: number) => string, encoding: MessagesEncoding = RUN_MESSAGES): { instrs: Instr[]; costs: (BranchCost | undefined)[] } {
  const c = new Code();
  // Code that touches nothing the handshake shares (running the csd functions, activating woken
  // tasks) as time only: a branch never taken, then context synchronised so nothing runs ahead of it.
  const work = (cost: ControlCost) => c.branchIf('none', 1, 'guest', { notTaken: cost }).fence('isync', '');
  c.label('guest')
    .push(
      { op: 'load', rd: 'db', addr: { loc: doorbellLoc(target) }, wait: true, reserve: true, label: (v) => `// doorbell from CPU ${senderName(v)} arrives while in guest` },
      { op: 'store', rs: 0, addr: { loc: doorbellLoc(target) }, conditional: true },
      { op: 'branch', cond: 'ne', to: 'guest' },
    )
    .fence('isync', '')
    .fence('lwsync', 'PPC_MSGSYNC; lwsync // kvmppc_interrupt_hv')
    .load(hostIpiLoc(target), 'host_ipi', (v) => `local_paca->kvm_hstate.host_ipi == ${v}${v === 1 ? ' // exit to host' : ' // IPI ignored'}`)
    // maybe_reenter_guest on 0; guest_exit_cont on 1 (hrfid / the exit path: context synchronising).
    .branchIf('host_ipi', 0, 'guest', { taken: 'reenter', notTaken: 'guest_exit' })
    .fence('isync', '')
    .label('doorbell_exception')
    .note('doorbell_exception():')
    .fence('lwsync', 'ppc_msgsync()')
    .store(hostIpiLoc(target), 0, `kvmppc_clear_host_ipi(${target})`);
  if (b.afterClear) c.fence('sync', `smp_mb() // kvmppc_clear_host_ipi(${target})`);
  c.note('smp_ipi_demux_relaxed():').label('demux');
  // `all = xchg(&info->messages, 0)`: Linux's fully ordered xchg (include/linux/atomic.h
  // __atomic_op_fence on powerpc's xchg_relaxed: sync before, sync after).
  c.fence('sync', 'xchg: sync');
  if (encoding === 'word') {
    c.xchg(messagesLoc(target), 'all', 0, wordRead('xchg(messages)'), { size: WORD_BYTES });
    for (const m of MESSAGES) c.push({ op: 'arith', fn: 'and', rd: `all_${m}`, ra: 'all', rb: ipiMessage(m) * 0xff });
  } else for (const m of MESSAGES) c.xchg(messageLoc(target, m), `all_${m}`, 0, (v) => `xchg(messages) // message[${m}] == ${v}`);
  c.fence('sync', 'xchg: sync');
  c.branchIf('all_CALL_FUNCTION', 0, 'no_cf')
    .note('generic_smp_call_function_interrupt():')
    .fullyOrderedXchg(queueLoc(target, 'call_single_queue'), 'csds', 0, (v) => `llist_del_all(call_single_queue) // ${v ? 'runs the queued csds' : 'empty'}`, 'llist_del_all');
  work('csd_work');
  c.label('no_cf')
    .branchIf('all_RESCHEDULE', 0, 'no_resched')
    .note('scheduler_ipi():')
    .load(queueLoc(target, 'wake_list'), 'pending', (v) => `llist_empty(wake_list) == ${v ? 'false' : 'true'}`)
    .branchIf('pending', 0, 'no_resched')
    .note('sched_ttwu_pending():')
    .fullyOrderedXchg(queueLoc(target, 'wake_list'), 'woken', 0, (v) => `llist_del_all(wake_list) // ${v ? 'wakes the queued tasks' : 'empty'}`, 'llist_del_all');
  work('ttwu_work');
  c.label('no_resched');
  // Past the re-check the demux returns, still in the host with interrupts on: irq_exit,
  // kvmppc_handle_exit_hv, round the kvmppc_vcpu_run_hv loop into kvmhv_run_single_vcpu.
  if (encoding === 'word') {
    c.load(messagesLoc(target), 'again', wordRead('while (info->messages)'), { size: WORD_BYTES });
    c.branchIf('again', 0, 'host_return', { taken: 'host_tail' }).push({ op: 'branch', cond: 'always', to: 'demux' }).label('host_return');
  } else
    MESSAGES.forEach((m, i) => {
      c.load(messageLoc(target, m), `again_${m}`, (v) => `while (info->messages) // message[${m}] == ${v}`);
      c.branchIf(`again_${m}`, 1, 'demux', i === MESSAGES.length - 1 ? { notTaken: 'host_tail' } : undefined);
    });
  // local_irq_disable(); hard_irq_disable(): a doorbell that arrived in the host tail was taken
  // there, by doorbell_exception, whatever host_ipi says (taken here, where interrupts go off:
  // the same effect, at most the tail later). One arriving after this waits for the guest.
  c.label('tail')
    .push(
      { op: 'load', rd: 'tail_db', addr: { loc: doorbellLoc(target) }, reserve: true, label: (v) => (v ? `// doorbell from CPU ${senderName(v)} arrives while in host: taken there` : 'hard_irq_disable() // no doorbell pending') },
      { op: 'store', rs: 0, addr: { loc: doorbellLoc(target) }, conditional: true },
      { op: 'branch', cond: 'ne', to: 'tail' },
    )
    .branchIf('tail_db', 0, 'enter', { taken: 'guest_entry' })
    .fence('isync', '')
    .push({ op: 'branch', cond: 'always', to: 'doorbell_exception' })
    .label('enter')
    .note('// returns to executing guest')
    .push({ op: 'branch', cond: 'always', to: 'guest' });
  return { instrs: c.instrs, costs: c.costs };
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
export function handshakeProgram(b: Barriers, setup: HandshakeSetup = SEED_SETUP, encoding: MessagesEncoding = RUN_MESSAGES): Costed {
  const names = [setup.target, ...setup.senders.map((s) => s.cpu)];
  const t = targetCode(setup.target, b, (v) => names[v] ?? '?', encoding);
  const messages = encoding === 'word' ? [messagesLoc(setup.target)] : MESSAGES.map((m) => messageLoc(setup.target, m));
  const src: ProgramSource = {
    threads: [{ name: setup.target, instrs: t.instrs }, ...setup.senders.map((s, i) => ({ name: s.cpu, instrs: senderCode(setup.target, s.kind, b, i + 1, encoding) }))],
    // Every location the handshake may touch, so programs of any sender kinds share the layout.
    locations: [doorbellLoc(setup.target), hostIpiLoc(setup.target), ...messages, queueLoc(setup.target, 'call_single_queue'), queueLoc(setup.target, 'wake_list')],
    sizes: encoding === 'word' ? { [messagesLoc(setup.target)]: WORD_BYTES } : undefined,
  };
  return { src, costs: [t.costs, ...setup.senders.map(() => [])] };
}
