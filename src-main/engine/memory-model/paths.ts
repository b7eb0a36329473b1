/**
 * Per-thread semantics for the axiomatic model: every control path of one thread as a list of
 * memory events, with the dependencies herd7 computes from register data flow ("Herding cats", TOPLAS 2014):
 *
 *   addr  — read → access whose address registers carry the read's value;
 *   data  — read → store whose value register carries it;
 *   ctrl  — read → every event po-after a conditional branch whose cr0 carries it;
 *   ctrlisync — read → every event po-after an isync that is po-after such a branch.
 *
 * Values stay symbolic (symbolic.ts) until a branch, an address or a reservation needs a
 * concrete one; then the path forks over the values the read can return (its location's value
 * domain, `valueDomains`). Backward branches are unrolled at most `unroll` times per branch
 * target (herd7's `-unroll`, default 2); a path that would go further is dropped, as herd drops
 * "too far" executions.
 */
import { ModelBoundError } from './bounds';
import { branchTaken, CR_NONE, Fence, Op, type Program } from './program';
import { type Sym, SymTable, evaluate, mergeVars, varsOf } from './symbolic';
import { decodeAddress } from './values';
import { Accesses, concat, type Layout, layoutOf, partsOf, sameLayout, sliceOf } from './mixed';

export interface PathEvent {
  write: boolean;
  loc: number;
  /** Bytes accessed: from `offset` in the location, `size` of them (mixed.ts). */
  offset: number;
  size: number;
  /** Instruction index in the thread's code. */
  pc: number;
  /** Reads: index of the read variable (its value). −1 for writes. */
  read: number;
  /** Writes: the value written. */
  value: Sym;
  addr: number[];
  data: number[];
  ctrl: number[];
  ctrlIsync: number[];
  /** sync, lwsync, eieio instructions executed po-before this event. */
  syncs: number;
  lwsyncs: number;
  eieios: number;
  /** lwarx read or successful stwcx. write (herd's EX). */
  exclusive: boolean;
  /** A successful stwcx.: index (in `events`) of the lwarx read it pairs with, else −1. */
  rmwWith: number;
}

export interface ThreadPath {
  events: PathEvent[];
  /** Location of each read variable. */
  readLocs: number[];
  /** Offset and size of each read variable's access (its location's bytes it covers). */
  readOffsets: number[];
  readSizes: number[];
  /** Values the path assumed its reads return (branches, addresses, reservations took them). */
  assumed: (number | undefined)[];
  /** Final register values. */
  regs: Sym[];
  /** pc of the waiting load the thread is blocked at for good (no non-zero value came), or −1. */
  blockedAt: number;
  blockedLoc: number;
}

export interface PathOptions {
  unroll?: number;
  /** Bound on paths per thread. */
  maxPaths?: number;
  /**
   * false: a stwcx. whose reservation holds its location does not fail. Only for programs whose
   * every stwcx. is in a retry loop (`lwarx; stwcx.; bne retry`): a failed attempt writes
   * nothing, and dropping its lwarx from a consistent execution leaves one with the same final
   * state, so leaving failures out loses no final state.
   */
  stwcxFailure?: boolean;
  /**
   * Called where a path forks on a read's value, with the path so far: false cuts it and every
   * path extending it. Only for tests that are monotone (a prefix that fails, every extension fails).
   */
  prefixOk?: (thread: number, events: readonly PathEvent[], assumed: readonly (number | undefined)[]) => boolean;
  /** Threads whose paths are computed first, in this order (the others follow in index order). */
  threadOrder?: number[];
  /** Called with each thread's paths as soon as they are computed (before the next thread's). */
  onThreadPaths?: (thread: number, paths: ThreadPath[]) => void;
}

interface RegVal {
  sym: Sym;
  deps: number[];
}

interface PathState {
  pc: number;
  regs: RegVal[];
  cr0: RegVal;
  /** Reservation set by lwarx: location and the deps of its address, or null. */
  res: { loc: number; deps: number[]; event: number } | null;
  events: PathEvent[];
  readLocs: number[];
  readOffsets: number[];
  readSizes: number[];
  assumed: (number | undefined)[];
  ctrl: number[];
  ctrlIsync: number[];
  syncs: number;
  lwsyncs: number;
  eieios: number;
  backJumps: Map<number, number>;
  steps: number;
}

const MAX_STEPS = 100_000;

function clone(s: PathState): PathState {
  return {
    ...s,
    regs: s.regs.slice(),
    events: s.events.slice(),
    readLocs: s.readLocs.slice(),
    readOffsets: s.readOffsets.slice(),
    readSizes: s.readSizes.slice(),
    assumed: s.assumed.slice(),
    backJumps: new Map(s.backJumps),
  };
}

/** Every path of thread `t`; `domains` gives the values a read may return. */
export function threadPaths(prog: Program, t: number, domains: ValueDomains, opts: PathOptions = {}): { paths: ThreadPath[]; usedDomains: boolean; accesses: Accesses } {
  const accesses = new Accesses(prog.locs.length);
  const unroll = opts.unroll ?? 2;
  const maxPaths = opts.maxPaths ?? 20_000;
  const stwcxFailure = opts.stwcxFailure ?? true;
  const th = prog.threads[t];
  const code = th.code;
  const syms = new SymTable();
  const paths: ThreadPath[] = [];
  let usedDomains = false;
  const zero: RegVal = { sym: syms.constant(0), deps: [] };

  const start: PathState = {
    pc: 0,
    regs: th.init.map((v) => ({ sym: syms.constant(v), deps: [] })),
    cr0: { sym: syms.constant(CR_NONE), deps: [] },
    res: null,
    events: [],
    readLocs: [],
    readOffsets: [],
    readSizes: [],
    assumed: [],
    ctrl: [],
    ctrlIsync: [],
    syncs: 0,
    lwsyncs: 0,
    eieios: 0,
    backJumps: new Map(),
    steps: 0,
  };

  /** Runs `s` to completion, forking where a value must be known. */
  const run = (s: PathState): void => {
    for (;;) {
      if (paths.length > maxPaths) throw new ModelBoundError(`thread ${th.name} has more than ${maxPaths} paths`);
      if (++s.steps > MAX_STEPS) throw new ModelBoundError(`thread ${th.name} runs more than ${MAX_STEPS} instructions on one path`);
      if (s.pc >= code.length) {
        paths.push({ events: s.events, readLocs: s.readLocs, readOffsets: s.readOffsets, readSizes: s.readSizes, assumed: s.assumed, regs: s.regs.map((r) => r.sym), blockedAt: -1, blockedLoc: -1 });
        return;
      }
      const ins = code[s.pc];
      switch (ins.op) {
        case Op.Li:
          s.regs[ins.rd] = { sym: syms.constant(ins.imm), deps: [] };
          break;
        case Op.Mr:
          s.regs[ins.rd] = s.regs[ins.ra];
          break;
        case Op.Arith: {
          const a = s.regs[ins.ra];
          const b = ins.rb >= 0 ? s.regs[ins.rb] : { sym: syms.constant(ins.imm), deps: [] };
          const r = { sym: syms.apply(ins.fn, a.sym, b.sym), deps: mergeVars(a.deps, b.deps) };
          s.regs[ins.rd] = r;
          if (ins.setsCr0) s.cr0 = { sym: syms.apply('cmp', r.sym, syms.constant(0)), deps: r.deps };
          break;
        }
        case Op.Cmp: {
          const a = s.regs[ins.ra];
          const b = ins.rb >= 0 ? s.regs[ins.rb] : { sym: syms.constant(ins.imm), deps: [] };
          s.cr0 = { sym: syms.apply('cmp', a.sym, b.sym), deps: mergeVars(a.deps, b.deps) };
          break;
        }
        case Op.Branch: {
          let taken = true;
          if (ins.mask !== 0) {
            const v = need(s, s.cr0.sym);
            if (v === undefined) return;
            taken = branchTaken(ins, v);
            s.ctrl = mergeVars(s.ctrl, s.cr0.deps);
          }
          if (taken) {
            if (ins.target <= s.pc) {
              const n = (s.backJumps.get(ins.target) ?? 0) + 1;
              if (n > unroll) return; // herd: "loop unrolling limit reached", execution dropped
              s.backJumps.set(ins.target, n);
            }
            s.pc = ins.target;
            continue;
          }
          break;
        }
        case Op.Load: {
          const ea = effectiveAddress(s, ins.addr!, ins.size);
          if (ea === undefined) return;
          const i = s.readLocs.length;
          s.readLocs.push(ea.loc);
          s.readOffsets.push(ea.offset);
          s.readSizes.push(ins.size);
          s.assumed.push(undefined);
          if (ins.wait) {
            // A waiting load takes a non-zero value, or the thread stays blocked here for good.
            usedDomains = true;
            paths.push({
              events: s.events.slice(),
              readLocs: s.readLocs.slice(0, -1),
              readOffsets: s.readOffsets.slice(0, -1),
              readSizes: s.readSizes.slice(0, -1),
              assumed: s.assumed.slice(0, -1),
              regs: s.regs.map((r) => r.sym),
              blockedAt: s.pc,
              blockedLoc: ea.loc,
            });
            for (const value of domains.of(ea.loc, ea.offset, ins.size)) {
              if (value === 0) continue;
              const c = clone(s);
              c.assumed[i] = value;
              c.events.push(event(c, false, ea, ins.size, c.pc, i, zero.sym, ea.deps, [], ins.atomic, -1));
              if (opts.prefixOk && !opts.prefixOk(t, c.events, c.assumed)) continue;
              c.regs[ins.rd] = { sym: syms.read(i), deps: [i] };
              // A waiting lwarx (taking a doorbell) reserves like any other.
              if (ins.atomic) c.res = { loc: ea.loc, deps: ea.deps, event: c.events.length - 1 };
              c.pc++;
              run(c);
            }
            return;
          }
          s.events.push(event(s, false, ea, ins.size, s.pc, i, zero.sym, ea.deps, [], ins.atomic, -1));
          s.regs[ins.rd] = { sym: syms.read(i), deps: [i] };
          if (ins.atomic) s.res = { loc: ea.loc, deps: ea.deps, event: s.events.length - 1 };
          break;
        }
        case Op.Store: {
          const ea = effectiveAddress(s, ins.addr!, ins.size);
          if (ea === undefined) return;
          const val = ins.ra >= 0 ? s.regs[ins.ra] : { sym: syms.constant(ins.imm), deps: [] };
          if (!ins.atomic) {
            s.events.push(event(s, true, ea, ins.size, s.pc, -1, val.sym, ea.deps, val.deps, false, -1));
            break;
          }
          // stwcx.: fails (always possible), or succeeds if the reservation holds this location.
          const res = s.res;
          s.res = null;
          if (res && res.loc === ea.loc) {
            const ok = clone(s);
            ok.events.push(event(ok, true, ea, ins.size, ok.pc, -1, val.sym, ea.deps, mergeVars(val.deps, res.deps), true, res.event));
            ok.cr0 = { sym: syms.constant(0), deps: [] };
            ok.pc++;
            run(ok);
            if (!stwcxFailure) return;
          }
          s.cr0 = { sym: syms.constant(CR_NONE), deps: [] };
          break;
        }
        case Op.Fence:
          if (ins.fence === Fence.Sync) s.syncs++;
          else if (ins.fence === Fence.Lwsync) s.lwsyncs++;
          else if (ins.fence === Fence.Eieio) s.eieios++;
          else s.ctrlIsync = mergeVars(s.ctrlIsync, s.ctrl);
          break;
        case Op.Note:
          break;
      }
      s.pc++;
    }
  };

  /**
   * The value of `sym` on this path; if it depends on reads whose value the path has not
   * assumed yet, forks one path per combination of their possible values (each continuing via
   * `run` from a clone) and returns undefined to end the current one.
   */
  const need = (s: PathState, sym: Sym): number | undefined => {
    const v = evaluate(sym, s.assumed);
    if (v !== undefined) return v;
    usedDomains = true;
    const free = varsOf(sym).filter((i) => s.assumed[i] === undefined);
    const fork = (k: number, st: PathState): void => {
      if (k === free.length) {
        if (opts.prefixOk && !opts.prefixOk(t, st.events, st.assumed)) return;
        run(st);
        return;
      }
      for (const value of domains.of(st.readLocs[free[k]], st.readOffsets[free[k]], st.readSizes[free[k]])) {
        const c = clone(st);
        c.assumed[free[k]] = value;
        fork(k + 1, c);
      }
    };
    fork(0, s);
    return undefined;
  };

  const effectiveAddress = (s: PathState, a: NonNullable<(typeof code)[number]['addr']>, size: number): { loc: number; offset: number; deps: number[] } | undefined => {
    const base = a.base >= 0 ? s.regs[a.base] : { sym: syms.constant((a.loc + 1) * 2 ** 32), deps: [] };
    const index = a.index >= 0 ? s.regs[a.index] : { sym: syms.constant(a.offset), deps: [] };
    const sum = syms.apply('add', base.sym, index.sym);
    const v = need(s, sum);
    if (v === undefined) return undefined;
    const d = decodeAddress(v);
    if (!d || d.loc >= prog.locs.length) throw new ModelBoundError(`thread ${th.name}: address ${v} is not a location (instruction ${s.pc + 1})`);
    const at = `thread ${th.name}: ${size}-byte access at ${prog.locs[d.loc]}${d.offset ? `+${d.offset}` : ''} (instruction ${s.pc + 1})`;
    // herd7 refuses unaligned mixed-size accesses too; a POWER access of that size is not single-copy atomic.
    if (d.offset % size !== 0) throw new ModelBoundError(`${at} is not aligned`);
    const declared = prog.sizes[d.loc];
    if (declared !== undefined && d.offset + size > declared) throw new ModelBoundError(`${at} reaches past its ${declared} bytes`);
    if (d.offset + size > 8) throw new ModelBoundError(`${at} reaches past 8 bytes (a location is at most a doubleword)`);
    accesses.add(d.loc, d.offset, size);
    return { loc: d.loc, offset: d.offset, deps: mergeVars(base.deps, index.deps) };
  };

  run(start);
  return { paths, usedDomains, accesses };

  function event(s: PathState, write: boolean, at: { loc: number; offset: number }, size: number, pc: number, read: number, value: Sym, addr: number[], data: number[], exclusive: boolean, rmwWith: number): PathEvent {
    return { write, loc: at.loc, offset: at.offset, size, pc, read, value, addr, data, ctrl: s.ctrl, ctrlIsync: s.ctrlIsync, syncs: s.syncs, lwsyncs: s.lwsyncs, eieios: s.eieios, exclusive, rmwWith };
  }
}


const MAX_DOMAIN = 64;
const MAX_ROUNDS = 16;

/**
 * The values a read may return: per location, its initial value and every value a path can write
 * there; for a mixed location (mixed.ts), per byte, and a read of some of its bytes returns any
 * combination of what each byte may hold.
 */
export class ValueDomains {
  private readonly cache = new Map<string, number[]>();

  constructor(
    readonly layout: Layout,
    readonly whole: number[][],
    /** Per mixed location, the values each of its segments may hold; null for the others. */
    readonly bytes: (number[][] | null)[],
    private readonly locs: readonly string[],
  ) {}

  static initial(prog: Program, layout: Layout): ValueDomains {
    return new ValueDomains(
      layout,
      prog.init.map((v) => [v]),
      prog.init.map((v, l) => (layout.mixed[l] ? partsOf(layout, l, 0, layout.width[l]).map((p) => [sliceOf(v, layout.width[l], p.from, p.len)]) : null)),
      prog.locs,
    );
  }

  of(loc: number, offset: number, size: number): readonly number[] {
    const bytes = this.bytes[loc];
    if (!bytes) return this.whole[loc] ?? [0];
    const key = `${loc}:${offset}:${size}`;
    let out = this.cache.get(key);
    if (!out) {
      const parts = partsOf(this.layout, loc, offset, size);
      let combos: number[][] = [[]];
      for (const p of parts) combos = combos.flatMap((c) => bytes[p.index].map((b) => [...c, b]));
      if (combos.length > MAX_DOMAIN) throw new ModelBoundError(`a ${size}-byte read of ${this.locs[loc]} may return more than ${MAX_DOMAIN} values`);
      const lens = parts.map((p) => p.len);
      out = combos.map((c) => concat(c, lens, () => `a ${size}-byte read of ${this.locs[loc]}`)).sort((a, b) => a - b);
      this.cache.set(key, out);
    }
    return out;
  }

  sameAs(o: ValueDomains): boolean {
    return this.whole.every((d, l) => d.length === o.whole[l].length) && this.bytes.every((b, l) => !b || b.every((d, k) => d.length === o.bytes[l]![k].length));
  }
}

/**
 * The paths of every thread, with the value domain of every location. Paths that fork on read
 * values need the domains, and the domains come from the paths' writes, so the two are computed
 * together to a fixpoint — and with them the layout (which locations are mixed), which the
 * accesses' addresses decide.
 */
export function programPaths(prog: Program, opts: PathOptions = {}): { paths: ThreadPath[][]; domains: ValueDomains } {
  const staticAccesses = namedAccesses(prog);
  let layout = layoutOf(prog.sizes, staticAccesses);
  let domains = ValueDomains.initial(prog, layout);
  for (let round = 0; ; round++) {
    let used = false;
    const paths: ThreadPath[][] = [];
    const accesses = new Accesses(prog.locs.length);
    accesses.addAll(staticAccesses);
    const order = [...(opts.threadOrder ?? []), ...prog.threads.map((_, t) => t).filter((t) => !opts.threadOrder?.includes(t))];
    for (const t of order) {
      const r = threadPaths(prog, t, domains, opts);
      used ||= r.usedDomains;
      paths[t] = r.paths;
      accesses.addAll(r.accesses);
      opts.onThreadPaths?.(t, r.paths);
    }
    const found = layoutOf(prog.sizes, accesses);
    const settled = sameLayout(found, layout);
    const next = settled ? writtenValues(prog, paths, domains) : null;
    if (next && (!used || next.sameAs(domains))) return { paths, domains: next };
    if (round >= MAX_ROUNDS) throw new ModelBoundError(`the values of the locations do not settle after ${MAX_ROUNDS} rounds`);
    if (!next) {
      // An access through a register reached a location in a way the layout did not expect.
      layout = found;
      domains = ValueDomains.initial(prog, layout);
    } else domains = next;
  }
}

/** Does some access take its address from a register (where it goes is then known only on its paths)? */
export function addressesFromRegisters(prog: Program): boolean {
  return prog.threads.some((th) => th.code.some((c) => c.addr && (c.addr.base >= 0 || c.addr.index >= 0)));
}

/** The accesses whose instruction names its location (no address register): known before any path. */
export function namedAccesses(prog: Program): Accesses {
  const acc = new Accesses(prog.locs.length);
  for (const th of prog.threads) for (const c of th.code) if (c.addr && c.addr.base < 0 && c.addr.index < 0) acc.add(c.addr.loc, c.addr.offset, c.size);
  return acc;
}

function writtenValues(prog: Program, paths: ThreadPath[][], domains: ValueDomains): ValueDomains {
  const { layout } = domains;
  const out = domains.whole.map((d) => new Set(d));
  const bytes = domains.bytes.map((b) => (b ? b.map((d) => new Set(d)) : null));
  for (const tp of paths) {
    for (const p of tp) {
      for (const e of p.events) {
        if (!e.write) continue;
        const free = varsOf(e.value).filter((i) => p.assumed[i] === undefined);
        const reads = p.assumed.slice();
        const each = (k: number): void => {
          if (k === free.length) {
            const v = evaluate(e.value, reads)!;
            out[e.loc].add(v);
            if (out[e.loc].size > MAX_DOMAIN) throw new ModelBoundError(`location ${prog.locs[e.loc]} may hold more than ${MAX_DOMAIN} values`);
            const b = bytes[e.loc];
            if (b) for (const part of partsOf(layout, e.loc, e.offset, e.size)) b[part.index].add(sliceOf(v, e.size, part.from, part.len));
            return;
          }
          for (const v of domains.of(p.readLocs[free[k]], p.readOffsets[free[k]], p.readSizes[free[k]])) {
            reads[free[k]] = v;
            each(k + 1);
          }
          reads[free[k]] = undefined;
        };
        each(0);
      }
    }
  }
  const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);
  return new ValueDomains(
    layout,
    out.map(sorted),
    bytes.map((b) => (b ? b.map(sorted) : null)),
    prog.locs,
  );
}
