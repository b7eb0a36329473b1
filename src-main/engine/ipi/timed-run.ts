/**
 * A program of the memory model run in time (the simulation's handshake episodes and the
 * calibration's litmus runs use the same driver, so the calibrated timing is the timing the
 * episodes see). The machine decides what may happen; this decides when:
 *  - each thread issues one instruction per `stepNs` from its start time;
 *  - an issued memory operation may perform once the machine allows it (fences, coherence,
 *    dependencies) and no earlier than `syncNs` (`lwsyncNs`) after the last sync (lwsync) before
 *    it retired (the fence's own acknowledgement latency); it then takes a drawn delay: a store's
 *    visibility delay, a load's latency;
 *  - a store leaves the core only once every older load of its thread has its value (stores
 *    commit from the store queue after they retire, in-order retirement waits for older loads):
 *    the model allows load→store reordering, POWER hardware never shows it (LB: 0 of 2.4e11);
 *  - a control transition (taking a doorbell, a branch) happens when `control` says — the
 *    caller knows what the branch stands for (e.g. the guest exit on host_ipi == 1).
 * Among enabled transitions the one ready first happens next; ties go to the machine's order,
 * so a run is a pure function of the program, the timing and the Rng.
 */
import type { Rng } from '../core';
import { Machine, Op, type CInstr, type MachineEvent, type MachineState, type Program } from '../memory-model/legacy';

export interface OpDelays {
  /** Visibility delay of a store, xchg or msgsnd after it may perform (ns). */
  store(rng: Rng): number;
  /** Latency of a load after it may perform (ns). */
  load(rng: Rng): number;
}

export interface TimedOptions {
  stepNs: number;
  syncNs: number;
  lwsyncNs: number;
  /** Each thread's start time (ns). */
  startAt: readonly number[];
  /**
   * When thread `thread`'s control instruction `ins` (at `pc`) happens, given the current time,
   * when its doorbell rang (Infinity if it has not) and, for a branch, whether it is taken.
   */
  control(thread: number, ins: CInstr, pc: number, now: number, doorbellAt: number, taken: boolean): number;
  /** Doorbell delivery latency: msgsnd performed at t rings the target at t + deliveryNs. */
  deliveryNs: number;
  /** Stop after this many transitions (a program that loops for ever). */
  maxTransitions?: number;
  /** Stop when the next transition would happen later than this (ns). */
  until?: number;
}

export interface TimedEvent extends MachineEvent {
  /** When it happened (ns). */
  at: number;
}

export interface TimedResult {
  state: MachineState;
  machine: Machine;
  /** Time of the last transition. */
  end: number;
  /** When each thread's doorbell rang and was not yet taken (Infinity: none pending). */
  doorbellAt: number[];
}

/** Runs `prog` in time; `onEvent` sees every event with its time (the recorder hook). */
export function runTimed(prog: Program, delays: OpDelays, opts: TimedOptions, rng: Rng, onEvent?: (e: TimedEvent) => void, machine = new Machine(prog)): TimedResult {
  const m = machine;
  const n = prog.threads.length;
  const start = m.start();
  let s: MachineState = start.state;
  let now = 0;
  // Per thread, per issue sequence number: issue time, drawn delay, first time allowed.
  const issued: number[][] = Array.from({ length: n }, () => []);
  const delay: number[][] = Array.from({ length: n }, () => []);
  const allowed: number[][] = Array.from({ length: n }, () => []);
  // Per thread: retired fences as [seq, time from which later operations may perform].
  const syncs: [number, number][][] = Array.from({ length: n }, () => []);
  // Per thread: performed loads as [seq, time].
  const loadsDone: [number, number][][] = Array.from({ length: n }, () => []);
  const doorbellAt: number[] = new Array<number>(n).fill(Infinity);

  const floor = (t: number, seq: number): number => {
    const list = syncs[t];
    for (let i = list.length - 1; i >= 0; i--) if (list[i][0] < seq) return list[i][1];
    return -Infinity;
  };
  /** Earliest time a store at window index j may leave the core: every older load performed. */
  const storeFloor = (t: number, j: number, code: readonly CInstr[]): number => {
    const th = s.threads[t];
    for (let i = 0; i < j; i++) {
      const op = code[th.window[i]].op;
      if (op === Op.Load || op === Op.Xchg) return Infinity;
    }
    const seq = th.seqs[j];
    let at = -Infinity;
    for (const [ls, lt] of loadsDone[t]) if (ls < seq && lt > at) at = lt;
    return at;
  };
  const draw = (ins: CInstr): number => {
    if (ins.op === Op.Load) return delays.load(rng);
    if (ins.op === Op.Store || ins.op === Op.Xchg || ins.op === Op.Msgsnd) return delays.store(rng);
    return 0;
  };
  const noteIssued = (): void => {
    for (let ti = 0; ti < n; ti++) {
      const th = s.threads[ti];
      for (let k = 0; k < th.window.length; k++) {
        const seq = th.seqs[k];
        if (issued[ti][seq] !== undefined) continue;
        issued[ti][seq] = Math.max(now, opts.startAt[ti]) + k * opts.stepNs;
        delay[ti][seq] = draw(prog.threads[ti].code[th.window[k]]);
      }
    }
  };
  const see = (events: readonly MachineEvent[]): void => {
    for (const e of events) {
      const ins = prog.threads[e.thread].code[e.pc];
      if (e.kind === 'retire' && ins.op === Op.Fence) syncs[e.thread].push([e.seq, now + (ins.sync ? opts.syncNs : opts.lwsyncNs)]);
      if (e.kind === 'perform' && (ins.op === Op.Load || ins.op === Op.Xchg)) loadsDone[e.thread].push([e.seq, now]);
      if (e.kind === 'perform' && ins.op === Op.Msgsnd) doorbellAt[ins.target] = Math.min(doorbellAt[ins.target], now + opts.deliveryNs);
      if (e.kind === 'control' && ins.op === Op.TakeDoorbell) doorbellAt[e.thread] = Infinity;
      onEvent?.({ ...e, at: now });
    }
  };
  see(start.events);
  noteIssued();

  const max = opts.maxTransitions ?? 100_000;
  const until = opts.until ?? Infinity;
  for (let guard = 0; guard < max; guard++) {
    const moves = m.enabled(s);
    if (moves.length === 0) break;
    let best = -1;
    let bestAt = Infinity;
    for (let i = 0; i < moves.length; i++) {
      const tr = moves[i];
      const th = s.threads[tr.thread];
      let at: number;
      if (tr.kind === 'perform') {
        const seq = th.seqs[tr.index];
        const code = prog.threads[tr.thread].code;
        const op = code[th.window[tr.index]].op;
        const committing = op === Op.Store || op === Op.Xchg || op === Op.Msgsnd;
        const ready = committing ? storeFloor(tr.thread, tr.index, code) : -Infinity;
        if (ready === Infinity) continue;
        if (allowed[tr.thread][seq] === undefined) allowed[tr.thread][seq] = Math.max(now, floor(tr.thread, seq), ready);
        at = Math.max(issued[tr.thread][seq], allowed[tr.thread][seq]) + delay[tr.thread][seq];
      } else {
        const ins = prog.threads[tr.thread].code[th.pc];
        const taken = ins.op === Op.Branch && th.regs[ins.src] === ins.value;
        at = opts.control(tr.thread, ins, th.pc, now, doorbellAt[tr.thread], taken);
      }
      if (at < bestAt) {
        bestAt = at;
        best = i;
      }
    }
    if (best < 0 || bestAt === Infinity || bestAt > until) break;
    now = Math.max(now, bestAt);
    const res = m.apply(s, moves[best]);
    s = res.state;
    see(res.events);
    noteIssued();
  }
  return { state: s, machine: m, end: now, doorbellAt };
}
