/**
 * Replays an execution of the axiomatic model (axiomatic.ts) on the operational machine: a path of
 * machine transitions whose loads read what the execution's reads-from says, for a witness that
 * shows *when* each access took effect where (render.ts draws it). Depth-first, states
 * deduplicated, with the execution fixing the choices:
 *   - a load of thread T from cell C (a location, or a segment of a mixed one: mixed.ts) commits
 *     the value of the k-th read of C in T's path (k counted along the replay: one thread's
 *     accesses to one cell commit in program order), from a write of the same CPU and instruction
 *     (or the initial value); a satisfy must match, in every cell it reads, one of T's reads of
 *     that cell not yet committed;
 *   - a write reaches T only once T has committed every read of its cell that reads a
 *     coherence-earlier write (else T could only read it or later), in every cell it writes;
 *   - no stwcx. fails and no load restarts (the execution has neither);
 * and ends in a final state `accept` takes. Internal steps are taken first, then loads, then
 * commits, propagations last (a write reaches a CPU as late as the execution allows).
 */
import type { Execution } from './axiomatic';
import { ModelBoundError } from './bounds';
import { reducer } from './explore';
import { type Entry, Machine, type MachineEvent, type MachineState, type Transition } from './machine';
import { sameLayout } from './mixed';
import { Op, type Program } from './program';
import { coBefore } from './storage';

interface ReadSpec {
  pc: number;
  /** The value read in its cell (a segment's bytes, for a mixed location). */
  value: number;
  /** Writer (thread, pc), or −1, −1 for the initial value. */
  srcThread: number;
  srcPc: number;
  /** Coherence position of the write read (−1 initial). */
  coPos: number;
}

/** What a load read in one cell, as the machine has it. */
interface CellRead {
  cell: number;
  pc: number;
  value: number;
  srcThread: number;
  srcPc: number;
}

export const DEFAULT_REPLAY_STATES = 100_000;

export function replayExecution(prog: Program, x: Execution, accept: (s: MachineState, m: Machine) => boolean, maxStates = DEFAULT_REPLAY_STATES): { events: MachineEvent[]; state: MachineState } | null {
  const m = new Machine(prog);
  // Both models must cut the locations into the same cells (mixed.ts) for rf and co to carry over.
  if (!sameLayout(m.layout, x.cells.layout)) throw new ModelBoundError('replay: the machine and the execution split the mixed locations differently');
  const reduced = reducer(m);
  const nT = prog.threads.length;
  const nC = x.cells.init.length;
  // Per thread and cell: the reads in program order, and the writes' coherence positions in program order.
  const reads: ReadSpec[][][] = Array.from({ length: nT }, () => Array.from({ length: nC }, () => []));
  const writes: { pc: number; coPos: number }[][][] = Array.from({ length: nT }, () => Array.from({ length: nC }, () => []));
  const coPos = new Map<number, number>();
  x.co.forEach((order) => order.forEach((w, i) => coPos.set(w, i)));
  x.events.forEach((e, i) => {
    if (e.write) {
      writes[e.thread][e.cell].push({ pc: e.pc, coPos: coPos.get(i)! });
      return;
    }
    const w = x.rf[i];
    reads[e.thread][e.cell].push({ pc: e.pc, value: x.values[i], srcThread: w < 0 ? -1 : x.events[w].thread, srcPc: w < 0 ? -1 : x.events[w].pc, coPos: w < 0 ? -1 : coPos.get(w)! });
  });
  const code = (t: number, pc: number) => prog.threads[t].code[pc];
  /** The cells a load in flight accesses (where it was satisfied, or its named location), or none while unknown. */
  const cellsOfLoad = (t: number, f: Entry): readonly number[] => {
    const ins = code(t, f.pc);
    if (ins.op !== Op.Load) return [];
    if (f.loc >= 0) return m.piecesOf(f.loc, f.off, ins.size).map((p) => p.cell);
    const a = ins.addr!;
    return a.base < 0 && a.index < 0 ? m.piecesOf(a.loc, a.offset, ins.size).map((p) => p.cell) : [];
  };
  const committed = Array.from({ length: nT }, () => new Array<number>(nC).fill(0));
  const seen = new Set<string>();

  /** Per cell, what the load in `s`'s window with fetch number `seq` read (value, writer). */
  const sourcesOf = (s: MachineState, t: number, seq: number): CellRead[] | null => {
    const th = s.threads[t];
    const entry = th.window.find((f) => f.seq === seq);
    if (!entry || !entry.done) return null;
    const size = code(t, entry.pc).size;
    return m.piecesOf(entry.loc, entry.off, size).map((p, i) => {
      const src = m.srcIn(entry, size, p.cell);
      const value = m.pieceOfValue(entry.value, entry.loc, size, p);
      if (src >= 0) {
        const w = s.storage.writes[src];
        return { cell: p.cell, pc: entry.pc, value, srcThread: w.thread, srcPc: w.pc };
      }
      if (src === -2) {
        const fwd = entry.srcs ? entry.fwds![i] : entry.fwd;
        return { cell: p.cell, pc: entry.pc, value, srcThread: t, srcPc: th.window.find((f) => f.seq === fwd)?.pc ?? -1 };
      }
      return { cell: p.cell, pc: entry.pc, value, srcThread: -1, srcPc: -1 };
    });
  };
  const matches = (r: ReadSpec, src: CellRead): boolean => r.pc === src.pc && r.value === src.value && r.srcThread === src.srcThread && r.srcPc === src.srcPc;
  /** The execution's coherence position of machine write record `id` (its thread's k-th write to the cell). */
  const posOf = (s: MachineState, id: number): number | undefined => {
    const w = s.storage.writes[id];
    let occ = 0;
    for (let i = 0; i < id; i++) if (s.storage.writes[i].thread === w.thread && s.storage.writes[i].cell === w.cell) occ++;
    const spec = writes[w.thread][w.cell][occ];
    return spec && spec.pc === w.pc ? spec.coPos : undefined;
  };
  /** The records of the store whose first record is `id` (one per cell). */
  const recordsOf = (s: MachineState, id: number): number[] => Array.from({ length: s.storage.writes[id].parts }, (_, i) => id + i);

  /** May record `id` reach thread `to` now, as the execution orders it? */
  const mayReach = (from: MachineState, id: number, to: number): boolean => {
    const w = from.storage.writes[id];
    const pos = posOf(from, id);
    if (pos === undefined) return false;
    const seenThere = from.storage.view[to][w.cell];
    // Unordered with what the CPU has seen, it goes coherence-after that: only if the execution says so.
    if (seenThere >= 0 && !coBefore(from.storage, id, seenThere) && !(posOf(from, seenThere)! < pos)) return false;
    // Nor before the CPU has committed its own writes of the cell that are coherence-earlier (they would go after it).
    let own = 0;
    for (const v of from.storage.writes) if (v.thread === to && v.cell === w.cell) own++;
    if (writes[to][w.cell].slice(own).some((y) => y.coPos < pos)) return false;
    return !reads[to][w.cell].slice(committed[to][w.cell]).some((r) => r.coPos < pos);
  };

  /** Whether `tr` keeps to the execution; loads committed by it are counted in `done` (thread, cell). */
  const allowed = (from: MachineState, tr: Transition, to: MachineState, events: readonly MachineEvent[], done: [number, number][]): boolean => {
    if (events.some((e) => e.kind === 'restart')) return false;
    if (tr.kind === 'propagate') {
      // Every record it brings there (one superseded there stays behind and reaches nothing).
      const bit = 1 << tr.to;
      return recordsOf(from, tr.write).every((id) => (to.storage.writes[id].seen & bit) === 0 || mayReach(from, id, tr.to));
    }
    if (tr.kind === 'satisfy') {
      const entry = from.threads[tr.thread].window[tr.index];
      if (code(tr.thread, entry.pc).op !== Op.Load) return true;
      const srcs = sourcesOf(to, tr.thread, entry.seq);
      if (!srcs) return true;
      // Its place among the thread's reads of each cell: those committed, then the older ones in flight.
      const win = from.threads[tr.thread].window;
      return srcs.every((src) => {
        let k = committed[tr.thread][src.cell];
        for (let i = 0; i < tr.index; i++) if (!win[i].committed && cellsOfLoad(tr.thread, win[i]).includes(src.cell)) k++;
        const r = reads[tr.thread][src.cell][k];
        return r !== undefined && matches(r, src);
      });
    }
    if (tr.kind !== 'commit') return true;
    if (tr.success === false) return false;
    const entry = from.threads[tr.thread].window[tr.index];
    const op = code(tr.thread, entry.pc).op;
    if (op === Op.Store) {
      // Each record the k-th write of its cell by its thread, coherence-after what its thread had seen there.
      for (let id = from.storage.writes.length; id < to.storage.writes.length; id++) {
        const pos = posOf(to, id);
        if (pos === undefined) return false;
        const before = from.storage.view[tr.thread][to.storage.writes[id].cell];
        if (before >= 0 && !(posOf(from, before)! < pos)) return false;
      }
      return true;
    }
    if (op !== Op.Load) return true;
    for (const src of sourcesOf(from, tr.thread, entry.seq)!) {
      const r = reads[tr.thread][src.cell][committed[tr.thread][src.cell]];
      if (!r || !matches(r, src)) return false;
      done.push([tr.thread, src.cell]);
    }
    return true;
  };

  /** Internal steps alone, then commits, loads, writes a CPU reads next, barriers, fetches, other writes. */
  const rank = (s: MachineState, tr: Transition): number => {
    if (m.isInternal(s, tr)) return 0;
    if (tr.kind === 'commit') return 1;
    if (tr.kind === 'satisfy') return 2;
    if (tr.kind === 'propagate') {
      const readNext = recordsOf(s, tr.write).some((id) => {
        const cell = s.storage.writes[id].cell;
        const next = reads[tr.to][cell][committed[tr.to][cell]];
        return next && next.coPos === posOf(s, id);
      });
      return readNext ? 3 : 6;
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
