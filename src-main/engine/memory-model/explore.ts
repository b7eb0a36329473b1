/**
 * Exhaustive exploration of the operational machine (machine.ts): every transition from every
 * reachable state, states deduplicated by `Machine.key`. A final state is one where nothing can
 * happen any more; final states are grouped by `outcomeOf`, each group with one witness: the
 * events of a shortest path to it (breadth-first search).
 */
import { ModelBoundError } from './bounds';
import { coBefore } from './storage';
import { Machine, type MachineEvent, type MachineState, type Transition } from './machine';
import { addressesFromRegisters, programPaths } from './paths';
import { type CInstr, Op, type Program } from './program';

export interface FinalOutcome {
  key: string;
  state: MachineState;
  /** Every event on a shortest path to it. */
  witness: MachineEvent[];
}

export interface ExploreResult {
  outcomes: FinalOutcome[];
  statesExplored: number;
}

export interface ExploreOptions {
  /** Groups final states; default: every register of every thread and the final memory. */
  outcomeOf?: (s: MachineState, m: Machine) => string;
  /** Bound on distinct states (a test that needs more stops with ModelBoundError). */
  maxStates?: number;
  /** Take internal steps eagerly (default true; false explores every interleaving). */
  reduce?: boolean;
}

export const DEFAULT_MAX_STATES = 1_000_000;

interface Node {
  parent: number;
  events: MachineEvent[];
}

export function explore(prog: Program, opts: ExploreOptions = {}): ExploreResult {
  const m = new Machine(prog);
  const outcomeOf = opts.outcomeOf ?? defaultOutcome;
  const maxStates = opts.maxStates ?? DEFAULT_MAX_STATES;
  const index = new Map<string, number>();
  const nodes: Node[] = [];
  const outcomes = new Map<string, FinalOutcome>();
  const witness = (i: number): MachineEvent[] => {
    const chain: MachineEvent[][] = [];
    for (let k = i; k >= 0; k = nodes[k].parent) chain.push(nodes[k].events);
    return chain.reverse().flat();
  };

  const reduce = opts.reduce !== false;
  const reduced = reduce ? reducer(m) : null;

  const start = m.start();
  let queue: MachineState[] = [start.state];
  let ids: number[] = [0];
  index.set(m.key(start.state), 0);
  nodes.push({ parent: -1, events: start.events });
  while (queue.length > 0) {
    const nextQueue: MachineState[] = [];
    const nextIds: number[] = [];
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q];
      const moves = m.enabled(s);
      if (moves.length === 0) {
        const o = outcomeOf(s, m);
        if (!outcomes.has(o)) outcomes.set(o, { key: o, state: s, witness: witness(ids[q]) });
        continue;
      }
      for (const tr of reduced ? reduced(s, moves) : moves) {
        const r = m.apply(s, tr);
        const k = m.key(r.state);
        if (index.has(k)) continue;
        if (nodes.length >= maxStates) throw new ModelBoundError(`more than ${maxStates} machine states; the program is too large to explore exhaustively`);
        index.set(k, nodes.length);
        nextIds.push(nodes.length);
        nodes.push({ parent: ids[q], events: r.events });
        nextQueue.push(r.state);
      }
    }
    queue = nextQueue;
    ids = nextIds;
  }
  return { outcomes: [...outcomes.values()], statesExplored: nodes.length };
}

/**
 * The transitions of state `s` worth interleaving, of `all` (its enabled ones), for a search of
 * `m`'s program that keeps every final state (`explore` with `reduce`).
 */
export function reducer(m: Machine): (s: MachineState, all: Transition[]) => Transition[] {
  const prog = m.prog;
  const access = accessedLocations(prog);
  /**
   * The transitions worth interleaving: an internal step alone if there is one (see
   * Machine.isInternal); else every step except propagations that cannot matter yet: a write to
   * a thread that never accesses its location, has seen no write to it and no barrier waits
   * for it there; a barrier nothing waits for there (syncs always matter: their acknowledgement).
   * Deferring those only leaves fewer events in later barriers' group A and fewer barrier-
   * separated pairs — weaker constraints — so no outcome is lost; they are taken when nothing
   * else is left.
   */
  const reduced = (s: MachineState, all: Transition[]): Transition[] => {
    const needed = all.filter((tr) => !needless(s, tr, all));
    const moves = needed.length > 0 ? needed : all;
    const internal = moves.find((tr) => m.isInternal(s, tr) || (silent(s, tr) && relevant(s, tr, access)));
    if (internal) return [internal];
    const keep = moves.filter((tr) => relevant(s, tr, access));
    return keep.length > 0 ? keep : moves.slice(0, 1);
  };

  /**
   * A propagation to a thread with no store or fence left to commit, of a barrier, or of a write
   * that decides no coherence there (now or later: every write to its location that may still
   * reach that thread is coherence-ordered with it) and that the thread will not read: it can
   * only enable other steps (no later group A or barrier-separated pair of that thread can
   * include it), so once something waits for it, it is internal too.
   */
  const silent = (s: MachineState, tr: Transition): boolean => {
    if (tr.kind !== 'propagate' && tr.kind !== 'propagate-barrier') return false;
    if (!quiet[tr.to](s)) return false;
    if (tr.kind === 'propagate-barrier') return true;
    const st = s.storage;
    const w = st.writes[tr.write];
    if (access[tr.to].has(w.loc) && m.mayLoad(s, tr.to)) return false;
    // A store to a mixed location: every cell it writes (one record per cell, propagated together).
    for (let id = tr.write; id < tr.write + w.parts; id++) {
      const cell = st.writes[id].cell;
      const v = st.view[tr.to][cell];
      if (v !== -1 && !coBefore(st, v, id)) return false;
      for (let y = 0; y < st.writes.length; y++) {
        if (y !== id && st.writes[y].cell === cell && !coBefore(st, y, id) && !coBefore(st, id, y)) return false;
      }
      for (let t = 0; t < prog.threads.length; t++) {
        const seen = st.view[t][cell];
        if (seen !== id && !coBefore(st, id, seen) && m.mayStoreTo(s, t, w.loc)) return false;
      }
    }
    return true;
  };
  /**
   * Choices that add no outcome: a stwcx. of a retry loop (`retry: lwarx; stwcx.; bne retry`)
   * failing although it could succeed — the failure writes nothing, every instruction fetched
   * past the bne is squashed, and the retry's lwarx reads what the first one could have read by
   * being satisfied later; and predicting a branch whose both ways lead to code without a load
   * or another conditional branch — nothing fetched there can act before the branch
   * resolves, so the thread may as well wait for it and fetch the way it went.
   */
  const needless = (s: MachineState, tr: Transition, moves: Transition[]): boolean => {
    if (tr.kind === 'fetch') return loadFree[tr.thread][s.threads[tr.thread].window.at(-1)!.pc];
    if (tr.kind !== 'commit' || tr.success !== false) return false;
    const pc = s.threads[tr.thread].window[tr.index].pc;
    return retryLoop[tr.thread][pc] && moves.some((o) => o.kind === 'commit' && o.thread === tr.thread && o.index === tr.index && o.success === true);
  };
  const retryLoop = prog.threads.map((th) => th.code.map((c, pc) => c.op === Op.Store && c.atomic && pc > 0 && th.code[pc - 1].op === Op.Load && th.code[pc - 1].atomic && th.code[pc + 1]?.op === Op.Branch && th.code[pc + 1].target === pc - 1));
  const loadFree = prog.threads.map((th) => th.code.map((c, pc) => c.op === Op.Branch && c.mask !== 0 && noLoadUntilBranch(th.code, pc + 1) && noLoadUntilBranch(th.code, c.target)));
  const quiet = prog.threads.map((_, t) => (s: MachineState): boolean => !m.mayStoreOrFence(s, t));

  return reduced;
}

/** Every register of every thread, then memory: `0:r1=1; …; x=2;`. */
export function defaultOutcome(s: MachineState, m: Machine): string {
  const regs = m.prog.threads.flatMap((t, i) => t.regs.map((r, k) => `${i}:${r}=${s.threads[i].regs[k]}`));
  const mem = m.memory(s).map((v, l) => `${m.prog.locs[l]}=${v}`);
  return [...regs, ...mem].join(';');
}

/**
 * Per thread, the locations it may read or write: its instructions' named locations when every
 * access names one (no address computed from a register), else the locations any of its paths
 * accesses (all locations if those cannot be bounded).
 */
function accessedLocations(prog: Program): Set<number>[] {
  const named = prog.threads.map((th) => th.code.filter((c) => c.op === Op.Load || c.op === Op.Store).map((c) => c.addr!));
  // A named location with an offset is still that location (a byte of a mixed one).
  if (!addressesFromRegisters(prog)) return named.map((as) => new Set(as.map((a) => a.loc)));
  try {
    const { paths } = programPaths(prog, { maxPaths: 2000 });
    return paths.map((tp) => new Set(tp.flatMap((p) => p.events.map((e) => e.loc))));
  } catch {
    return prog.threads.map(() => new Set(prog.locs.map((_, i) => i)));
  }
}

/** Does the code from `pc` reach its end without a load or a conditional branch (past which one could be fetched)? */
function noLoadUntilBranch(code: readonly CInstr[], pc: number): boolean {
  const seen = new Set<number>();
  for (let p = pc; p < code.length && !seen.has(p); ) {
    seen.add(p);
    const c = code[p];
    if (c.op === Op.Load) return false;
    if (c.op === Op.Branch) {
      if (c.mask !== 0) return false;
      p = c.target;
    } else p++;
  }
  return true;
}

function relevant(s: MachineState, tr: Transition, access: Set<number>[]): boolean {
  const st = s.storage;
  if (tr.kind === 'propagate') {
    const w = st.writes[tr.write];
    if (access[tr.to].has(w.loc)) return true;
    for (let id = tr.write; id < tr.write + w.parts; id++) {
      if (st.view[tr.to][st.writes[id].cell] !== -1) return true;
      if (st.barriers.some((b) => (b.seen & (1 << tr.to)) === 0 && b.groupWrites.includes(id))) return true;
    }
    return false;
  }
  if (tr.kind === 'propagate-barrier') {
    const b = st.barriers[tr.barrier];
    if (b.kind === 'sync') return true;
    if (st.writes.some((w) => (w.seen & (1 << tr.to)) === 0 && w.barriersBefore.includes(tr.barrier))) return true;
    return st.barriers.some((x) => (x.seen & (1 << tr.to)) === 0 && x.groupBarriers.includes(tr.barrier));
  }
  return true;
}
