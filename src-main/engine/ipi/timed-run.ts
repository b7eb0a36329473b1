/**
 * A program of the memory model run in time (the simulation's handshake episodes and the
 * calibration's litmus runs use the same driver, so the calibrated timing is the timing the
 * episodes see). The machine (memory-model/machine.ts, POWER's non-multi-copy-atomic storage)
 * decides what may happen; this decides when:
 *  - each thread issues one instruction per `stepNs` from its start time;
 *  - a load is satisfied a drawn latency after it may be (its fences, address and coherence
 *    allow it); a waiting load (a doorbell) `deliveryNs` after the doorbell's write reached it;
 *  - a store commits (enters storage, visible to its own CPU) as soon as the machine allows and
 *    every older load of its thread has its value (stores drain from the store queue after they
 *    retire, retirement is in order: POWER hardware never shows load→store reordering, LB: 0 of
 *    2.4e11), then reaches each other CPU a drawn visibility delay after its commit (one draw per
 *    store: a store that waits in the store queue waits for every CPU);
 *  - a sync's barrier reaches each CPU `syncNs` after it commits (and after what it orders), so the
 *    sync is acknowledged then; an lwsync commits `lwsyncNs` after it may;
 *  - a branch resolves when `control` says (the caller knows what it stands for, e.g. the guest
 *    exit on host_ipi == 1), else one step after it may; fetch past a branch predicts not taken,
 *    and a stwcx. that can succeed does; one that cannot fails when the write it lost its
 *    reservation to reaches its CPU.
 * Among enabled transitions the one ready first happens next; ties go to the machine's order,
 * so a run is a pure function of the program, the timing and the Rng.
 */
import type { Rng } from '../core';
import { Fence, Machine, Op, type CInstr, type MachineEvent, type MachineState, type Program, type Transition } from '../memory-model';

export interface OpDelays {
  /** Visibility delay of a store after it commits (ns). */
  store(rng: Rng): number;
  /** Latency of a load after it may be satisfied (ns). */
  load(rng: Rng): number;
}

export interface TimedOptions {
  stepNs: number;
  syncNs: number;
  lwsyncNs: number;
  /** Each thread's start time (ns). */
  startAt: readonly number[];
  /** How long resolving the branch `ins` of `thread` at `pc` takes, taken or not (ns); undefined: one step. */
  control?(thread: number, ins: CInstr, pc: number, taken: boolean): number | undefined;
  /** Doorbell delivery latency: a waiting load is satisfied this long after its write reached the CPU. */
  deliveryNs: number;
  /** Stop after this many transitions (a program that loops for ever). */
  maxTransitions?: number;
  /** Stop when the next transition would happen later than this (ns). */
  until?: number;
}

/** The recorder hook: every machine event in order, with when it happened (ns). */
export type TimedEventSink = (e: MachineEvent, at: number) => void;

export interface TimedResult {
  state: MachineState;
  machine: Machine;
  /** Time of the last transition. */
  end: number;
}

/**
 * Per thread, values by issue sequence number (program order across loop iterations). Entries
 * are reset to NONE, never deleted: a `delete` turns the array into a slow dictionary.
 */
type PerSeq = number[][];
const NONE = -1;

/**
 * The machine's start state, once per machine: states are immutable, so every run of one
 * program (every episode of one compiled handshake) can begin from the same object.
 */
const starts = new WeakMap<Machine, ReturnType<Machine['start']>>();
function startOf(m: Machine): ReturnType<Machine['start']> {
  let st = starts.get(m);
  if (!st) starts.set(m, (st = m.start()));
  return st;
}

/** Runs `prog` in time; `onEvent` sees every event with its time (the recorder hook). */
export function runTimed(prog: Program, delays: OpDelays, opts: TimedOptions, rng: Rng, onEvent?: TimedEventSink, machine = new Machine(prog)): TimedResult {
  const m = machine;
  const n = prog.threads.length;
  const start = startOf(m);
  let s: MachineState = start.state;
  let now = 0;
  const issued: PerSeq = Array.from({ length: n }, () => []);
  const loadDelay: PerSeq = Array.from({ length: n }, () => []);
  // Branch direction per entry: 1 taken, 0 not, NONE not known yet.
  const takenOf: PerSeq = Array.from({ length: n }, () => []);
  // When the entry's pending step (satisfy, commit, resolve) first became possible (NONE: not yet).
  const ready: PerSeq = Array.from({ length: n }, () => []);
  const lastIssue = new Array<number>(n).fill(-Infinity);
  // Sequence numbers grow in fetch order and the window is in that order, so every entry with a
  // seq below issuedUpTo[t] has been issued (squashed ones included: their seqs are never reused).
  const issuedUpTo = new Array<number>(n).fill(0);
  // Storage: commit time and drawn delay per write; commit time per barrier; first-possible time per propagation.
  const writeAt: number[] = [];
  const writeDelay: number[] = [];
  const barrierAt: number[] = [];
  const writeReady: number[][] = []; // [write][to]
  const barrierReady: number[][] = []; // [barrier][to]

  const noteIssued = (): void => {
    for (let t = 0; t < n; t++) {
      const w = s.threads[t].window;
      if (w.length === 0 || w[w.length - 1].seq < issuedUpTo[t]) continue;
      for (let i = 0; i < w.length; i++) {
        const e = w[i];
        if (e.seq < issuedUpTo[t]) continue;
        const at = Math.max(now, opts.startAt[t], lastIssue[t] + opts.stepNs);
        issued[t][e.seq] = at;
        ready[t][e.seq] = NONE;
        takenOf[t][e.seq] = NONE;
        lastIssue[t] = at;
        if (prog.threads[t].code[e.pc].op === Op.Load) loadDelay[t][e.seq] = delays.load(rng);
      }
      issuedUpTo[t] = w[w.length - 1].seq + 1;
    }
  };
  const see = (events: readonly MachineEvent[], before: MachineState): void => {
    const st = s.storage;
    for (let w = before.storage.writes.length; w < st.writes.length; w++) {
      writeAt[w] = now;
      writeDelay[w] = delays.store(rng);
      writeReady[w] = new Array<number>(n).fill(NONE);
    }
    for (let b = before.storage.barriers.length; b < st.barriers.length; b++) {
      barrierAt[b] = now;
      barrierReady[b] = new Array<number>(n).fill(NONE);
    }
    for (const e of events) {
      // A restarted load or a squashed entry starts its pending step afresh.
      if (e.kind === 'restart' || e.kind === 'squash' || e.kind === 'satisfy') ready[e.thread][e.seq] = NONE;
      if (e.kind === 'squash') takenOf[e.thread][e.seq] = NONE;
      onEvent?.(e, now);
    }
  };
  for (const e of start.events) onEvent?.(e, 0);
  noteIssued();

  /** When transition `tr` would happen, or Infinity if the driver never takes it. */
  const timeOf = (tr: Transition, moves: readonly Transition[]): number => {
    if (tr.kind === 'propagate' || tr.kind === 'propagate-barrier') {
      const row = tr.kind === 'propagate' ? writeReady[tr.write] : barrierReady[tr.barrier];
      let r = row[tr.to];
      if (r === NONE) row[tr.to] = r = now;
      if (tr.kind === 'propagate') return Math.max(r, writeAt[tr.write] + writeDelay[tr.write]);
      const b = s.storage.barriers[tr.barrier];
      return Math.max(r, barrierAt[tr.barrier] + (b.kind === 'sync' ? opts.syncNs : 0));
    }
    if (tr.kind === 'fetch') return tr.taken ? Infinity : now;
    const th = s.threads[tr.thread];
    const e = th.window[tr.index];
    const ins = prog.threads[tr.thread].code[e.pc];
    let failing = false;
    if (tr.kind === 'commit' && ins.op === Op.Store) {
      if (tr.success === false && ins.atomic) {
        if (moves.some((o) => o.kind === 'commit' && o.thread === tr.thread && o.index === tr.index && o.success)) return Infinity;
        failing = true;
      }
      for (let j = 0; j < tr.index; j++) if (prog.threads[tr.thread].code[th.window[j].pc].op === Op.Load && !th.window[j].done) return Infinity;
    }
    let r = ready[tr.thread][e.seq];
    if (r === NONE) ready[tr.thread][e.seq] = r = now;
    const from = Math.max(issued[tr.thread][e.seq], r);
    if (failing) {
      // A stwcx. that cannot succeed: another CPU's write to the line is on its way here. The
      // larx/stcx. loop gets the line when that write arrives, so fail then, not once per step.
      const loc = ins.addr && ins.addr.base < 0 ? ins.addr.loc : -1;
      let arrives = Infinity;
      for (const o of moves) if (o.kind === 'propagate' && o.to === tr.thread && (loc < 0 || s.storage.writes[o.write].loc === loc)) arrives = Math.min(arrives, timeOf(o, moves));
      return Math.max(from + opts.stepNs, arrives === Infinity ? from + opts.stepNs : arrives);
    }
    if (tr.kind === 'satisfy') return from + (ins.wait ? opts.deliveryNs : loadDelay[tr.thread][e.seq]);
    if (ins.op === Op.Fence) return from + (ins.fence === Fence.Lwsync ? opts.lwsyncNs : 0);
    if (ins.op === Op.Branch) {
      let taken = takenOf[tr.thread][e.seq];
      if (taken === NONE) takenOf[tr.thread][e.seq] = taken = m.branchTaken(s, tr) ? 1 : 0;
      return from + (opts.control?.(tr.thread, ins, e.pc, taken === 1) ?? opts.stepNs);
    }
    return from;
  };

  const max = opts.maxTransitions ?? 100_000;
  const until = opts.until ?? Infinity;
  for (let guard = 0; guard < max; guard++) {
    const moves = m.enabled(s);
    if (moves.length === 0) break;
    let best = -1;
    let bestAt = Infinity;
    for (let i = 0; i < moves.length; i++) {
      const at = timeOf(moves[i], moves);
      if (at < bestAt) {
        bestAt = at;
        best = i;
      }
    }
    if (best < 0 || bestAt > until) break;
    now = Math.max(now, bestAt);
    const before = s;
    const res = m.apply(s, moves[best]);
    s = res.state;
    see(res.events, before);
    noteIssued();
  }
  return { state: s, machine: m, end: now };
}
