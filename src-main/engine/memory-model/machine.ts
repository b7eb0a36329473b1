/**
 * The operational POWER model: a step-by-step machine for the timed IPI episodes and the
 * exhaustive explorer, built as Sarkar et al.'s (PLDI 2011) thread and storage subsystems and
 * checked against the axiomatic model (axiomatic.ts) — see README.md for the rules and why both
 * exist.
 *
 * Thread subsystem. Each thread fetches its instructions in program order into a window
 * (following a *predicted* direction past a conditional branch it cannot resolve yet). A memory
 * access goes through two steps, as ppo.cat's "init" and "commit":
 *
 *   satisfy (loads)  — the value is read: forwarded from the latest po-earlier store to the same
 *                      location if that store is not committed yet, else from the thread's view
 *                      in the storage subsystem (storage.ts);
 *   commit           — loads: the value can no longer change; stores: the write enters storage;
 *                      sync/lwsync/eieio: the barrier enters storage; branches resolve.
 *
 * A step may happen only when these allow (E1 → E2 for E1 po-before E2):
 *   - a load is satisfied once its address is known, every po-earlier sync is acknowledged and
 *     every po-earlier lwsync and isync committed;
 *   - anything commits only after every po-earlier branch has resolved and the loads it tested
 *     committed (ctrl), every po-earlier access has a known address and those addresses' loads
 *     committed (addr;po), every po-earlier access to the same location committed (po-loc), the
 *     loads its own address and value came from committed (addr, data), po-earlier syncs are
 *     acknowledged and lwsync/eieio committed;
 *   - sync and lwsync commit after every po-earlier access, eieio after every po-earlier store,
 *     isync after every po-earlier branch (with its loads);
 *   - a stwcx. succeeds only if its lwarx's write is still the latest the thread sees and nothing
 *     is coherence-after it yet (then the two stay adjacent); it may always fail.
 * Loads satisfied out of order are restarted when that breaks coherence (an older load to the
 * same location read a newer write, a po-earlier store to it turns out to alias, a forwarding
 * store's value or a load's address changed); what used their values is restarted with them.
 *
 * The machine is pure: `enabled(state)` lists the transitions, `apply(state, t)` returns the next
 * state and what happened. Callers (the exhaustive explorer, the IPI episodes) decide which
 * transition happens when.
 */
import { ModelBoundError } from './bounds';
import { branchTaken, type CInstr, CR_NONE, Fence, Op, type Program } from './program';
import {
  acceptBarrier,
  acceptWrite,
  acknowledged,
  canPropagateBarrier,
  canPropagateStore,
  coBefore,
  initialStorage,
  orderedBefore,
  propagateBarrier,
  propagateStore,
  type Storage,
} from './storage';
import { liveness, type Liveness } from './liveness';
import { arith, decodeAddress } from './values';
import { type Cells, cellsOf, concat, type Layout, layoutOf, locationValues, partsOf, sliceOf } from './mixed';
import { addressesFromRegisters, namedAccesses, programPaths } from './paths';

/** One in-flight instruction. */
export interface Entry {
  pc: number;
  /** Fetch sequence number: program order across loop iterations. */
  seq: number;
  /** Loads: satisfied. Branches: resolved. Fences/stores: committed. */
  done: boolean;
  /** Loads/stores/fences: committed. */
  committed: boolean;
  /** Load: value read. Store: value written (at commit). Branch: 1 taken, 0 not taken. */
  value: number;
  /**
   * Load: write id read (−1 initial value) or −2 when forwarded; −3 when it covers several cells
   * of a mixed location (then `srcs`). stwcx.: 1 succeeded, 0 failed.
   */
  src: number;
  /** Load forwarded from the store with this seq, else −1. */
  fwd: number;
  /** A load of several cells: `src` and `fwd` per cell it covers, in address order; else null. */
  srcs: readonly number[] | null;
  fwds: readonly number[] | null;
  /** Location the access used when satisfied/committed, −1 if not yet. */
  loc: number;
  /** Its first byte in the location (0 unless the location is mixed). */
  off: number;
  /** Branch: direction the window was fetched along (1 taken, 0 not). */
  dir: number;
  /** Fence: barrier id in storage once committed. */
  barrier: number;
}

export interface ThreadState {
  /** Next instruction to fetch (code.length: none). */
  fetch: number;
  nextSeq: number;
  window: readonly Entry[];
  /** Architectural registers (after retired instructions). */
  regs: readonly number[];
  cr0: number;
  /** The reservation left by a retired lwarx: where it read and the write(s) it read, or null. */
  reservation: Reservation | null;
}

/** A lwarx's reservation: its access (location, first byte, size) and its `src` / `srcs` as in `Entry`. */
export interface Reservation {
  loc: number;
  off: number;
  size: number;
  src: number;
  srcs: readonly number[] | null;
}

/** One cell an access covers: `from`, `len` its bytes within the access. */
export interface Piece {
  cell: number;
  from: number;
  len: number;
}

interface Read {
  value: number;
  src: number;
  fwd: number;
  srcs: number[] | null;
  fwds: number[] | null;
}

export interface MachineState {
  threads: readonly ThreadState[];
  storage: Storage;
}

export type Transition =
  /** Fetch past a conditional branch, predicting its direction. */
  | { kind: 'fetch'; thread: number; taken: boolean }
  /** Satisfy the load at window index `index`. */
  | { kind: 'satisfy'; thread: number; index: number }
  /** Commit the load/store/fence at `index` (a stwcx. with `success`), or resolve the branch there. */
  | { kind: 'commit'; thread: number; index: number; success?: boolean }
  /** Propagate write `write` (or barrier `barrier`) to thread `to`. */
  | { kind: 'propagate'; write: number; to: number; thread: number }
  | { kind: 'propagate-barrier'; barrier: number; to: number; thread: number };

export interface MachineEvent {
  /** `retire`: a `note` instruction retired (so traces can place it). */
  kind: 'satisfy' | 'commit' | 'resolve' | 'propagate' | 'propagate-barrier' | 'restart' | 'squash' | 'fetch' | 'retire';
  thread: number;
  pc: number;
  seq: number;
  /** Value read, written, or branch taken (1/0). */
  value: number;
  /** propagate: the thread reached. */
  to?: number;
  /** satisfy, store commit, propagate: the location accessed. */
  loc?: number;
  /** Commit of a stwcx.: whether it stored. */
  success?: boolean;
}

/** Instructions in flight per thread at most (bounds speculation, e.g. round a spin loop). */
export const MAX_WINDOW = 24;
/** Unresolved predicted (forward) branches in flight per thread at most. */
export const MAX_SPECULATION = 3;


type RegRead = { ok: true; v: number } | { ok: false };

/** A copy of thread state `th` with `p` changed. */
function threadWith(th: ThreadState, p: Partial<ThreadState>): ThreadState {
  return {
    fetch: p.fetch ?? th.fetch,
    nextSeq: p.nextSeq ?? th.nextSeq,
    window: p.window ?? th.window,
    regs: p.regs ?? th.regs,
    cr0: p.cr0 ?? th.cr0,
    reservation: p.reservation !== undefined ? p.reservation : th.reservation,
  };
}

/** A copy of window entry `e` with `p` changed (an explicit literal: one hidden class for all entries). */
function entry(e: Entry, p: Partial<Entry>): Entry {
  return {
    pc: e.pc,
    seq: e.seq,
    done: p.done ?? e.done,
    committed: p.committed ?? e.committed,
    value: p.value ?? e.value,
    src: p.src ?? e.src,
    fwd: p.fwd ?? e.fwd,
    srcs: p.srcs !== undefined ? p.srcs : e.srcs,
    fwds: p.fwds !== undefined ? p.fwds : e.fwds,
    loc: p.loc ?? e.loc,
    off: p.off ?? e.off,
    dir: p.dir ?? e.dir,
    barrier: p.barrier ?? e.barrier,
  };
}
const NOT_READY: RegRead = { ok: false };

export class Machine {
  private readonly nThreads: number;

  /** Per thread: does its code branch backwards (a loop)? */
  private readonly loops: boolean[];

  /** Per thread, the registers still to be read at each pc (the key leaves dead ones out). */
  private readonly live: Liveness[];

  constructor(readonly prog: Program) {
    this.nThreads = prog.threads.length;
    this.live = prog.threads.map(liveness);
    this.loops = prog.threads.map((t) => t.code.some((c, pc) => c.op === Op.Branch && c.target <= pc));
    if (this.nThreads > 30) throw new ModelBoundError(`${this.nThreads} threads: the operational model handles at most 30`);
    this.layout = machineLayout(prog);
    this.cells = cellsOf(prog, this.layout);
  }

  /** Which locations are mixed, and their segments (mixed.ts): each segment is a cell of storage. */
  readonly layout: Layout;
  /** The cells: a location's first cell (`base`); each cell's location, bytes there (`start`, `len`) and initial value. */
  readonly cells: Cells;
  private readonly pieceCache = new Map<number, readonly Piece[]>();

  initial(): MachineState {
    return this.start().state;
  }

  start(): { state: MachineState; events: MachineEvent[] } {
    const threads = this.prog.threads.map(
      (t): ThreadState => ({ fetch: 0, nextSeq: 0, window: [], regs: t.init.slice(), cr0: CR_NONE, reservation: null }),
    );
    const events: MachineEvent[] = [];
    const s: MachineState = { threads, storage: initialStorage(this.nThreads, this.cells.init.length) };
    return { state: this.settle(s, events), events };
  }

  /** Everything that may happen next, in a fixed order (threads, then storage). */
  enabled(s: MachineState): Transition[] {
    const out: Transition[] = [];
    for (let t = 0; t < s.threads.length; t++) {
      const th = s.threads[t];
      const code = this.prog.threads[t].code;
      if (this.needsPrediction(th, t)) {
        out.push({ kind: 'fetch', thread: t, taken: false }, { kind: 'fetch', thread: t, taken: true });
      }
      for (let k = 0; k < th.window.length; k++) {
        const e = th.window[k];
        const ins = code[e.pc];
        if (ins.op === Op.Load) {
          if (!e.done && this.canSatisfy(s, t, k)) out.push({ kind: 'satisfy', thread: t, index: k });
          else if (e.done && !e.committed && this.canCommit(s, t, k)) out.push({ kind: 'commit', thread: t, index: k });
        } else if (ins.op === Op.Store) {
          if (!e.committed && this.canCommit(s, t, k)) {
            if (ins.atomic) {
              if (this.stwcxCanSucceed(s, t, k)) out.push({ kind: 'commit', thread: t, index: k, success: true });
              out.push({ kind: 'commit', thread: t, index: k, success: false });
            } else out.push({ kind: 'commit', thread: t, index: k });
          }
        } else if (ins.op === Op.Fence) {
          if (!e.committed && this.canCommitFence(s, t, k)) out.push({ kind: 'commit', thread: t, index: k });
        } else if (ins.op === Op.Branch && ins.mask !== 0 && !e.done) {
          if (this.cr0At(s, t, k).ok) out.push({ kind: 'commit', thread: t, index: k });
        }
      }
    }
    const st = s.storage;
    // A write or barrier that has reached every thread has nowhere left to go.
    const everywhere = (1 << this.nThreads) - 1;
    for (let i = 0; i < st.writes.length; i++) {
      const w = st.writes[i];
      // A store to several cells propagates as a whole, named by its first record.
      if (w.seen === everywhere || w.part !== 0) continue;
      for (let t = 0; t < this.nThreads; t++) if (canPropagateStore(st, i, t)) out.push({ kind: 'propagate', write: i, to: t, thread: w.thread });
    }
    for (let i = 0; i < st.barriers.length; i++) {
      const b = st.barriers[i];
      if (b.seen === everywhere) continue;
      for (let t = 0; t < this.nThreads; t++) if (canPropagateBarrier(st, i, t)) out.push({ kind: 'propagate-barrier', barrier: i, to: t, thread: b.thread });
    }
    return out;
  }

  apply(s: MachineState, tr: Transition): { state: MachineState; events: MachineEvent[] } {
    const events: MachineEvent[] = [];
    let next: MachineState;
    switch (tr.kind) {
      case 'fetch':
        return { state: this.settle(this.fetchBranch(s, tr.thread, tr.taken, events), events, tr.thread), events };
      case 'satisfy':
        return { state: this.settle(this.satisfy(s, tr.thread, tr.index, events), events, tr.thread), events };
      case 'commit': {
        // A committed store changes storage (views, coherence) other threads' loads depend on.
        const isStore = this.prog.threads[tr.thread].code[s.threads[tr.thread].window[tr.index].pc].op === Op.Store;
        next = this.commit(s, tr.thread, tr.index, tr.success, events);
        if (!isStore) return { state: this.settle(next, events, tr.thread), events };
        break;
      }
      case 'propagate': {
        const w = s.storage.writes[tr.write];
        events.push({ kind: 'propagate', thread: w.thread, pc: w.pc, seq: w.seq, value: this.storeValueOf(s.storage, tr.write), to: tr.to, loc: w.loc });
        next = { threads: s.threads, storage: propagateStore(s.storage, tr.write, tr.to) };
        break;
      }
      case 'propagate-barrier': {
        const b = s.storage.barriers[tr.barrier];
        events.push({ kind: 'propagate-barrier', thread: b.thread, pc: b.pc, seq: b.seq, value: 0, to: tr.to });
        // Only the barrier's own thread can be waiting for it (a sync's acknowledgement).
        return { state: this.settle({ threads: s.threads, storage: propagateBarrier(s.storage, tr.barrier, tr.to) }, events, b.thread), events };
      }
    }
    return { state: this.settle(next, events), events };
  }

  /**
   * Transitions that need not be interleaved in an exhaustive search: committing a satisfied
   * load, committing a fence, resolving a branch. Each only ever enables other transitions (a
   * committed load can no longer restart; an earlier barrier has a smaller group A; an earlier
   * resolution only squashes a wrong path sooner), so taking it as soon as it is enabled loses
   * no outcome. The timed episodes still schedule them like any other step.
   */
  isInternal(s: MachineState, tr: Transition): boolean {
    if (tr.kind !== 'commit') return false;
    const op = this.prog.threads[tr.thread].code[s.threads[tr.thread].window[tr.index].pc].op;
    return op === Op.Load || op === Op.Fence || op === Op.Branch;
  }

  /**
   * For a `commit` that resolves a conditional branch: will it go the taken way? (The `resolve`
   * event of `apply` says the same; this lets a timed driver choose the branch's delay first.)
   */
  branchTaken(s: MachineState, tr: Transition): boolean {
    if (tr.kind !== 'commit') throw new Error('branchTaken: not a commit');
    const ins = this.prog.threads[tr.thread].code[s.threads[tr.thread].window[tr.index].pc];
    if (ins.op !== Op.Branch) throw new Error('branchTaken: not a branch');
    const cr = this.cr0At(s, tr.thread, tr.index);
    if (!cr.ok) throw new Error('branchTaken: its condition is not known yet');
    return branchTaken(ins, cr.v);
  }

  /** Could thread t still commit a store or a fence (in flight, or in code it may still fetch)? */
  mayStoreOrFence(s: MachineState, t: number): boolean {
    return this.mayStill(s, t, (op) => op === Op.Store || op === Op.Fence);
  }

  /** Could thread t still satisfy a load? */
  mayLoad(s: MachineState, t: number): boolean {
    return this.mayStill(s, t, (op) => op === Op.Load);
  }

  /** Could thread t still commit a store to `loc` (a store whose address is not known yet counts)? */
  mayStoreTo(s: MachineState, t: number, loc: number): boolean {
    const code = this.prog.threads[t].code;
    const th = s.threads[t];
    for (let k = 0; k < th.window.length; k++) {
      const e = th.window[k];
      if (code[e.pc].op !== Op.Store || e.committed) continue;
      const l = this.locAt(s, t, k);
      if (l === loc || l < 0) return true;
    }
    return this.mayStill(s, t, (op, c) => op === Op.Store && (c.addr!.base >= 0 || c.addr!.index >= 0 || c.addr!.loc === loc), false);
  }

  private mayStill(s: MachineState, t: number, match: (op: Op, c: CInstr) => boolean, inWindow = true): boolean {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    if (inWindow) {
      for (const e of th.window) {
        const op = code[e.pc].op;
        if (match(op, code[e.pc]) && !(op === Op.Load ? e.done : e.committed)) return true;
      }
    }
    if (th.fetch === -1 || th.fetch < code.length) {
      // Code not fetched yet; a loop may reach anything, so look at all of it then.
      const from = this.loops[t] ? 0 : th.fetch === -1 ? 0 : th.fetch;
      for (let pc = from; pc < code.length; pc++) if (match(code[pc].op, code[pc])) return true;
    }
    return false;
  }

  /** True when nothing can happen any more. */
  isFinal(s: MachineState): boolean {
    return this.enabled(s).length === 0;
  }

  /** Has thread t run off the end of its code with nothing in flight? */
  finished(s: MachineState, t: number): boolean {
    const th = s.threads[t];
    return th.window.length === 0 && th.fetch >= this.prog.threads[t].code.length;
  }

  /** The value of register `name` of thread t (architectural; meaningful when the thread has retired everything). */
  register(s: MachineState, t: number, name: string): number {
    const r = this.prog.threads[t].regs.indexOf(name);
    return r < 0 ? 0 : s.threads[t].regs[r];
  }

  /** Final memory: the value of the coherence-last write to each location (the initial value if none), cell by cell for a mixed one. */
  memory(s: MachineState): number[] {
    const st = s.storage;
    const last = this.cells.init.map(() => -1);
    st.writes.forEach((w, i) => {
      if (last[w.cell] === -1 || st.writes[i].coBefore.includes(last[w.cell])) last[w.cell] = i;
    });
    return locationValues(this.cells, this.prog.locs, (c) => (last[c] === -1 ? this.cells.init[c] : st.writes[last[c]].value));
  }

  /** The value a store wrote, from its records (`w` its first): its cells' values composed for a mixed location. */
  private storeValueOf(st: Storage, w: number): number {
    const rec = st.writes[w];
    if (rec.parts === 1) return rec.value;
    const cells = st.writes.slice(w, w + rec.parts);
    return concat(
      cells.map((x) => x.value),
      cells.map((x) => this.cells.len[x.cell]),
      () => `a store to ${this.prog.locs[this.cells.loc[rec.cell]]}`,
    );
  }

  /**
   * A key equal for states that behave identically from here on. Writes and barriers are named
   * by their thread and the rank of their sequence number among that thread's live ones (storage
   * and window), not by accept order or the raw number: the machine compares sequence numbers
   * only for equality, so two states that differ only in how many instructions a squash or a
   * loop iteration used up are the same state. Of the storage it keeps what a future step reads:
   * each write's coherence predecessors, barrier-separated predecessors, and the barriers it still
   * waits for somewhere; each barrier's group A while it has somewhere left to go; and a thread's
   * `fenced` writes only while it may still accept a store of its own.
   */
  key(s: MachineState): string {
    const st = s.storage;
    const all = (1 << this.nThreads) - 1;
    const rank = s.threads.map((th, t) => {
      const seqs: number[] = [];
      for (const w of st.writes) if (w.thread === t) seqs.push(w.seq);
      for (const b of st.barriers) if (b.thread === t) seqs.push(b.seq);
      for (const e of th.window) seqs.push(e.seq);
      seqs.sort((x, y) => x - y);
      const m = new Map<number, number>();
      for (const q of seqs) if (!m.has(q)) m.set(q, m.size);
      return m;
    });
    const wName = st.writes.map((w) => `${w.thread}.${rank[w.thread].get(w.seq)}${w.parts > 1 ? `/${w.part}` : ''}`);
    const bName = st.barriers.map((b) => `${b.thread}.${rank[b.thread].get(b.seq)}`);
    const name = (w: number): string => (w < 0 ? String(w) : wName[w]);
    const names = (ids: readonly number[], of: string[]): string => ids.map((x) => of[x]).sort().join('-');
    const writes = st.writes.map((w, i) => {
      // A barrier before it matters only where it has still to go and the barrier has not.
      const waits = w.seen === all ? [] : w.barriersBefore.filter((b) => (~st.barriers[b].seen & ~w.seen & all) !== 0);
      return `${wName[i]}.${w.pc}.${w.cell}.${w.value}.${w.seen}.${names(w.coBefore, wName)}.${name(w.atomicAfter)}.${names(w.sepBefore, wName)}.${names(waits, bName)}`;
    });
    const barriers = st.barriers.map((b, i) => {
      const open = b.seen !== all;
      const gw = open ? b.groupWrites.filter((w) => st.writes[w].seen !== all) : [];
      const gb = open ? b.groupBarriers.filter((x) => st.barriers[x].seen !== all) : [];
      return `${bName[i]}.${b.pc}.${b.seen}.${names(gw, wName)}.${names(gb, bName)}`;
    });
    let k = writes.sort().join(';') + '|' + barriers.sort().join(';');
    for (let t = 0; t < this.nThreads; t++) k += '|' + (this.mayStill(s, t, (op) => op === Op.Store) ? names(st.fenced[t], wName) : '_');
    s.threads.forEach((th, t) => {
      // Registers are read from the oldest instruction in flight on (or the next to fetch).
      const n = this.prog.threads[t].code.length;
      const at = th.window.length > 0 ? th.window[0].pc : th.fetch < 0 ? n : Math.min(th.fetch, n);
      const live = this.live[t];
      const regs = th.regs.map((v, r) => (live.regs[at][r] ? v : '_')).join(',');
      const res = th.reservation;
      k += `#${th.fetch}|${regs}|${live.cr0[at] ? th.cr0 : '_'}|${res ? `${res.loc}:${res.off}:${res.srcs ? res.srcs.map(name).join(',') : name(res.src)}` : ''}|`;
      for (const e of th.window) {
        k += `${rank[t].get(e.seq)}.${e.pc}.${+e.done}${+e.committed}.${e.value}.${e.src < 0 ? e.src : name(e.src)}.${e.fwd < 0 ? -1 : rank[t].get(e.fwd)}.${e.loc}.${e.dir};`;
        if (e.srcs) k += `${e.off}:${e.srcs.map(name).join(',')}:${e.fwds!.map((f) => (f < 0 ? -1 : rank[t].get(f))).join(',')};`;
        else if (e.off !== 0) k += `${e.off};`;
      }
    });
    return k;
  }

  // ---- thread subsystem ----------------------------------------------------------------

  /** Does thread t stop at a branch it has to predict before fetching further? */
  private needsPrediction(th: ThreadState, t: number): boolean {
    const last = th.window[th.window.length - 1];
    if (!last || th.fetch !== -1) return false;
    const code = this.prog.threads[t].code;
    if (code[last.pc].op !== Op.Branch) return false;
    // Bound speculation: at most MAX_SPECULATION unresolved predicted branches in flight.
    let open = 0;
    for (const e of th.window) if (code[e.pc].op === Op.Branch && e.dir !== -1 && !e.done) open++;
    return open < MAX_SPECULATION;
  }

  private fetchBranch(s: MachineState, t: number, taken: boolean, events: MachineEvent[]): MachineState {
    const th = s.threads[t];
    const last = th.window[th.window.length - 1];
    const ins = this.prog.threads[t].code[last.pc];
    const window = th.window.slice();
    window[window.length - 1] = entry(last, { dir: taken ? 1 : 0 });
    events.push({ kind: 'fetch', thread: t, pc: last.pc, seq: last.seq, value: taken ? 1 : 0 });
    return this.withThread(s, t, threadWith(th, { window, fetch: taken ? ins.target : last.pc + 1 }));
  }

  /** Value of register r as instruction at window index k sees it. */
  private regAt(s: MachineState, t: number, k: number, r: number): RegRead {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    for (let j = k - 1; j >= 0; j--) {
      const e = th.window[j];
      const ins = code[e.pc];
      if (ins.rd !== r || (ins.op !== Op.Li && ins.op !== Op.Mr && ins.op !== Op.Arith && ins.op !== Op.Load)) continue;
      return this.resultOf(s, t, j);
    }
    return { ok: true, v: th.regs[r] };
  }

  /** The value an in-flight Li/Mr/Arith/Load produces, if known. */
  private resultOf(s: MachineState, t: number, j: number): RegRead {
    const e = s.threads[t].window[j];
    const ins = this.prog.threads[t].code[e.pc];
    switch (ins.op) {
      case Op.Li:
        return { ok: true, v: ins.imm };
      case Op.Mr:
        return this.regAt(s, t, j, ins.ra);
      case Op.Arith: {
        const a = this.regAt(s, t, j, ins.ra);
        if (!a.ok) return a;
        if (ins.rb < 0) return { ok: true, v: arith(ins.fn, a.v, ins.imm) };
        const b = this.regAt(s, t, j, ins.rb);
        return b.ok ? { ok: true, v: arith(ins.fn, a.v, b.v) } : b;
      }
      case Op.Load:
        return e.done ? { ok: true, v: e.value } : NOT_READY;
      default:
        return NOT_READY;
    }
  }

  /** cr0 as the instruction at window index k sees it. */
  private cr0At(s: MachineState, t: number, k: number): RegRead {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    for (let j = k - 1; j >= 0; j--) {
      const e = th.window[j];
      const ins = code[e.pc];
      if (ins.op === Op.Cmp) {
        const a = this.regAt(s, t, j, ins.ra);
        if (!a.ok) return a;
        const b = ins.rb >= 0 ? this.regAt(s, t, j, ins.rb) : { ok: true as const, v: ins.imm };
        return b.ok ? { ok: true, v: Math.sign(a.v - b.v) } : b;
      }
      if (ins.op === Op.Arith && ins.setsCr0) {
        const r = this.resultOf(s, t, j);
        return r.ok ? { ok: true, v: Math.sign(r.v) } : r;
      }
      if (ins.op === Op.Store && ins.atomic) return e.committed ? { ok: true, v: e.src === 1 ? 0 : CR_NONE } : NOT_READY;
    }
    return { ok: true, v: th.cr0 };
  }

  /** Location accessed by the load/store at window index k, or −1 while its address is unknown. */
  private locAt(s: MachineState, t: number, k: number): number {
    return this.addrAt(s, t, k) >> 3;
  }

  /**
   * Where the load/store at window index k accesses: 8 × its location + its first byte there
   * (a location is at most 8 bytes wide), or −1 while its address is unknown.
   */
  private addrAt(s: MachineState, t: number, k: number): number {
    const ins = this.prog.threads[t].code[s.threads[t].window[k].pc];
    const a = ins.addr!;
    // A plain named location (the common case): no address arithmetic to check.
    if (a.base < 0 && a.index < 0 && a.offset === 0 && a.loc >= 0 && a.loc < this.prog.locs.length) return a.loc * 8;
    let base: number;
    if (a.base >= 0) {
      const b = this.regAt(s, t, k, a.base);
      if (!b.ok) return -1;
      base = b.v;
    } else base = (a.loc + 1) * 2 ** 32;
    let index = a.offset;
    if (a.index >= 0) {
      const x = this.regAt(s, t, k, a.index);
      if (!x.ok) return -1;
      index = x.v;
    }
    const d = decodeAddress(base + index);
    const at = `thread ${this.prog.threads[t].name}, instruction ${s.threads[t].window[k].pc + 1}`;
    if (!d || d.loc >= this.prog.locs.length) throw new ModelBoundError(`${at}: address ${base + index} is not a location`);
    if (d.offset < 0 || d.offset + ins.size > this.layout.width[d.loc] || this.piecesOf(d.loc, d.offset, ins.size).length === 0) {
      throw new ModelBoundError(`${at}: a ${ins.size}-byte access at ${this.prog.locs[d.loc]}${d.offset ? `+${d.offset}` : ''} does not fit the location's layout (${this.layout.width[d.loc]} bytes)`);
    }
    return d.loc * 8 + d.offset;
  }

  /**
   * The cells an access of `size` bytes at byte `off` of `loc` covers, in address order (one for
   * a location that is not mixed). An access that straddles a segment the layout did not foresee
   * is refused: the layout comes from every access the program's paths can make (machineLayout).
   */
  piecesOf(loc: number, off: number, size: number): readonly Piece[] {
    const key = (loc * 8 + off) * 16 + size;
    let out = this.pieceCache.get(key);
    if (out) return out;
    const name = `a ${size}-byte access at ${this.prog.locs[loc]}${off ? `+${off}` : ''}`;
    if (!this.layout.mixed[loc]) {
      if (off !== 0 || (this.prog.sizes[loc] !== undefined && size !== this.layout.width[loc])) throw new ModelBoundError(`${name}: the location was not found to be accessed with mixed sizes`);
      out = [{ cell: this.cells.base[loc], from: 0, len: size }];
    } else {
      const parts = partsOf(this.layout, loc, off, size);
      if (parts.reduce((n, p) => n + p.len, 0) !== size) throw new ModelBoundError(`${name} straddles a segment of the location the machine was not built with`);
      out = parts.map((p) => ({ cell: this.cells.base[loc] + p.index, from: p.from, len: p.len }));
    }
    this.pieceCache.set(key, out);
    return out;
  }

  /** Does an access of `size` bytes at `addr` (addrAt) cover `cell`? */
  private covers(addr: number, size: number, cell: number): boolean {
    const off = addr & 7;
    return addr >> 3 === this.cells.loc[cell] && this.cells.start[cell] >= off && this.cells.start[cell] < off + size;
  }

  /** Do two accesses (addrAt, size) share a byte? */
  private static overlap(a: number, sa: number, b: number, sb: number): boolean {
    return a >> 3 === b >> 3 && (a & 7) < (b & 7) + sb && (b & 7) < (a & 7) + sa;
  }

  /** The part of `value`, stored by an access of `size` bytes at `addr`, that lands in `cell` (the whole value unless the location is mixed). */
  private sliceFor(value: number, addr: number, size: number, cell: number): number {
    if (!this.layout.mixed[addr >> 3]) return value;
    return sliceOf(value, size, this.cells.start[cell] - (addr & 7), this.cells.len[cell]);
  }

  /** The part of a load's value (`size` bytes) read from the piece `p`. */
  pieceOfValue(value: number, loc: number, size: number, p: Piece): number {
    return this.layout.mixed[loc] ? sliceOf(value, size, p.from, p.len) : value;
  }

  /**
   * What the load at k (accessing `addr`) reads now, cell by cell: forwarded from the po-latest
   * earlier store covering the cell if that is not committed yet, else the coherence-latest write
   * to the cell its thread sees; null while a forwarding store's value is unknown.
   */
  private readAt(s: MachineState, t: number, k: number, addr: number): Read | null {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    const loc = addr >> 3;
    const size = code[th.window[k].pc].size;
    const pieces = this.piecesOf(loc, addr & 7, size);
    if (!this.layout.mixed[loc]) {
      // One cell, the whole location (every single-size program): no slicing, nothing to compose.
      const cell = pieces[0].cell;
      const j = this.forwardingStore(s, t, k, cell);
      if (j >= 0) {
        const v = this.storeValue(s, t, j);
        return v.ok ? { value: v.v, src: -2, fwd: th.window[j].seq, srcs: null, fwds: null } : null;
      }
      const w = s.storage.view[t][cell];
      return { value: w === -1 ? this.cells.init[cell] : s.storage.writes[w].value, src: w, fwd: -1, srcs: null, fwds: null };
    }
    const vals: number[] = [];
    const srcs: number[] = [];
    const fwds: number[] = [];
    for (const p of pieces) {
      const j = this.forwardingStore(s, t, k, p.cell);
      if (j >= 0) {
        const v = this.storeValue(s, t, j);
        if (!v.ok) return null;
        vals.push(this.sliceFor(v.v, this.addrAt(s, t, j), code[th.window[j].pc].size, p.cell));
        srcs.push(-2);
        fwds.push(th.window[j].seq);
      } else {
        const w = s.storage.view[t][p.cell];
        vals.push(w === -1 ? this.cells.init[p.cell] : s.storage.writes[w].value);
        srcs.push(w);
        fwds.push(-1);
      }
    }
    const value = concat(
      vals,
      pieces.map((p) => p.len),
      () => `a ${size}-byte read of ${this.prog.locs[loc]}`,
    );
    return pieces.length === 1 ? { value, src: srcs[0], fwd: fwds[0], srcs: null, fwds: null } : { value, src: -3, fwd: -1, srcs, fwds };
  }

  // Sets of window indices are bitmasks (bit j: index j), allocation-free: a window holds at most MAX_WINDOW < 32 entries.

  /** In-flight loads (window indices, as a bitmask) whose values flow into register r as index k sees it. */
  private loadSources(s: MachineState, t: number, k: number, r: number): number {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    for (let j = k - 1; j >= 0; j--) {
      const ins = code[th.window[j].pc];
      if (ins.rd !== r || (ins.op !== Op.Li && ins.op !== Op.Mr && ins.op !== Op.Arith && ins.op !== Op.Load)) continue;
      if (ins.op === Op.Load) return 1 << j;
      if (ins.op === Op.Mr) return this.loadSources(s, t, j, ins.ra);
      if (ins.op === Op.Arith) return this.loadSources(s, t, j, ins.ra) | (ins.rb >= 0 ? this.loadSources(s, t, j, ins.rb) : 0);
      return 0;
    }
    return 0;
  }

  /** In-flight loads (bitmask) that cr0 depends on as index k sees it. */
  private cr0Sources(s: MachineState, t: number, k: number): number {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    for (let j = k - 1; j >= 0; j--) {
      const ins = code[th.window[j].pc];
      if (ins.op === Op.Cmp || (ins.op === Op.Arith && ins.setsCr0)) return this.loadSources(s, t, j, ins.ra) | (ins.rb >= 0 ? this.loadSources(s, t, j, ins.rb) : 0);
      if (ins.op === Op.Store && ins.atomic) return 0;
    }
    return 0;
  }

  /** In-flight loads (bitmask) the address of the access at index k depends on. */
  private addressSources(s: MachineState, t: number, k: number): number {
    const a = this.prog.threads[t].code[s.threads[t].window[k].pc].addr!;
    return (a.base >= 0 ? this.loadSources(s, t, k, a.base) : 0) | (a.index >= 0 ? this.loadSources(s, t, k, a.index) : 0);
  }

  private allCommitted(s: MachineState, t: number, mask: number): boolean {
    const w = s.threads[t].window;
    for (let m = mask; m !== 0; m &= m - 1) if (!w[31 - Math.clz32(m & -m)].committed) return false;
    return true;
  }

  /** Is the branch at index j resolved, with the loads it tested committed? */
  private branchCommitted(s: MachineState, t: number, j: number): boolean {
    const e = s.threads[t].window[j];
    const ins = this.prog.threads[t].code[e.pc];
    if (ins.mask === 0) return true;
    if (!e.done) return false;
    return this.allCommitted(s, t, this.cr0Sources(s, t, j));
  }

  private canSatisfy(s: MachineState, t: number, k: number): boolean {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    for (let j = 0; j < k; j++) {
      const e = th.window[j];
      const ins = code[e.pc];
      if (ins.op !== Op.Fence) continue;
      if (ins.fence === Fence.Sync && !(e.committed && acknowledged(s.storage, e.barrier, this.nThreads))) return false;
      if ((ins.fence === Fence.Lwsync || ins.fence === Fence.Isync) && !e.committed) return false;
    }
    const addr = this.addrAt(s, t, k);
    if (addr < 0) return false;
    const r = this.readAt(s, t, k, addr);
    // A waiting load (an interrupt, a doorbell) takes no zero: it waits for a write.
    return r !== null && (!code[th.window[k].pc].wait || r.value !== 0);
  }

  /**
   * The po-latest earlier store covering `cell` in the window if it is not committed yet (the load
   * must forward from it), else −1 (read from storage).
   */
  private forwardingStore(s: MachineState, t: number, k: number, cell: number): number {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    for (let j = k - 1; j >= 0; j--) {
      const e = th.window[j];
      const ins = code[e.pc];
      if (ins.op !== Op.Store) continue;
      if (ins.atomic && e.committed && e.src !== 1) continue; // a failed stwcx. wrote nothing
      const a = e.committed ? e.loc * 8 + e.off : this.addrAt(s, t, j);
      if (a < 0 || !this.covers(a, ins.size, cell)) continue;
      return e.committed ? -1 : j;
    }
    return -1;
  }

  private storeValue(s: MachineState, t: number, j: number): RegRead {
    const ins = this.prog.threads[t].code[s.threads[t].window[j].pc];
    return ins.ra >= 0 ? this.regAt(s, t, j, ins.ra) : { ok: true, v: ins.imm };
  }

  private satisfy(s: MachineState, t: number, k: number, events: MachineEvent[]): MachineState {
    const th = s.threads[t];
    const e = th.window[k];
    const addr = this.addrAt(s, t, k);
    const r = this.readAt(s, t, k, addr)!;
    const loc = addr >> 3;
    const window = th.window.slice();
    window[k] = entry(e, { done: true, value: r.value, src: r.src, fwd: r.fwd, srcs: r.srcs, fwds: r.fwds, loc, off: addr & 7 });
    events.push({ kind: 'satisfy', thread: t, pc: e.pc, seq: e.seq, value: r.value, loc });
    return this.withThread(s, t, threadWith(th, { window }));
  }

  private canCommit(s: MachineState, t: number, k: number): boolean {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    const me = th.window[k];
    const ins = code[me.pc];
    const addr = ins.op === Op.Load ? me.loc * 8 + me.off : this.addrAt(s, t, k);
    if (addr < 0) return false;
    if (ins.op === Op.Store && !this.storeValue(s, t, k).ok) return false;
    for (let j = 0; j < k; j++) {
      const e = th.window[j];
      const c = code[e.pc];
      switch (c.op) {
        case Op.Branch:
          if (!this.branchCommitted(s, t, j)) return false;
          break;
        case Op.Fence:
          if (c.fence === Fence.Sync && !(e.committed && acknowledged(s.storage, e.barrier, this.nThreads))) return false;
          if (c.fence !== Fence.Sync && !e.committed) return false;
          break;
        case Op.Load:
        case Op.Store: {
          const a = e.committed || (c.op === Op.Load && e.done) ? e.loc * 8 + e.off : this.addrAt(s, t, j);
          if (a < 0) return false;
          if (!e.committed && Machine.overlap(a, c.size, addr, ins.size)) return false;
          if (!this.allCommitted(s, t, this.addressSources(s, t, j))) return false;
          break;
        }
        default:
          break;
      }
    }
    return this.allCommitted(s, t, this.addressSources(s, t, k) | (ins.op === Op.Store && ins.ra >= 0 ? this.loadSources(s, t, k, ins.ra) : 0));
  }

  private canCommitFence(s: MachineState, t: number, k: number): boolean {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    const kind = code[th.window[k].pc].fence;
    for (let j = 0; j < k; j++) {
      const e = th.window[j];
      const c = code[e.pc];
      if (c.op === Op.Branch) {
        if (!this.branchCommitted(s, t, j)) return false;
      } else if (c.op === Op.Fence) {
        if (!e.committed) return false;
      } else if (kind === Fence.Isync) {
        continue;
      } else if (c.op === Op.Store || (c.op === Op.Load && kind !== Fence.Eieio)) {
        if (!e.committed) return false;
      }
    }
    return true;
  }

  /**
   * A stwcx. may succeed if, in every cell it shares with its lwarx, the lwarx's write is still the
   * latest the thread sees and has no coherence successor it could not go before.
   */
  private stwcxCanSucceed(s: MachineState, t: number, k: number): boolean {
    const res = this.reservationAt(s, t, k);
    if (!res) return false;
    const addr = this.addrAt(s, t, k);
    if (addr >> 3 !== res.loc) return false;
    const st = s.storage;
    const reserved = this.piecesOf(res.loc, res.off, res.size);
    for (const p of this.piecesOf(res.loc, addr & 7, this.prog.threads[t].code[s.threads[t].window[k].pc].size)) {
      const r = reserved.findIndex((q) => q.cell === p.cell);
      if (r < 0) continue; // ppc.cat's atomicity relates the events of one cell only
      const src = res.srcs ? res.srcs[r] : res.src;
      if (src === -2 || st.view[t][p.cell] !== src) return false;
      // Its write goes immediately coherence-after the lwarx's source, every write ordered after the
      // source after it (storage.ts closeAtomic): possible unless one of those is already ordered
      // before it — before what this thread has seen there, or before a write barrier-separated
      // before it. (ppc.cat's atomicity forbids only another CPU's write between the two. A write
      // another CPU has committed but that has not reached this one is not ordered with it yet: after
      // a lwarx of the initial value the stwcx. may still succeed, its write coherence-first.)
      const before = orderedBefore(st, [...(src >= 0 ? [src] : []), ...st.fenced[t]]);
      for (let i = 0; i < st.writes.length; i++) {
        const w = st.writes[i];
        if (i === src || w.cell !== p.cell) continue;
        // Nor when another stwcx. already went right after the same source.
        if (w.atomicAfter === src || (coBefore(st, src, i) && before.has(i))) return false;
      }
    }
    return true;
  }

  /** The reservation as the instruction at k sees it: the latest lwarx (if no stwcx. since). */
  private reservationAt(s: MachineState, t: number, k: number): Reservation | null {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    for (let j = k - 1; j >= 0; j--) {
      const e = th.window[j];
      const ins = code[e.pc];
      if (ins.op === Op.Store && ins.atomic) return null;
      if (ins.op === Op.Load && ins.atomic) return e.committed ? { loc: e.loc, off: e.off, size: ins.size, src: e.src, srcs: e.srcs } : null;
    }
    return th.reservation;
  }

  private commit(s: MachineState, t: number, k: number, success: boolean | undefined, events: MachineEvent[]): MachineState {
    const th = s.threads[t];
    const e = th.window[k];
    const ins = this.prog.threads[t].code[e.pc];
    const window = th.window.slice();
    let storage = s.storage;
    let fetch = th.fetch;
    switch (ins.op) {
      case Op.Load:
        window[k] = entry(e, { committed: true });
        events.push({ kind: 'commit', thread: t, pc: e.pc, seq: e.seq, value: e.value });
        break;
      case Op.Store: {
        const addr = this.addrAt(s, t, k);
        const loc = addr >> 3;
        const off = addr & 7;
        const value = (this.storeValue(s, t, k) as { v: number }).v;
        if (ins.atomic && !success) {
          window[k] = entry(e, { done: true, committed: true, loc, off, value, src: 0 });
          events.push({ kind: 'commit', thread: t, pc: e.pc, seq: e.seq, value: 0, loc, success: false });
          break;
        }
        // One write record per cell, each a stwcx.'s atomic partner of what its lwarx read there.
        const res = ins.atomic ? this.reservationAt(s, t, k)! : null;
        const reserved = res ? this.piecesOf(res.loc, res.off, res.size) : [];
        const pieces = this.piecesOf(loc, off, ins.size);
        pieces.forEach((p, part) => {
          const r = reserved.findIndex((q) => q.cell === p.cell);
          const atomicAfter = res && r >= 0 ? (res.srcs ? res.srcs[r] : res.src) : -2;
          const v = this.sliceFor(value, addr, ins.size, p.cell);
          storage = acceptWrite(storage, { thread: t, seq: e.seq, pc: e.pc, loc, cell: p.cell, part, parts: pieces.length, value: v, atomicAfter }).storage;
        });
        window[k] = entry(e, { done: true, committed: true, loc, off, value, src: ins.atomic ? 1 : 0 });
        events.push({ kind: 'commit', thread: t, pc: e.pc, seq: e.seq, value, loc, ...(ins.atomic ? { success: true } : {}) });
        break;
      }
      case Op.Fence: {
        let barrier = -1;
        if (ins.fence !== Fence.Isync) {
          const kind = ins.fence === Fence.Sync ? 'sync' : ins.fence === Fence.Lwsync ? 'lwsync' : 'eieio';
          const r = acceptBarrier(storage, { thread: t, seq: e.seq, pc: e.pc, kind });
          storage = r.storage;
          barrier = r.id;
        }
        window[k] = entry(e, { done: true, committed: true, barrier });
        events.push({ kind: 'commit', thread: t, pc: e.pc, seq: e.seq, value: 0 });
        break;
      }
      case Op.Branch: {
        const cr = (this.cr0At(s, t, k) as { v: number }).v;
        const taken = branchTaken(ins, cr) ? 1 : 0;
        window[k] = entry(e, { done: true, value: taken });
        events.push({ kind: 'resolve', thread: t, pc: e.pc, seq: e.seq, value: taken });
        if (e.dir === -1 && k === th.window.length - 1 && th.fetch === -1) {
          // Resolved before any prediction was made: fetch on the way it went.
          window[k] = entry(window[k], { dir: taken });
          fetch = taken ? ins.target : e.pc + 1;
        } else if (e.dir !== -1 && e.dir !== taken) {
          // Mispredicted: squash everything fetched after it and fetch the other way.
          for (const x of window.slice(k + 1)) events.push({ kind: 'squash', thread: t, pc: x.pc, seq: x.seq, value: 0 });
          window.length = k + 1;
          window[k] = entry(window[k], { dir: taken });
          fetch = taken ? ins.target : e.pc + 1;
        }
        break;
      }
      default:
        throw new Error(`cannot commit ${Op[ins.op]}`);
    }
    return { threads: this.withThread(s, t, threadWith(th, { window, fetch })).threads, storage };
  }

  // ---- keeping the state canonical ------------------------------------------------------

  /**
   * Restart what coherence now forbids, retire what is done, fetch what can be fetched — in
   * every thread, or only in `only` when nothing another thread depends on changed (the step
   * touched that thread's window, or a barrier only its own thread waits for).
   */
  private settle(s: MachineState, events: MachineEvent[], only = -1): MachineState {
    let state = s;
    for (let t = only < 0 ? 0 : only; t < (only < 0 ? this.nThreads : only + 1); t++) {
      state = this.repair(state, t, events);
      state = this.retire(state, t, events);
      state = this.fetchAhead(state, t);
      // What was just fetched may retire at once (a note or an unconditional branch at a branch
      // target): otherwise it waits for the thread's next step, which a waiting lwarx may never take.
      state = this.retire(state, t, events);
    }
    return state;
  }

  /** Restarts loads whose satisfaction is no longer valid, until none is left. */
  private repair(s: MachineState, t: number, events: MachineEvent[]): MachineState {
    let state = s;
    for (let guard = 0; guard < 1000; guard++) {
      const bad = this.invalidLoad(state, t);
      if (bad < 0) return state;
      const th = state.threads[t];
      const e = th.window[bad];
      events.push({ kind: 'restart', thread: t, pc: e.pc, seq: e.seq, value: e.value });
      const window = th.window.slice();
      window[bad] = entry(e, { done: false, value: 0, src: -1, fwd: -1, srcs: null, fwds: null, loc: -1, off: 0 });
      // Branches that tested it resolve again.
      for (let j = bad + 1; j < window.length; j++) {
        const x = window[j];
        if (this.prog.threads[t].code[x.pc].op === Op.Branch && x.done) {
          if ((this.cr0Sources(state, t, j) >>> bad) & 1) window[j] = entry(x, { done: false });
        }
      }
      state = this.withThread(state, t, threadWith(th, { window }));
    }
    throw new Error('restart loop did not settle');
  }

  /** The first satisfied, uncommitted load whose value the rules no longer allow, or −1 (cell by cell). */
  private invalidLoad(s: MachineState, t: number): number {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    const st = s.storage;
    for (let k = 0; k < th.window.length; k++) {
      const e = th.window[k];
      const ins = code[e.pc];
      if (ins.op !== Op.Load || !e.done || e.committed) continue;
      // Its address must still be known and the same.
      if (this.addrAt(s, t, k) !== e.loc * 8 + e.off) return k;
      const pieces = this.piecesOf(e.loc, e.off, ins.size);
      for (let i = 0; i < pieces.length; i++) {
        const p = pieces[i];
        const src = e.srcs ? e.srcs[i] : e.src;
        const fwd = this.forwardingStore(s, t, k, p.cell);
        if (src === -2) {
          // Forwarded: that store must still be the one, with the same value.
          if (fwd < 0 || th.window[fwd].seq !== (e.fwds ? e.fwds[i] : e.fwd)) return k;
          const v = this.storeValue(s, t, fwd);
          if (!v.ok || this.sliceFor(v.v, this.addrAt(s, t, fwd), code[th.window[fwd].pc].size, p.cell) !== this.pieceOfValue(e.value, e.loc, ins.size, p)) return k;
        } else {
          if (fwd >= 0) return k; // a po-earlier store to the cell is in flight after all
          // A committed po-earlier store to the cell: the load must read it or a later write.
          const own = this.latestCommittedStore(s, t, k, p.cell);
          if (own !== null && own !== src && !coBefore(st, own, src)) return k;
        }
        // Coherence with po-earlier loads of the same cell: they must not have read newer.
        if (src < -1) continue;
        for (let j = 0; j < k; j++) {
          const x = th.window[j];
          if (code[x.pc].op !== Op.Load || !x.done || x.loc !== e.loc) continue;
          const xs = this.srcIn(x, code[x.pc].size, p.cell);
          if (xs >= -1 && xs !== src && coBefore(st, src, xs)) return k;
        }
      }
    }
    return -1;
  }

  /** What the satisfied load `x` (of `size` bytes) read in `cell`: a write id, −1 initial, −2 forwarded; −4 if it does not cover the cell. */
  srcIn(x: Entry, size: number, cell: number): number {
    if (!x.srcs) return this.covers(x.loc * 8 + x.off, size, cell) ? x.src : -4;
    const i = this.piecesOf(x.loc, x.off, size).findIndex((p) => p.cell === cell);
    return i < 0 ? -4 : x.srcs[i];
  }

  /** The storage id of the po-latest committed store's write to `cell` before index k still in the window, else null. */
  private latestCommittedStore(s: MachineState, t: number, k: number, cell: number): number | null {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    for (let j = k - 1; j >= 0; j--) {
      const e = th.window[j];
      const ins = code[e.pc];
      if (ins.op !== Op.Store || !e.committed || !this.covers(e.loc * 8 + e.off, ins.size, cell)) continue;
      if (ins.atomic && e.src !== 1) continue;
      const id = s.storage.writes.findIndex((w) => w.thread === t && w.seq === e.seq && w.cell === cell);
      return id < 0 ? null : id;
    }
    return null;
  }

  /** Retires finished instructions from the head of the window into the architectural state. */
  private retire(s: MachineState, t: number, events: MachineEvent[]): MachineState {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    if (th.window.length === 0 || !this.retirable(s, code, th.window[0])) return s;
    let n = 0;
    const regs = th.regs.slice();
    let cr0 = th.cr0;
    let reservation = th.reservation;
    for (; n < th.window.length; n++) {
      const e = th.window[n];
      const ins = code[e.pc];
      if (!this.retirable(s, code, e)) break;
      // Apply its effect to the architectural state (the window is read through regs/cr0).
      switch (ins.op) {
        case Op.Li:
          regs[ins.rd] = ins.imm;
          break;
        case Op.Mr:
          regs[ins.rd] = regs[ins.ra];
          break;
        case Op.Arith: {
          const v = arith(ins.fn, regs[ins.ra], ins.rb >= 0 ? regs[ins.rb] : ins.imm);
          regs[ins.rd] = v;
          if (ins.setsCr0) cr0 = Math.sign(v);
          break;
        }
        case Op.Cmp:
          cr0 = Math.sign(regs[ins.ra] - (ins.rb >= 0 ? regs[ins.rb] : ins.imm));
          break;
        case Op.Load:
          regs[ins.rd] = e.value;
          if (ins.atomic) reservation = { loc: e.loc, off: e.off, size: ins.size, src: e.src, srcs: e.srcs };
          break;
        case Op.Store:
          if (ins.atomic) {
            cr0 = e.src === 1 ? 0 : CR_NONE;
            reservation = null;
          }
          break;
        case Op.Note:
          events.push({ kind: 'retire', thread: t, pc: e.pc, seq: e.seq, value: 0 });
          break;
        default:
          break;
      }
    }
    if (n === 0) return s;
    return this.withThread(s, t, threadWith(th, { window: th.window.slice(n), regs, cr0, reservation }));
  }

  /** Can this window entry leave the window (everything before it has)? */
  private retirable(s: MachineState, code: readonly CInstr[], e: Entry): boolean {
    const ins = code[e.pc];
    switch (ins.op) {
      case Op.Load:
      case Op.Store:
      case Op.Fence:
        return e.committed && (ins.op !== Op.Fence || ins.fence !== Fence.Sync || acknowledged(s.storage, e.barrier, this.nThreads));
      case Op.Branch:
        return ins.mask === 0 || (e.done && (e.dir === -1 || e.dir === e.value));
      default:
        return true;
    }
  }

  /** Fetches in program order up to a conditional branch that needs a prediction, the end, or a full window. */
  private fetchAhead(s: MachineState, t: number): MachineState {
    let th = s.threads[t];
    const code = this.prog.threads[t].code;
    if (th.fetch < 0 || th.fetch >= code.length || th.window.length >= MAX_WINDOW) return s;
    if (th.window.some((e) => code[e.pc].op === Op.Load && code[e.pc].wait && !e.done)) return s;
    const window = th.window.slice();
    let fetch = th.fetch;
    let seq = th.nextSeq;
    while (fetch >= 0 && fetch < code.length && window.length < MAX_WINDOW) {
      const ins = code[fetch];
      const e: Entry = { pc: fetch, seq: seq++, done: false, committed: false, value: 0, src: -1, fwd: -1, srcs: null, fwds: null, loc: -1, off: 0, dir: -1, barrier: -1 };
      window.push(e);
      if (ins.op === Op.Branch) {
        if (ins.mask === 0) {
          window[window.length - 1] = entry(e, { done: true, value: 1, dir: 1 });
          fetch = ins.target;
        } else if (ins.target === fetch + 1) {
          fetch = fetch + 1; // both ways lead to the next instruction: nothing to predict
        } else if (ins.target <= fetch) {
          // A loop's backward branch is predicted not taken (leave the loop): speculating
          // into another iteration would only re-read what this one reads.
          window[window.length - 1] = entry(e, { dir: 0 });
          fetch = fetch + 1;
        } else {
          fetch = -1; // wait for a prediction (transition 'fetch')
        }
      } else if (ins.op === Op.Load && ins.wait) {
        // Waiting for an interrupt is context-synchronising: nothing after it is fetched
        // before it is taken.
        fetch++;
        break;
      } else fetch++;
    }
    th = threadWith(th, { window, fetch, nextSeq: seq });
    return this.withThread(s, t, th);
  }

  private withThread(s: MachineState, t: number, th: ThreadState): MachineState {
    const threads = s.threads.slice();
    threads[t] = th;
    return { threads, storage: s.storage };
  }
}


export type { CInstr };

/**
 * The layout (mixed.ts) the machine's storage is built on: from the accesses the instructions
 * name when no address comes from a register, else from every access the program's paths make
 * (as the axiomatic model finds it). If the paths are too many to enumerate, the named accesses
 * decide, and an access through a register that straddles a segment is refused when it happens.
 */
function machineLayout(prog: Program): Layout {
  const named = namedAccesses(prog);
  if (!addressesFromRegisters(prog)) return layoutOf(prog.sizes, named);
  try {
    return programPaths(prog).domains.layout;
  } catch (err) {
    if (err instanceof ModelBoundError) return layoutOf(prog.sizes, named);
    throw err;
  }
}
