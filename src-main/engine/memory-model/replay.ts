/**
 * Replays an execution of the axiomatic model (axiomatic.ts) on the operational machine: a path of
 * machine transitions whose loads read what the execution's reads-from says, for a witness that
 * shows *when* each access took effect where (render.ts draws it). Depth-first, states
 * deduplicated, with the execution fixing the choices:
 *   - a load of thread T from location L commits the value of the k-th read of L in T's path (k
 *     counted along the replay: one thread's accesses to one location commit in program order),
 *     from a write of the same CPU and instruction (or the initial value); a satisfy must match
 *     one of T's reads of L not yet committed;
 *   - a write reaches T only once T has committed every read of its location that reads a
 *     coherence-earlier write (else T could only read it or later);
 *   - no stwcx. fails and no load restarts (the execution has neither);
 * and ends in a final state `accept` takes. Internal steps are taken first, then loads, then
 * commits, propagations last (a write reaches a CPU as late as the execution allows).
 */
import type { Execution } from './axiomatic';
import { ModelBoundError } from './bounds';
import { reducer } from './explore';
import { Machine, type MachineEvent, type MachineState, type Transition } from './machine';
import { Op, type Program } from './program';
import { coBefore } from './storage';

interface ReadSpec {
  pc: number;
  value: number;
  /** Writer (thread, pc), or −1, −1 for the initial value. */
  srcThread: number;
  srcPc: number;
  /** Coherence position of the write read (−1 initial). */
  coPos: number;
}

export const DEFAULT_REPLAY_STATES = 100_000;

export function replayExecution(prog: Program, x: Execution, accept: (s: MachineState, m: Machine) => boolean, maxStates = DEFAULT_REPLAY_STATES): { events: MachineEvent[]; state: MachineState } | null {
  const m = new Machine(prog);
  const reduced = reducer(m);
  const nT = prog.threads.length;
  const nL = prog.locs.length;
  // Per thread and location: the reads in program order; per thread and location: the writes' coherence positions in program order.
  const reads: ReadSpec[][][] = Array.from({ length: nT }, () => Array.from({ length: nL }, () => []));
  const writes: { pc: number; coPos: number }[][][] = Array.from({ length: nT }, () => Array.from({ length: nL }, () => []));
  const coPos = new Map<number, number>();
  x.co.forEach((order) => order.forEach((w, i) => coPos.set(w, i)));
  x.events.forEach((e, i) => {
    if (e.write) {
      writes[e.thread][e.loc].push({ pc: e.pc, coPos: coPos.get(i)! });
      return;
    }
    const w = x.rf[i];
    reads[e.thread][e.loc].push({ pc: e.pc, value: x.values[i], srcThread: w < 0 ? -1 : x.events[w].thread, srcPc: w < 0 ? -1 : x.events[w].pc, coPos: w < 0 ? -1 : coPos.get(w)! });
  });
  /** The location a load accesses (its named one when it has no address register), or −1. */
  const locOf = (t: number, pc: number, loc: number): number => {
    const ins = prog.threads[t].code[pc];
    if (ins.op !== Op.Load) return -1;
    return loc >= 0 ? loc : ins.addr!.base < 0 && ins.addr!.index < 0 ? ins.addr!.loc : -1;
  };
  const committed = Array.from({ length: nT }, () => new Array<number>(nL).fill(0));
  const seen = new Set<string>();

  /** The (thread, pc, value, source) of the load in `s`'s window with fetch number `seq`. */
  const sourceOf = (s: MachineState, t: number, seq: number): { pc: number; value: number; srcThread: number; srcPc: number } | null => {
    const th = s.threads[t];
    const entry = th.window.find((f) => f.seq === seq);
    if (!entry) return null;
    if (entry.src >= 0) {
      const w = s.storage.writes[entry.src];
      return { pc: entry.pc, value: entry.value, srcThread: w.thread, srcPc: w.pc };
    }
    if (entry.src === -2) return { pc: entry.pc, value: entry.value, srcThread: t, srcPc: th.window.find((f) => f.seq === entry.fwd)?.pc ?? -1 };
    return { pc: entry.pc, value: entry.value, srcThread: -1, srcPc: -1 };
  };
  const matches = (r: ReadSpec, src: { pc: number; value: number; srcThread: number; srcPc: number }): boolean =>
    r.pc === src.pc && r.value === src.value && r.srcThread === src.srcThread && r.srcPc === src.srcPc;
  /** The execution's coherence position of machine write `id` (its thread's k-th write to the location). */
  const posOf = (s: MachineState, id: number): number | undefined => {
    const w = s.storage.writes[id];
    let occ = 0;
    for (let i = 0; i < id; i++) if (s.storage.writes[i].thread === w.thread && s.storage.writes[i].loc === w.loc) occ++;
    const spec = writes[w.thread][w.loc][occ];
    return spec && spec.pc === w.pc ? spec.coPos : undefined;
  };

  /** Whether `tr` keeps to the execution; loads committed by it are counted in `done` (thread, loc). */
  const allowed = (from: MachineState, tr: Transition, to: MachineState, events: readonly MachineEvent[], done: [number, number][]): boolean => {
    if (events.some((e) => e.kind === 'restart')) return false;
    if (tr.kind === 'propagate') {
      const w = from.storage.writes[tr.write];
      const pos = posOf(from, tr.write);
      if (pos === undefined) return false;
      const seenThere = from.storage.view[tr.to][w.loc];
      // Unordered with what the CPU has seen, it goes coherence-after that: only if the execution says so.
      if (seenThere >= 0 && !coBefore(from.storage, tr.write, seenThere) && !(posOf(from, seenThere)! < pos)) return false;
      // Nor before the CPU has committed its own writes of the location that are coherence-earlier (they would go after it).
      let own = 0;
      for (const v of from.storage.writes) if (v.thread === tr.to && v.loc === w.loc) own++;
      if (writes[tr.to][w.loc].slice(own).some((x) => x.coPos < pos)) return false;
      return !reads[tr.to][w.loc].slice(committed[tr.to][w.loc]).some((r) => r.coPos < pos);
    }
    if (tr.kind === 'satisfy') {
      const ins = prog.threads[tr.thread].code[from.threads[tr.thread].window[tr.index].pc];
      if (ins.op !== Op.Load) return true;
      const src = sourceOf(to, tr.thread, from.threads[tr.thread].window[tr.index].seq);
      const loc = events.find((e) => e.kind === 'satisfy')?.loc;
      if (!src || loc === undefined) return true;
      // Its place among the thread's reads of the location: those committed, then the older ones in flight.
      const win = from.threads[tr.thread].window;
      let k = committed[tr.thread][loc];
      for (let i = 0; i < tr.index; i++) if (!win[i].committed && locOf(tr.thread, win[i].pc, win[i].loc) === loc) k++;
      const r = reads[tr.thread][loc][k];
      return r !== undefined && matches(r, src);
    }
    if (tr.kind !== 'commit') return true;
    if (tr.success === false) return false;
    const entry = from.threads[tr.thread].window[tr.index];
    const op = prog.threads[tr.thread].code[entry.pc].op;
    if (op === Op.Store) {
      // The k-th write of its location by its thread, coherence-after what its thread had seen.
      const id = to.storage.writes.length - 1;
      const pos = posOf(to, id);
      if (pos === undefined) return false;
      const before = from.storage.view[tr.thread][to.storage.writes[id].loc];
      return before < 0 || posOf(from, before)! < pos;
    }
    if (op !== Op.Load) return true;
    const src = sourceOf(from, tr.thread, entry.seq)!;
    const r = reads[tr.thread][entry.loc][committed[tr.thread][entry.loc]];
    if (!r || !matches(r, src)) return false;
    done.push([tr.thread, entry.loc]);
    return true;
  };

  /** Internal steps, then commits and loads, barriers, writes a CPU reads next, fetches, other writes. */
  /** Internal steps alone, then commits, loads, writes a CPU reads next, barriers, fetches, other writes. */
  const rank = (s: MachineState, tr: Transition): number => {
    if (m.isInternal(s, tr)) return 0;
    if (tr.kind === 'commit') return 1;
    if (tr.kind === 'satisfy') return 2;
    if (tr.kind === 'propagate') {
      const w = s.storage.writes[tr.write];
      const next = reads[tr.to][w.loc][committed[tr.to][w.loc]];
      return next && next.coPos === posOf(s, tr.write) ? 3 : 6;
    }
    return tr.kind === 'propagate-barrier' ? 4 : 5;
  };

  const path: MachineEvent[][] = [];
  const dfs = (s: MachineState): MachineState | null => {
    const all = m.enabled(s);
    if (all.length === 0) return accept(s, m) ? s : null;
    const moves = reduced(s, all);
    const key = `${m.key(s)}#${committed.map((c) => c.join('.')).join('/')}`;
    if (seen.has(key)) return null;
    if (seen.size >= maxStates) throw new ModelBoundError(`replay: more than ${maxStates} machine states`);
    seen.add(key);
    const ordered = moves.map((tr) => ({ tr, r: rank(s, tr) })).sort((a, b) => a.r - b.r);
    const first = ordered[0].r === 0 ? ordered.slice(0, 1) : ordered;
    for (const { tr } of first) {
      const r = m.apply(s, tr);
      const done: [number, number][] = [];
      if (!allowed(s, tr, r.state, r.events, done)) continue;
      for (const [t, l] of done) committed[t][l]++;
      path.push(r.events);
      const end = dfs(r.state);
      if (end) return end;
      path.pop();
      for (const [t, l] of done) committed[t][l]--;
    }
    return null;
  };
  const start = m.start();
  path.push(start.events);
  const end = dfs(start.state);
  return end ? { events: path.flat(), state: end } : null;
}
