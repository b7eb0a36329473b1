/**
 * The POWER model of herd7's `ppc.cat` as published with the herding-cats catalogue (Alglave,
 * Maranget, Tautschnig, "Herding cats", TOPLAS 2014) as an enumerator of candidate executions.
 *
 * A candidate execution is one path per thread (paths.ts), a reads-from map (each read takes
 * its value from one write to its location, or from the initial state) and a coherence order
 * (a total order of the writes to each location, after the initial write). It is consistent
 * when these axioms hold:
 *
 *   sc-per-location  acyclic (po-loc | rf | fr | co)
 *   atomic           empty rmw & (fre; coe)
 *   no thin air      acyclic hb,           hb = ppo | fence | rfe
 *   propagation      acyclic (co | prop)
 *   observation      irreflexive (fre; prop; hb*)
 *   scXX             acyclic (co | po & (EX * EX))
 *
 * with ppo the least fixpoint of ppo.cat's ci/ii/cc/ic equations over
 *   ci0 = ctrlisync | detour,  ii0 = addr | data | rfi | rdw,  cc0 = addr | data | po-loc | ctrl | addr;po,
 * fence = sync | (lwsync \ W*R) | (eieio & W*W), and
 *   prop = (propbase & W*W) | (chapo?; propbase*; sync; hb*),  propbase = (fence | rfe; fence); hb*,
 *   chapo = rfe | fre | coe | (fre; rfe) | (coe; rfe).
 *
 * Sc-per-location is checked location by location while the rf/co choices are enumerated (it
 * only relates events of one location), the rest once a whole candidate is chosen.
 */
import { ModelBoundError } from './bounds';
import type { Program } from './program';
import { type Cells, cellsOf, concat, layoutOf, locationValues, type Part, partsOf, sliceOf } from './mixed';
import { addressesFromRegisters, namedAccesses, type PathEvent, type PathOptions, programPaths, type ThreadPath } from './paths';
import { type EventSet, type Rel, Relations } from './relation';
import { evaluate, evaluateWith } from './symbolic';

/**
 * A memory event of an execution. An access to a mixed location (mixed.ts) is one event per
 * segment it covers, as herd7's `-variant mixed` splits it per byte: the parts of one access share
 * `thread` and `index`, are not ordered by po among themselves, and each reads from / is
 * coherence-ordered with the other events of its segment (`cell`).
 */
export interface ExecEvent extends PathEvent {
  thread: number;
  /** Position in its thread's path (the access; its bytes share it). */
  index: number;
  /** What rf and co relate it on: its location, or for a mixed one, the segment (`Cells`). */
  cell: number;
  /** For an event of a mixed location, the part of the access it is: its first byte in the access, and length; else −1, 0. */
  from: number;
  len: number;
}

/** One consistent execution, as handed to `onExecution` (valid only during the call). */
export interface Execution {
  paths: ThreadPath[];
  events: ExecEvent[];
  /** Per event: for a read, the write it reads from (−1: the initial state); −1 for writes. */
  rf: Int32Array;
  /** Per cell (a location, or a byte of a mixed one; the same as locations when none is mixed): its writes in coherence order. */
  co: number[][];
  /** The cells, and with them the layout: which locations are modelled byte by byte. */
  cells: Cells;
  /** Per event: the value read or written (a byte, for an event of a mixed location). */
  values: number[];
  /** Final value of every location. */
  memory: number[];
  /** Final value of register `r` of thread `t`. */
  reg(t: number, r: number): number;
}

export interface AxiomaticOptions extends PathOptions {
  /** Bound on candidate executions considered (rf × co × path choices). */
  maxCandidates?: number;
  /**
   * Only executions whose paths all pass this filter are enumerated (a caller that wants only
   * final states with a property drops paths that cannot end in one).
   */
  keepPath?: (thread: number, path: ThreadPath) => boolean;
  /**
   * Only executions whose final value of every location passes this test are enumerated: a
   * coherence order whose last write stores a known value that fails it is dropped before any
   * reads-from choice is made for it.
   */
  finalValue?: (loc: number, value: number) => boolean;
  /** Drop paths that need more writes from other threads than those can make (`writeCountFeasible`). */
  pruneByWriteCount?: boolean;
}

export interface AxiomaticStats {
  /** Paths per thread, before and after `keepPath`. */
  paths: number[];
  pathsKept: number[];
  /** Path combinations whose every location had an rf/co choice left. */
  combinations: number;
  candidates: number;
  consistent: number;
}

const DEFAULT_MAX_CANDIDATES = 2_000_000;

/** Calls `onExecution` for every consistent execution of `prog`; returns counts. */
export function enumerateExecutions(prog: Program, onExecution: (x: Execution) => void, opts: AxiomaticOptions = {}): AxiomaticStats {
  const duringGeneration = opts.pruneByWriteCount ? writeCountDuringGeneration(prog, opts) : null;
  const { paths: all, domains } = programPaths(prog, duringGeneration ? { ...opts, ...duringGeneration } : opts);
  const cells = cellsOf(prog, domains.layout);
  const keep = opts.keepPath;
  let paths = keep ? all.map((tp, t) => tp.filter((p) => keep(t, p))) : all;
  if (opts.pruneByWriteCount) paths = pruneByWriteCount(cells, paths, opts.finalValue);
  const maxCandidates = opts.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
  const stats: AxiomaticStats = { paths: all.map((tp) => tp.length), pathsKept: paths.map((tp) => tp.length), combinations: 0, candidates: 0, consistent: 0 };
  let combos = 1;
  for (const tp of paths) combos *= tp.length;
  if (combos > maxCandidates) throw new ModelBoundError(`${combos} combinations of thread paths exceed the bound of ${maxCandidates} candidate executions`);
  const chosen: ThreadPath[] = [];
  const pick = (t: number): void => {
    if (t === paths.length) {
      new Candidates(prog, cells, chosen.slice(), stats, maxCandidates, onExecution, opts.finalValue).run();
      return;
    }
    for (const p of paths[t]) {
      chosen[t] = p;
      pick(t + 1);
    }
  };
  pick(0);
  return stats;
}

/**
 * Whether execution `x` (of `prog`) stays consistent when every thread `fenced` picks has a sync
 * between each two of its accesses, the same reads-from and coherence otherwise: false when the
 * execution needs one of those threads' accesses to take effect out of program order.
 */
export function consistentWithFences(prog: Program, x: Execution, fenced: (thread: number) => boolean): boolean {
  const paths = x.paths.map((p, t) => (fenced(t) ? { ...p, events: p.events.map((e, i) => ({ ...e, syncs: i })) } : p));
  const stats: AxiomaticStats = { paths: [], pathsKept: [], combinations: 0, candidates: 0, consistent: 0 };
  new Candidates(prog, x.cells, paths, stats, 1, () => {}).checkOne(x.rf, x.co);
  return stats.consistent === 1;
}

/**
 * Drops every path that needs more non-zero writes from other threads than they can make.
 * Sound by sc-per-location alone: on one thread, a read po-after its own write w1 of location L
 * and po-before its next own write w2 to L reads from a write coherence-between w1 (included) and
 * w2; so when w1 stores 0 and the read returns non-zero, it reads another thread's write in that
 * interval. The intervals of one thread are disjoint, so each such segment (and the first one,
 * when L starts at 0) needs its own foreign non-zero write. A final value of L that must be
 * non-zero after the path's last own write of 0 needs one more. Foreign writes are counted as the
 * most any path of each other thread makes (a write whose value is not a constant counts).
 * On a mixed location the same holds byte by byte (each byte is a location of its own to
 * sc-per-location): L above is a cell (`Cells`), a write's value there its byte.
 */
/** The one part of an access to a location that is not mixed: its whole cell (`from` −1). */
const WHOLE: readonly Part[] = [{ index: 0, from: -1, len: 0 }];

/**
 * The parts of an access, each in cell `cells.base[e.loc] + index` (shared arrays: read only; no
 * callback, as this runs for every event of every path prefix the write-count prune checks).
 */
const eventParts = (cells: Cells, e: PathEvent): readonly Part[] => (cells.layout.mixed[e.loc] ? partsOf(cells.layout, e.loc, e.offset, e.size) : WHOLE);

/** The part of value `v` (of an access of e's size) that lands in one cell. */
const partValue = (v: number | undefined, e: { size: number }, from: number, len: number): number | undefined => (v === undefined || from < 0 ? v : sliceOf(v, e.size, from, len));

/** Non-zero writes per cell on one path (a write whose value is not a constant counts). */
function nonZeroWrites(cells: Cells, events: readonly PathEvent[]): number[] {
  const n = new Array<number>(cells.init.length).fill(0);
  for (const e of events) {
    if (!e.write) continue;
    const v = e.value.kind === 0 ? e.value.value : undefined;
    for (const p of eventParts(cells, e)) if (partValue(v, e, p.from, p.len) !== 0) n[cells.base[e.loc] + p.index]++;
  }
  return n;
}

/**
 * Foreign non-zero writes a path (or a path prefix) needs per cell, as `pruneByWriteCount`
 * argues; `finalValue` adds the one a required non-zero final value needs (whole paths only: on a
 * prefix a later own write may still change the final value; mixed locations are left out of it).
 * Grows as a prefix is extended.
 */
function foreignWritesNeeded(cells: Cells, events: readonly PathEvent[], assumed: readonly (number | undefined)[], finalValue?: (loc: number, value: number) => boolean): number[] {
  const n = cells.init.length;
  const need = new Array<number>(n).fill(0);
  const zeroSegment = cells.init.map((v) => v === 0); // the current segment starts with 0
  const counted = new Array<boolean>(n).fill(false);
  for (const e of events) {
    const base = cells.base[e.loc];
    if (e.write) {
      const v = e.value.kind === 0 ? e.value.value : undefined;
      for (const p of eventParts(cells, e)) {
        zeroSegment[base + p.index] = partValue(v, e, p.from, p.len) === 0;
        counted[base + p.index] = false;
      }
    } else {
      const v = assumed[e.read];
      for (const p of eventParts(cells, e)) {
        const c = base + p.index;
        if (!zeroSegment[c] || counted[c]) continue;
        const b = partValue(v, e, p.from, p.len);
        if (b !== undefined && b !== 0) {
          need[c]++;
          counted[c] = true;
        }
      }
    }
  }
  if (finalValue) {
    cells.base.forEach((c, l) => {
      if (!cells.layout.mixed[l] && zeroSegment[c] && !counted[c] && !finalValue(l, 0)) need[c]++;
    });
  }
  return need;
}

/**
 * The write-count bound applied while paths are generated: threads are computed from the last to
 * the first, and a thread's path prefixes are cut once they need more foreign writes than the
 * threads already computed in the same round can make (the others count as unbounded).
 */
function writeCountDuringGeneration(prog: Program, opts: AxiomaticOptions): Pick<AxiomaticOptions, 'prefixOk' | 'threadOrder' | 'onThreadPaths'> | null {
  // Which locations are mixed is known before the paths only when every access names its location
  // (else only when nothing could be mixed: one size, no offsets, no declared sizes — and then the
  // named accesses give that layout too: every location one word).
  const code = prog.threads.flatMap((t) => t.code.filter((c) => c.addr));
  const viaRegisters = addressesFromRegisters(prog);
  if (viaRegisters && (code.some((c) => c.size !== 4 || c.addr!.offset !== 0) || prog.sizes.some((n) => n !== undefined))) return null;
  const cells = cellsOf(prog, layoutOf(prog.sizes, namedAccesses(prog)));
  const nCells = cells.init.length;
  const most: (number[] | null)[] = prog.threads.map(() => null);
  const available = (t: number, c: number): number => {
    let sum = 0;
    for (let u = 0; u < most.length; u++) {
      if (u === t) continue;
      const m = most[u];
      if (!m) return Infinity;
      sum += m[c];
    }
    return sum;
  };
  return {
    threadOrder: prog.threads.map((_, t) => prog.threads.length - 1 - t),
    onThreadPaths: (t, paths) => {
      const m = new Array<number>(nCells).fill(0);
      for (const p of paths) if (!opts.keepPath || opts.keepPath(t, p)) nonZeroWrites(cells, p.events).forEach((k, c) => (m[c] = Math.max(m[c], k)));
      most[t] = m;
      // Thread 0 ends a round of programPaths' domain fixpoint: the next round's threads may
      // have more paths, so only what that round computes may bound it.
      if (t === 0) most.fill(null);
    },
    prefixOk: (t, events, assumed) => foreignWritesNeeded(cells, events, assumed).every((k, c) => k <= available(t, c)),
  };
}

function pruneByWriteCount(cells: Cells, paths: ThreadPath[][], finalValue?: (loc: number, value: number) => boolean): ThreadPath[][] {
  const nCells = cells.init.length;
  const most = paths.map((tp) => {
    const m = new Array<number>(nCells).fill(0);
    for (const p of tp) nonZeroWrites(cells, p.events).forEach((k, c) => (m[c] = Math.max(m[c], k)));
    return m;
  });
  return paths.map((tp, t) => {
    const available = new Array<number>(nCells).fill(0).map((_, c) => most.reduce((sum, m, u) => (u === t ? sum : sum + m[c]), 0));
    return tp.filter((p) => foreignWritesNeeded(cells, p.events, p.assumed, finalValue).every((k, c) => k <= available[c]));
  });
}

/** An event of an execution from a path event (an explicit literal: one hidden class for all). */
function execEvent(e: PathEvent, thread: number, index: number, cell: number, from: number, len: number): ExecEvent {
  return {
    write: e.write,
    loc: e.loc,
    offset: e.offset,
    size: e.size,
    pc: e.pc,
    read: e.read,
    value: e.value,
    addr: e.addr,
    data: e.data,
    ctrl: e.ctrl,
    ctrlIsync: e.ctrlIsync,
    syncs: e.syncs,
    lwsyncs: e.lwsyncs,
    eieios: e.eieios,
    exclusive: e.exclusive,
    rmwWith: e.rmwWith,
    thread,
    index,
    cell,
    from,
    len,
  };
}

/** One rf/co choice for the events of one location, satisfying sc-per-location. */
interface LocChoice {
  /** Source per read of the location (aligned with `reads`): a write event or −1. */
  rf: Int32Array;
  /** Writes in coherence order (every candidate that picks this choice shares the array: read only). */
  co: number[];
}

/** The candidate executions of one choice of paths. */
class Candidates {
  private readonly events: ExecEvent[] = [];
  private R!: Relations;
  /** Per thread, per path event: its first event here (a mixed access has one per byte, consecutive). */
  private readonly first: number[][] = [];
  /** Per thread, per read variable: its first event and how many (one, or one per segment, consecutive). */
  private readonly readEvent: number[][] = [];
  private readonly readParts: number[][] = [];
  /**
   * Per event, its part of a value known before any candidate (undefined: not known): a write's
   * constant, a read's value its path assumed. Sliced once here, not per candidate.
   */
  private readonly constPart: (number | undefined)[] = [];
  private readonly assumedPart: (number | undefined)[] = [];
  private isW!: EventSet;
  private isR!: EventSet;
  private po!: Rel;
  private poLoc!: Rel;
  private dd!: Rel;
  private cc0!: Rel;
  private ctrlIsync!: Rel;
  private fence!: Rel;
  private strong!: Rel;
  private xx!: Rel;
  private readonly rmw: [number, number][] = [];
  private readonly ppoCache = new Map<string, Rel>();
  private staticPpo: Rel | null = null;
  private hasFence!: boolean;
  private hasSync!: boolean;
  /** Every write stores a constant (the common case: no value flows through memory). */
  private constantWrites!: boolean;
  private values!: Float64Array;
  private coPos!: Int32Array;
  private scratch!: Record<
    'rfe' | 'rfi' | 'coRel' | 'coe' | 'fre' | 'freRfe' | 'coeRfe' | 'rdw' | 'detour' | 'hb' | 'hbStar' | 'propbase' | 'chapo' | 'prop' | 't1' | 't2',
    Rel
  >;

  constructor(
    private readonly prog: Program,
    private readonly cells: Cells,
    private readonly paths: ThreadPath[],
    private readonly stats: AxiomaticStats,
    private readonly maxCandidates: number,
    private readonly onExecution: (x: Execution) => void,
    private readonly finalValue?: (loc: number, value: number) => boolean,
  ) {
    paths.forEach((p, t) => {
      const reads: number[] = [];
      const parts: number[] = [];
      const first: number[] = [];
      p.events.forEach((e, index) => {
        first.push(this.events.length);
        const ps = eventParts(cells, e);
        if (!e.write) {
          reads[e.read] = this.events.length;
          parts[e.read] = ps.length;
        }
        for (const part of ps) this.events.push(execEvent(e, t, index, cells.base[e.loc] + part.index, part.from, part.len));
      });
      this.readEvent.push(reads);
      this.readParts.push(parts);
      this.first.push(first);
    });
    for (const e of this.events) {
      this.constPart.push(e.write && e.value.kind === 0 ? partValue(e.value.value, e, e.from, e.len) : undefined);
      this.assumedPart.push(e.write ? undefined : partValue(this.paths[e.thread].assumed[e.read], e, e.from, e.len));
    }
  }

  /** The relations every candidate of these paths shares; built once some rf/co choice exists. */
  private buildRelations(): void {
    const n = this.events.length;
    const R = (this.R = new Relations(n));
    this.isW = R.set();
    this.isR = R.set();
    const ex = R.set();
    this.po = R.rel();
    this.poLoc = R.rel();
    const addr = R.rel();
    const data = R.rel();
    const ctrl = R.rel();
    this.ctrlIsync = R.rel();
    const sync = R.rel();
    const lwsync = R.rel();
    const eieio = R.rel();
    this.events.forEach((e, i) => {
      R.addToSet(e.write ? this.isW : this.isR, i);
      if (e.exclusive) R.addToSet(ex, i);
      const reads = this.readEvent[e.thread];
      const parts = this.readParts[e.thread];
      const from = (rel: Rel, vars: readonly number[]): void => {
        for (const v of vars) for (let r = reads[v], end = r + parts[v]; r < end; r++) R.add(rel, r, i);
      };
      from(addr, e.addr);
      from(data, e.data);
      from(ctrl, e.ctrl);
      from(this.ctrlIsync, e.ctrlIsync);
      if (e.rmwWith >= 0) {
        // The lwarx's event on the same cell (rmw & (fre; coe) only relates events of one cell).
        const r0 = this.first[e.thread][e.rmwWith];
        for (let r = r0; r < n && this.events[r].thread === e.thread && this.events[r].index === e.rmwWith; r++) if (this.events[r].cell === e.cell) this.rmw.push([r, i]);
      }
      for (let j = i + 1; j < n && this.events[j].thread === e.thread; j++) {
        const f = this.events[j];
        if (f.index === e.index) continue; // parts of one access: not in po (herd's same instance)
        R.add(this.po, i, j);
        if (f.cell === e.cell) R.add(this.poLoc, i, j);
        if (f.syncs > e.syncs) R.add(sync, i, j);
        if (f.lwsyncs > e.lwsyncs && !(e.write && !f.write)) R.add(lwsync, i, j);
        if (f.eieios > e.eieios && e.write && f.write) R.add(eieio, i, j);
      }
    });
    this.dd = R.union(addr, data);
    this.cc0 = R.union(this.dd, this.poLoc, ctrl, R.seq(addr, this.po));
    this.strong = sync;
    this.fence = R.union(sync, lwsync, eieio);
    this.xx = R.restrict(this.po, ex, ex);
    this.hasFence = !R.isEmpty(this.fence);
    this.hasSync = !R.isEmpty(this.strong);
    this.values = new Float64Array(n);
    this.coPos = new Int32Array(n).fill(-1);
    this.constantWrites = this.events.every((e) => !e.write || e.value.kind === 0);
    this.constPart.forEach((v, i) => {
      if (v !== undefined) this.values[i] = v;
    });
    const names = ['rfe', 'rfi', 'coRel', 'coe', 'fre', 'freRfe', 'coeRfe', 'rdw', 'detour', 'hb', 'hbStar', 'propbase', 'chapo', 'prop', 't1', 't2'] as const;
    this.scratch = Object.fromEntries(names.map((k) => [k, R.rel()])) as Candidates['scratch'];
  }

  run(): void {
    const nLocs = this.cells.init.length;
    const choices: LocChoice[][] = [];
    const writesOf: number[][] = [];
    const readsOf: number[][] = [];
    for (let l = 0; l < nLocs; l++) {
      writesOf.push([]);
      readsOf.push([]);
    }
    this.events.forEach((e, i) => (e.write ? writesOf : readsOf)[e.cell].push(i));
    let product = 1;
    for (let l = 0; l < nLocs; l++) {
      const c = this.locationChoices(l, writesOf[l], readsOf[l]);
      if (c.length === 0) return;
      choices.push(c);
      product *= c.length;
    }
    this.stats.combinations++;
    this.buildRelations();
    if (this.stats.candidates + product > this.maxCandidates) {
      throw new ModelBoundError(`more than ${this.maxCandidates} candidate executions (rf × co choices); the test is too large to enumerate`);
    }
    const rf = new Int32Array(this.events.length).fill(-1);
    const co: number[][] = writesOf.map(() => []);
    const pick = (l: number): void => {
      if (l === nLocs) {
        this.stats.candidates++;
        this.check(rf, co);
        return;
      }
      const reads = readsOf[l];
      for (const c of choices[l]) {
        for (let k = 0; k < reads.length; k++) rf[reads[k]] = c.rf[k];
        co[l] = c.co;
        pick(l + 1);
      }
    };
    pick(0);
  }

  /** Checks one candidate (rf, co over these paths' events); counts it in `stats.consistent` if consistent. */
  checkOne(rf: Int32Array, co: number[][]): void {
    this.buildRelations();
    this.check(rf, co);
  }

  /**
   * Every (co, rf) for one location that satisfies sc-per-location and, where the values are
   * already known, gives each read the value its path assumed. With the writes numbered by
   * coherence position (initial state 0), a thread's accesses in program order must be
   * non-decreasing: a read at or after the last write it follows, a write strictly after
   * everything before it.
   */
  private locationChoices(cell: number, writes: number[], reads: number[]): LocChoice[] {
    const out: LocChoice[] = [];
    if (writes.length > 9) throw new ModelBoundError(`${writes.length} writes to one location: too many coherence orders to enumerate`);
    const ev = this.events;
    const accesses = [...writes, ...reads].sort((a, b) => a - b); // global order = thread order, then po
    const readPos = new Map(reads.map((r, k) => [r, k]));
    const pos = new Map<number, number>();
    const rf = new Int32Array(reads.length);
    const constantValue = (w: number): number | undefined => (w < 0 ? undefined : this.constPart[w]);
    const initValue = this.cells.init[cell];
    const loc = this.cells.loc[cell];
    const byPos: number[] = [];
    // The final value is the coherence-last write's (the initial value when there is none).
    const finalAllowed = (): boolean => {
      if (!this.finalValue || this.cells.layout.mixed[loc]) return true;
      const last = byPos[byPos.length - 1];
      const v = last < 0 ? initValue : constantValue(last);
      return v === undefined || this.finalValue(loc, v);
    };

    const assignReads = (k: number, last: number, thread: number): void => {
      if (k === accesses.length) {
        out.push({ rf: rf.slice(), co: byPos.slice(1) });
        if (out.length > this.maxCandidates) throw new ModelBoundError(`more than ${this.maxCandidates} rf/co choices for one location`);
        return;
      }
      const e = accesses[k];
      const th = ev[e].thread;
      const floor = th === thread ? last : -1; // coherence position reached so far by this thread
      if (ev[e].write) {
        const p = pos.get(e)!;
        if (p <= floor) return;
        assignReads(k + 1, p, th);
        return;
      }
      const assumed = this.assumedPart[e];
      for (let p = Math.max(floor, 0); p < byPos.length; p++) {
        const w = byPos[p];
        // A read cannot read from a po-later write of its own thread (that is a cycle too).
        if (w >= 0 && ev[w].thread === th && w > e) continue;
        if (assumed !== undefined) {
          const v = w < 0 ? initValue : constantValue(w);
          if (v !== undefined && v !== assumed) continue;
        }
        rf[readPos.get(e)!] = w;
        assignReads(k + 1, p, th);
      }
    };

    // Coherence orders: the interleavings of each thread's writes in program order, after the
    // initial state (position 0). An order against program order would break sc-per-location
    // (po-loc | co cycles), so the other permutations need not be tried.
    const byThread: number[][] = [];
    for (const w of writes) {
      const t = ev[w].thread;
      if (byThread.length === 0 || ev[byThread[byThread.length - 1][0]].thread !== t) byThread.push([]);
      byThread[byThread.length - 1].push(w);
    }
    const next = byThread.map(() => 0);
    const order: number[] = [];
    const interleave = (): void => {
      if (order.length === writes.length) {
        byPos.length = 0;
        byPos.push(-1, ...order);
        order.forEach((w, k) => pos.set(w, k + 1));
        if (finalAllowed()) assignReads(0, -1, -1);
        return;
      }
      for (let t = 0; t < byThread.length; t++) {
        if (next[t] === byThread[t].length) continue;
        order.push(byThread[t][next[t]++]);
        interleave();
        next[t]--;
        order.pop();
      }
    };
    interleave();
    return out;
  }

  private check(rf: Int32Array, co: number[][]): void {
    if (!this.resolveValues(rf)) return;
    const values = this.values;
    const R = this.R;
    const ev = this.events;
    const n = ev.length;
    const { rfe, rfi, coRel, coe, fre, freRfe, coeRfe, rdw, detour, hb, hbStar, propbase, chapo, prop, t1, t2 } = this.scratch;
    rfe.fill(0);
    rfi.fill(0);
    coRel.fill(0);
    coe.fill(0);
    fre.fill(0);
    const coPos = this.coPos;
    for (const order of co) {
      for (let a = 0; a < order.length; a++) {
        coPos[order[a]] = a;
        for (let b = a + 1; b < order.length; b++) {
          R.add(coRel, order[a], order[b]);
          if (ev[order[a]].thread !== ev[order[b]].thread) R.add(coe, order[a], order[b]);
        }
      }
    }
    for (let r = 0; r < n; r++) {
      if (ev[r].write) continue;
      const w = rf[r];
      if (w >= 0) R.add(ev[w].thread === ev[r].thread ? rfi : rfe, w, r);
      const order = co[ev[r].cell];
      for (let k = w >= 0 ? coPos[w] + 1 : 0; k < order.length; k++) {
        if (ev[order[k]].thread !== ev[r].thread) R.add(fre, r, order[k]);
      }
    }
    // atomic: no write of another thread between a reservation's read and its store.
    for (const [r, w] of this.rmw) {
      const src = rf[r];
      const order = co[ev[w].cell];
      for (let k = src >= 0 ? coPos[src] + 1 : 0; k < coPos[w]; k++) if (ev[order[k]].thread !== ev[r].thread) return;
    }
    if (this.rmw.length > 0 && !R.acyclic(R.unionOf(t1, coRel, this.xx))) return;

    R.seqInto(freRfe, fre, rfe);
    R.seqInto(coeRfe, coe, rfe);
    R.interInto(rdw, this.poLoc, freRfe);
    R.interInto(detour, this.poLoc, coeRfe);
    const ppo = this.ppo(rfi, rdw, detour);
    R.unionOf(hb, ppo, this.fence, rfe);
    if (!R.acyclic(hb)) return; // no thin air
    if (this.hasFence) {
      R.starInto(hbStar, hb);
      // propbase = (fence | rfe; fence); hb*
      R.seqInto(t1, rfe, this.fence);
      R.unionOf(t1, t1, this.fence);
      R.seqInto(propbase, t1, hbStar);
      R.restrictInto(prop, propbase, this.isW, this.isW);
      if (this.hasSync) {
        // chapo?; propbase*; sync; hb*
        R.optInto(chapo, R.unionOf(chapo, rfe, fre, coe, freRfe, coeRfe));
        R.starInto(t1, propbase);
        R.seqInto(t2, chapo, t1);
        R.seqInto(t1, t2, this.strong);
        R.seqInto(t2, t1, hbStar);
        R.unionOf(prop, prop, t2);
      }
      if (!R.acyclic(R.unionOf(t1, coRel, prop))) return; // propagation
      R.seqInto(t2, fre, prop);
      if (!R.irreflexiveSeq(t2, hbStar)) return; // observation
    }

    const memory = this.finalMemory(co);
    if (this.finalValue && !memory.every((v, l) => this.finalValue!(l, v))) return;
    // A thread blocked at a waiting load for good: no non-zero value ever reached it.
    for (const p of this.paths) if (p.blockedAt >= 0 && memory[p.blockedLoc] !== 0) return;
    this.stats.consistent++;
    const valueAt = (e: number): number => values[e];
    const readValues = this.paths.map((_, t) => this.readEvent[t].map((_e, v) => this.readVarValue(t, v, valueAt)!));
    this.onExecution({
      paths: this.paths,
      events: this.events,
      rf,
      co,
      cells: this.cells,
      values: Array.from(values),
      memory,
      reg: (t, r) => evaluate(this.paths[t].regs[r], readValues[t])!,
    });
  }

  /** Final value of every location: its coherence-last write's, byte by byte for a mixed one. */
  private finalMemory(co: number[][]): number[] {
    const init = this.cells.init;
    return locationValues(this.cells, this.prog.locs, (c) => (co[c].length > 0 ? this.values[co[c][co[c].length - 1]] : init[c]));
  }

  /** The value of read variable `v` of thread `t`: its event's, or its segments' composed; undefined while one is (`valueOf`). */
  private readVarValue(t: number, v: number, valueOf: (e: number) => number | undefined): number | undefined {
    const e0 = this.readEvent[t][v];
    if (this.events[e0].from < 0) return valueOf(e0);
    const vs: number[] = [];
    const lens: number[] = [];
    for (let e = e0; e < e0 + this.readParts[t][v]; e++) {
      const x = valueOf(e);
      if (x === undefined) return undefined;
      vs.push(x);
      lens.push(this.events[e].len);
    }
    return concat(vs, lens, () => `a read of ${this.prog.locs[this.events[e0].loc]}`);
  }

  /**
   * Fills `values` for `rf`; false when a read's value contradicts what its path assumed. Checked
   * read by read, and on a mixed location segment by segment (`assumedPart`): a read's value (its
   * segments composed) is the one its path assumed exactly when each segment holds that value's
   * slice — the assumed value is one of the compositions of these segments' values that
   * ValueDomains.of made, so it is in range and each composition is a unique sum of slices.
   */
  private resolveValues(rf: Int32Array): boolean {
    const ev = this.events;
    const values = this.values;
    const init = this.cells.init;
    const assumedPart = this.assumedPart;
    if (this.constantWrites) {
      for (let e = 0; e < ev.length; e++) {
        if (ev[e].write) continue;
        const v = rf[e] < 0 ? init[ev[e].cell] : values[rf[e]];
        if (assumedPart[e] !== undefined && assumedPart[e] !== v) return false;
        values[e] = v;
      }
      return true;
    }
    const known = new Uint8Array(ev.length);
    const busy = new Uint8Array(ev.length);
    const valueOf = (e: number): number | undefined => {
      if (known[e]) return values[e];
      if (busy[e]) return undefined; // a value cycle: only in executions the axioms reject
      busy[e] = 1;
      let v: number | undefined;
      if (ev[e].write) {
        v = evaluateWith(ev[e].value, (i) => this.readVarValue(ev[e].thread, i, valueOf));
        if (v !== undefined) v = partValue(v, ev[e], ev[e].from, ev[e].len);
      } else v = rf[e] < 0 ? init[ev[e].cell] : valueOf(rf[e]);
      busy[e] = 0;
      if (v === undefined) return undefined;
      values[e] = v;
      known[e] = 1;
      return v;
    };
    for (let e = 0; e < ev.length; e++) if (valueOf(e) === undefined) return false;
    for (let e = 0; e < ev.length; e++) if (!ev[e].write && assumedPart[e] !== undefined && assumedPart[e] !== values[e]) return false;
    return true;
  }

  /** ppo.cat's fixpoint; the only parts that vary between candidates are rfi, rdw and detour. */
  private ppo(rfi: Rel, rdw: Rel, detour: Rel): Rel {
    const R = this.R;
    const empty = R.isEmpty(rfi) && R.isEmpty(rdw) && R.isEmpty(detour);
    if (empty && this.staticPpo) return this.staticPpo;
    const key = empty ? '' : `${rfi.join(',')}|${rdw.join(',')}|${detour.join(',')}`;
    const hit = this.ppoCache.get(key);
    if (hit) return hit;
    const ci = R.union(this.ctrlIsync, detour);
    const ii = R.union(this.dd, rfi, rdw);
    const cc = R.union(this.cc0);
    const ic = R.rel();
    for (;;) {
      let changed = false;
      changed = R.unionInto(ci, R.union(R.seq(ci, ii), R.seq(cc, ci))) || changed;
      changed = R.unionInto(ii, R.union(ci, R.seq(ic, ci), R.seq(ii, ii))) || changed;
      changed = R.unionInto(cc, R.union(ci, R.seq(ci, ic), R.seq(cc, cc))) || changed;
      changed = R.unionInto(ic, R.union(ii, cc, R.seq(ic, cc), R.seq(ii, ic))) || changed;
      if (!changed) break;
    }
    const ppo = R.union(R.restrict(ii, this.isR, this.isR), R.restrict(ic, this.isR, this.isW));
    if (empty) this.staticPpo = ppo;
    else this.ppoCache.set(key, ppo);
    return ppo;
  }
}

/**
 * Every final state the axiomatic model allows, keyed as explore.ts's defaultOutcome keys the
 * operational machine's (`0:r1=1;…;x=2`): what the two models are compared on.
 */
export function axiomaticFinalStates(prog: Program, opts: AxiomaticOptions = {}): Set<string> {
  const out = new Set<string>();
  enumerateExecutions(
    prog,
    (x) => {
      const regs = prog.threads.flatMap((t, i) => t.regs.map((r, k) => `${i}:${r}=${x.reg(i, k)}`));
      out.add([...regs, ...x.memory.map((v, l) => `${prog.locs[l]}=${v}`)].join(';'));
    },
    opts,
  );
  return out;
}
