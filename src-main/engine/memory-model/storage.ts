/**
 * The storage subsystem of the operational POWER model, after Sarkar, Sewell, Alglave, Maranget
 * and Williams, "Understanding POWER multiprocessors" (PLDI 2011), §3: memory is not one
 * array but, per thread, the list of writes and barriers that have *propagated* to it.
 *
 * - A write enters when its thread commits it ("accept write"); it is then visible to its own
 *   thread only, and coherence-after every write to its location that thread has seen.
 * - It propagates to each other thread separately ("propagate write"), after every barrier that
 *   was before it in its own thread's list has reached that thread (cumulativity, B side), and
 *   only if no coherence-later write is already there (a write so superseded never needs to).
 * - A barrier (sync, lwsync, eieio) enters when committed with its *group A*: the writes and
 *   barriers already propagated to its thread (eieio: its thread's own writes only). It can
 *   propagate to a thread once all of group A has (cumulativity, A side). A sync is
 *   acknowledged once it has propagated to every thread.
 * - A read is answered with the coherence-latest write to its location propagated to its thread.
 *
 * Coherence is a partial order built as writes meet in a thread's list; at the end of a run
 * every pair of writes to a location has met somewhere, so it is total.
 *
 * States are immutable: `accept*` / `propagate*` return new storage objects sharing what did not
 * change.
 */

export interface WriteRec {
  thread: number;
  /** Issue sequence number of the store in its thread (identifies the dynamic instance). */
  seq: number;
  pc: number;
  /** The location written. */
  loc: number;
  /**
   * The cell written: the location, or one segment of a mixed one (mixed.ts). A store to a mixed
   * location is one record per segment it covers (`parts` of them, consecutive ids, this one
   * `part`), coherence-ordered per cell and propagated together (Flur et al., POPL 2017).
   */
  cell: number;
  part: number;
  parts: number;
  /** The value in this cell (a mixed location's segment: its bytes only). */
  value: number;
  /** Threads the write has propagated to (bit per thread). */
  seen: number;
  /** Writes (ids) coherence-before this one (transitively closed). */
  coBefore: readonly number[];
  /** Barriers (ids) that were in its thread's list before it: they must reach a thread first. */
  barriersBefore: readonly number[];
  /** stwcx.: the write its lwarx read (−1: the initial value); nothing may come between them. Else −2. */
  atomicAfter: number;
  /**
   * Writes before a barrier before it in its thread's list (PLDI's barrier-separated pairs: each
   * must stay coherence-before it where both meet). Fixed when it is accepted: nothing is ever
   * inserted before it in its own thread's list.
   */
  sepBefore: readonly number[];
}

export interface BarrierRec {
  thread: number;
  seq: number;
  pc: number;
  kind: 'sync' | 'lwsync' | 'eieio';
  seen: number;
  groupWrites: readonly number[];
  groupBarriers: readonly number[];
}

export interface Storage {
  writes: readonly WriteRec[];
  barriers: readonly BarrierRec[];
  /**
   * Per thread, the writes in its list before the latest barrier there: what a write it accepts
   * next is barrier-separated from. The order of the list itself is needed for nothing else (group
   * A and B-cumulativity are sets, taken when a barrier or write enters), so it is not kept.
   */
  fenced: readonly (readonly number[])[];
  /** view[thread][cell]: id of the coherence-latest write propagated to the thread, −1 = initial value. */
  view: readonly (readonly number[])[];
}

export function initialStorage(threads: number, cells: number): Storage {
  return {
    writes: [],
    barriers: [],
    fenced: Array.from({ length: threads }, () => []),
    view: Array.from({ length: threads }, () => new Array<number>(cells).fill(-1)),
  };
}

const bit = (t: number): number => 1 << t;

export function coBefore(s: Storage, a: number, b: number): boolean {
  return a === -1 ? b !== -1 : b !== -1 && s.writes[b].coBefore.includes(a);
}

/** Is write w visible at thread t, or superseded there by a coherence-later write? */
export function reached(s: Storage, w: number, t: number): boolean {
  const rec = s.writes[w];
  if (rec.seen & bit(t)) return true;
  const v = s.view[t][rec.cell];
  return v !== -1 && v !== w && s.writes[v].coBefore.includes(w);
}

/** Accept a committed store from `thread` (PLDI "accept write request"). Returns the new storage and the write's id. */
export function acceptWrite(s: Storage, w: Omit<WriteRec, 'seen' | 'coBefore' | 'barriersBefore' | 'sepBefore'>): { storage: Storage; id: number } {
  const id = s.writes.length;
  const prev = s.view[w.thread][w.cell];
  const before = prev === -1 ? [] : [...s.writes[prev].coBefore, prev];
  const barriersBefore: number[] = [];
  for (let i = 0; i < s.barriers.length; i++) if ((s.barriers[i].seen & bit(w.thread)) !== 0) barriersBefore.push(i);
  const rec: WriteRec = { thread: w.thread, seq: w.seq, pc: w.pc, loc: w.loc, cell: w.cell, part: w.part, parts: w.parts, value: w.value, seen: bit(w.thread), coBefore: before, barriersBefore, atomicAfter: w.atomicAfter, sepBefore: s.fenced[w.thread] };
  const writes = s.writes.slice();
  writes.push(rec);
  let storage: Storage = { writes, barriers: s.barriers, fenced: s.fenced, view: setView(s.view, w.thread, w.cell, id) };
  storage = closeAtomic(storage, id);
  return { storage, id };
}

/** Can write w propagate to thread t now? */
function canPropagateWrite(s: Storage, w: number, t: number): boolean {
  const rec = s.writes[w];
  if (rec.seen & bit(t)) return false;
  for (const b of rec.barriersBefore) if ((s.barriers[b].seen & bit(t)) === 0) return false;
  const v = s.view[t][rec.cell];
  if (v === -1) return true;
  // Not superseded there, and it can be ordered after what the thread has seen.
  if (s.writes[v].coBefore.includes(w)) return false;
  if (rec.coBefore.includes(v)) return true;
  // PLDI's partial coherence commit: v before w must not close a cycle with coherence and the
  // order barriers impose (w1 before w2 when a barrier separates them in w2's thread's list).
  return !reachable(s, w, v) && !wouldBreakAtomic(s, v, w);
}

/**
 * Can the store whose first record is `w` propagate to thread t now? A store to a mixed location
 * goes as a whole (an aligned store is single-copy atomic at each CPU): every record of it not yet
 * seen or superseded there must be able to go, each after the others (coherence is then checked
 * with the others' edges in place). A record superseded there stays behind: the CPU has a newer
 * value in that cell.
 */
export function canPropagateStore(s: Storage, w: number, t: number): boolean {
  const n = s.writes[w].parts;
  if (n === 1) return canPropagateWrite(s, w, t);
  let st = s;
  let any = false;
  for (let p = w; p < w + n; p++) {
    if (canPropagateWrite(st, p, t)) {
      st = propagateWrite(st, p, t);
      any = true;
    } else if (!reached(st, p, t)) return false;
  }
  return any;
}

/** Propagates the store whose first record is `w` to thread t (canPropagateStore holds). */
export function propagateStore(s: Storage, w: number, t: number): Storage {
  const n = s.writes[w].parts;
  if (n === 1) return propagateWrite(s, w, t);
  let st = s;
  for (let p = w; p < w + n; p++) if (canPropagateWrite(st, p, t)) st = propagateWrite(st, p, t);
  return st;
}

/** Every write ordered (by coherence or a barrier-separated pair) before one of `seeds`, and the seeds. */
export function orderedBefore(s: Storage, seeds: readonly number[]): Set<number> {
  const out = new Set<number>(seeds);
  const stack = [...seeds];
  while (stack.length > 0) {
    const w = s.writes[stack.pop()!];
    for (const y of [...w.coBefore, ...w.sepBefore]) {
      if (out.has(y)) continue;
      out.add(y);
      stack.push(y);
    }
  }
  return out;
}

/** Is `to` reachable from `from` through coherence and barrier-separated pairs? */
function reachable(s: Storage, from: number, to: number): boolean {
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x === to) return true;
    for (let y = 0; y < s.writes.length; y++) {
      if (seen.has(y)) continue;
      if (s.writes[y].coBefore.includes(x) || s.writes[y].sepBefore.includes(x)) {
        seen.add(y);
        stack.push(y);
      }
    }
  }
  return false;
}

function propagateWrite(s: Storage, w: number, t: number): Storage {
  const rec = s.writes[w];
  const v = s.view[t][rec.cell];
  const writes = s.writes.slice();
  writes[w] = withSeen(rec, rec.seen | bit(t));
  let storage: Storage = { writes, barriers: s.barriers, fenced: s.fenced, view: setView(s.view, t, rec.cell, w) };
  if (v !== -1 && !rec.coBefore.includes(v)) storage = addCo(storage, v, w);
  return closeAtomic(storage, w);
}

/** Commit a barrier from `thread` (PLDI "accept barrier request"). */
export function acceptBarrier(s: Storage, b: Omit<BarrierRec, 'seen' | 'groupWrites' | 'groupBarriers'>): { storage: Storage; id: number } {
  const t = bit(b.thread);
  const groupWrites: number[] = [];
  for (let i = 0; i < s.writes.length; i++) {
    const w = s.writes[i];
    if ((w.seen & t) !== 0 && (b.kind !== 'eieio' || w.thread === b.thread)) groupWrites.push(i);
  }
  const groupBarriers: number[] = [];
  if (b.kind !== 'eieio') for (let i = 0; i < s.barriers.length; i++) if ((s.barriers[i].seen & t) !== 0) groupBarriers.push(i);
  const rec: BarrierRec = { thread: b.thread, seq: b.seq, pc: b.pc, kind: b.kind, seen: t, groupWrites, groupBarriers };
  const id = s.barriers.length;
  const barriers = s.barriers.slice();
  barriers.push(rec);
  return { storage: { writes: s.writes, barriers, fenced: fencedAt(s, b.thread), view: s.view }, id };
}

export function canPropagateBarrier(s: Storage, b: number, t: number): boolean {
  const rec = s.barriers[b];
  if (rec.seen & bit(t)) return false;
  for (const w of rec.groupWrites) if (!reached(s, w, t)) return false;
  for (const x of rec.groupBarriers) if ((s.barriers[x].seen & bit(t)) === 0) return false;
  return true;
}

export function propagateBarrier(s: Storage, b: number, t: number): Storage {
  const barriers = s.barriers.slice();
  const x = barriers[b];
  barriers[b] = { thread: x.thread, seq: x.seq, pc: x.pc, kind: x.kind, seen: x.seen | bit(t), groupWrites: x.groupWrites, groupBarriers: x.groupBarriers };
  return { writes: s.writes, barriers, fenced: fencedAt(s, t), view: s.view };
}

export function acknowledged(s: Storage, b: number, threads: number): boolean {
  return s.barriers[b].seen === (1 << threads) - 1;
}

// Copies as explicit literals: one hidden class per record kind keeps the hot paths monomorphic.
function withSeen(w: WriteRec, seen: number): WriteRec {
  return { thread: w.thread, seq: w.seq, pc: w.pc, loc: w.loc, cell: w.cell, part: w.part, parts: w.parts, value: w.value, seen, coBefore: w.coBefore, barriersBefore: w.barriersBefore, atomicAfter: w.atomicAfter, sepBefore: w.sepBefore };
}

function withCoBefore(w: WriteRec, coBefore: readonly number[]): WriteRec {
  return { thread: w.thread, seq: w.seq, pc: w.pc, loc: w.loc, cell: w.cell, part: w.part, parts: w.parts, value: w.value, seen: w.seen, coBefore, barriersBefore: w.barriersBefore, atomicAfter: w.atomicAfter, sepBefore: w.sepBefore };
}

/** `fenced` once a barrier enters thread t's list: every write in that list (those that reached t). */
function fencedAt(s: Storage, t: number): Storage['fenced'] {
  const ws: number[] = [];
  for (let i = 0; i < s.writes.length; i++) if ((s.writes[i].seen & bit(t)) !== 0) ws.push(i);
  const out = s.fenced.slice();
  out[t] = ws;
  return out;
}

function setView(view: Storage['view'], t: number, cell: number, w: number): Storage['view'] {
  const out = view.slice();
  const row = view[t].slice();
  row[cell] = w;
  out[t] = row;
  return out;
}

/** Adds a → b to coherence (with everything before a, before everything after b). */
function addCo(s: Storage, a: number, b: number): Storage {
  const add = [...s.writes[a].coBefore, a];
  const writes = s.writes.map((w, i) => {
    if (i !== b && !w.coBefore.includes(b)) return w;
    const missing = add.filter((x) => !w.coBefore.includes(x));
    return missing.length === 0 ? w : withCoBefore(w, [...w.coBefore, ...missing]);
  });
  return { writes, barriers: s.barriers, fenced: s.fenced, view: s.view };
}

/**
 * A successful stwcx. s is coherence-adjacent to the write r its lwarx read: whatever is
 * ordered after r (other than s) is ordered after s too.
 */
function closeAtomic(s: Storage, changed: number): Storage {
  let storage = s;
  for (let i = 0; i < storage.writes.length; i++) {
    const x = storage.writes[i];
    if (x.atomicAfter === -2) continue;
    const r = x.atomicAfter;
    for (let j = 0; j < storage.writes.length; j++) {
      if (j === i || storage.writes[j].cell !== x.cell) continue;
      if (coBefore(storage, r, j) && !storage.writes[j].coBefore.includes(i)) storage = addCo(storage, i, j);
    }
  }
  void changed;
  return storage;
}

/** Would ordering v before w (propagating w where v is latest) put w between an lwarx's write and its stwcx.? */
function wouldBreakAtomic(s: Storage, v: number, w: number): boolean {
  for (let i = 0; i < s.writes.length; i++) {
    const x = s.writes[i];
    if (x.atomicAfter === -2 || i === w || x.cell !== s.writes[w].cell) continue;
    const r = x.atomicAfter;
    // w would come after r (r is v or before v) but is already before x, the stwcx.
    if ((r === v || coBefore(s, r, v)) && s.writes[i].coBefore.includes(w)) return true;
  }
  return false;
}
