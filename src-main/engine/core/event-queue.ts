/**
 * The event queue (gem5 eventq.hh / SimPy core.py): events ordered by (time, priority,
 * insertion sequence).
 *
 * Layout, for speed on hold-model workloads (every event schedules another a little later):
 * - Events are pooled records in parallel typed arrays, so scheduling allocates nothing.
 * - Near-future events sit in a bucket wheel (a calendar queue, Brown 1988): bucket i holds
 *   the events in [base + i·width, base + (i+1)·width), each bucket a list sorted by
 *   (time, key). New events almost always go at a bucket's tail and the next event is at the
 *   head of the first non-empty bucket, so both are O(1).
 * - Events beyond the wheel's horizon wait in a binary heap (overflow-heap.ts). When the wheel
 *   runs empty it is re-laid from the heap's earliest events: the width from their mean
 *   separation, the bucket count from how many events are pending.
 *
 * key = priority × 2^40 + sequence orders ties by priority, then by insertion (exact below
 * 2^53). Both structures order by (time, key), so moving records between them never changes
 * the order in which events run.
 *
 * Cancelling (gem5's EventQueue::deschedule): `schedule` returns a handle, the record's id and
 * how many times that record has been used, packed in one number (no allocation). `cancel`
 * unlinks a wheel record at once; a heap record becomes a tombstone that the heap drops when
 * it reaches the top. Removing events never changes the order of the others.
 */
import { OverflowHeap } from './overflow-heap';

export type EventHandler = () => void;
/** A scheduled event, for `cancel`: stays valid (and unambiguous) after the event ran or was cancelled. */
export type EventHandle = number;

const SEQ_SPAN = 2 ** 40;
/** End of a record list. */
const NONE = -1;
const MIN_BUCKETS = 64;
const MAX_BUCKETS = 1 << 20;
/** Buckets per pending event: keeps the wheel's horizon well past typical delays. */
const BUCKETS_PER_EVENT = 4;
/** Events sampled to choose the width, and the width in mean separations (Brown: 3). */
const SAMPLE = 32;
const SEPARATIONS_PER_BUCKET = 3;
/** Widest bucket, ns (2^40 ns ≈ 18 min). Widths are powers of two, so (time − base) / width is exact. */
const MAX_WIDTH = 2 ** 40;
/** Sorted-insert steps allowed per link before the wheel is re-laid narrower (see crowded). */
const SCAN_BUDGET_PER_LINK = 4;
const SCAN_BUDGET_BASE = 4096;
/** Handle = stamp × ID_SPAN + record id: at most 2^26 records, each used at most 2^26 times (then retired). */
const ID_SPAN = 2 ** 26;
const MAX_STAMP = 2 ** 26;

export class EventQueue {
  // Event records. `recNext` links a record into its bucket's list, or into the free list.
  private recTime = new Float64Array(0);
  private recKey = new Float64Array(0);
  private recNext = new Int32Array(0);
  private recHandler: (EventHandler | undefined)[] = [];
  private recLabel: (string | undefined)[] = [];
  /** Uses of each record so far: the stamp in the handle of the event it holds. */
  private recStamp = new Int32Array(0);
  private freeHead = NONE;
  /** Cancelled records still in the heap. */
  private tombstones = 0;

  // The wheel: `buckets` lists (heads/tails are record ids) from `base`, `width` ns each.
  private heads = new Int32Array(MIN_BUCKETS).fill(NONE);
  private tails = new Int32Array(MIN_BUCKETS);
  private buckets = MIN_BUCKETS;
  private base = 0;
  private width = 1;
  private invWidth = 1;
  private horizon = MIN_BUCKETS;
  /** No event in the wheel is in a bucket before this one. */
  private cursor = 0;
  private wheelCount = 0;
  /** Since the wheel was last laid out: records linked, and steps walked by sorted inserts. */
  private links = 0;
  private scans = 0;

  private readonly overflow = new OverflowHeap();
  private readonly sample = new Int32Array(SAMPLE);
  private seq = 0;
  private _now = 0;
  private halted = false;

  constructor() {
    this.growRecords();
  }

  get now(): number {
    return this._now;
  }
  /** Pending events (cancelled ones not counted). */
  get size(): number {
    return this.wheelCount + this.overflow.size - this.tombstones;
  }
  /** Time of the next event, or Infinity when empty. */
  peekTime(): number {
    if (this.wheelCount > 0) return this.recTime[this.heads[this.firstBucket()]];
    this.dropTopTombstones();
    return this.overflow.minTime();
  }

  /**
   * Schedules `handler` at absolute time `time` (integer ns). Scheduling into the past is a bug.
   * Returns a handle for `cancel`.
   */
  schedule(time: number, priority: number, handler: EventHandler, label?: string): EventHandle {
    if (time < this._now || !Number.isSafeInteger(time)) throw this.badTime(time, label);
    const key = priority * SEQ_SPAN + this.seq++;
    if (this.freeHead === NONE) this.growRecords();
    const id = this.freeHead;
    this.freeHead = this.recNext[id];
    this.recTime[id] = time;
    this.recKey[id] = key;
    this.recHandler[id] = handler;
    this.recLabel[id] = label;
    const stamp = ++this.recStamp[id];
    if (time < this.horizon) this.link(id, time, key);
    else this.overflow.push(time, key, id);
    return stamp * ID_SPAN + id;
  }

  /**
   * Deschedules the event of `handle` (gem5's deschedule). Returns false, changing nothing, if
   * it already ran (or is running) or was cancelled before.
   */
  cancel(handle: EventHandle): boolean {
    const stamp = Math.floor(handle / ID_SPAN);
    const id = handle - stamp * ID_SPAN;
    if (!(id >= 0 && id < this.recStamp.length) || this.recStamp[id] !== stamp || this.recHandler[id] === undefined) return false;
    this.recHandler[id] = undefined;
    this.recLabel[id] = undefined;
    // A record is in the wheel exactly when its time is before the horizon (schedule, refill).
    if (this.recTime[id] < this.horizon) {
      this.unlink(id);
      this.release(id);
    } else this.tombstones++;
    return true;
  }

  /** Is the event of `handle` still to run? */
  pending(handle: EventHandle): boolean {
    const stamp = Math.floor(handle / ID_SPAN);
    const id = handle - stamp * ID_SPAN;
    return id >= 0 && id < this.recStamp.length && this.recStamp[id] === stamp && this.recHandler[id] !== undefined;
  }

  /** Out of line so that `schedule` stays small enough to be inlined into hot handlers. */
  private badTime(time: number, label: string | undefined): Error {
    if (time < this._now) return new Error(`event '${label ?? '?'}' scheduled at ${time} ns, before now (${this._now} ns)`);
    return new Error(`event '${label ?? '?'}' time ${time} is not an integer ns`);
  }

  /** Removes and runs the next event; returns false when the queue is empty. */
  step(): boolean {
    if (this.wheelCount === 0) {
      if (this.overflow.size === this.tombstones) return false;
      this.refill(MAX_WIDTH, Infinity);
    }
    this.fire(this.firstBucket());
    return true;
  }

  /**
   * Ends the run after the event now running (or before the next one, between events): no
   * later `runUntil` runs anything and the clock stays at the last event's time.
   */
  halt(): void {
    this.halted = true;
  }
  /** Lifts a halt: the next runUntil goes on from the event after the one that halted. */
  unhalt(): void {
    this.halted = false;
  }
  get isHalted(): boolean {
    return this.halted;
  }

  /** Runs events with time ≤ until; the clock ends at `until` unless halted. Returns the count run. */
  runUntil(until: number, shouldStop?: () => boolean): number {
    let count = 0;
    while (!this.halted) {
      if (this.wheelCount === 0) {
        this.dropTopTombstones();
        if (this.overflow.size === 0 || this.overflow.minTime() > until) break;
        this.refill(MAX_WIDTH, Infinity);
      }
      const b = this.firstBucket();
      if (this.recTime[this.heads[b]] > until) break;
      this.fire(b);
      count++;
      if (shouldStop && (count & 1023) === 0 && shouldStop()) return count;
    }
    if (!this.halted && until > this._now && until !== Infinity) this._now = until;
    return count;
  }

  /** Drops every event; handles given out before stay invalid (records keep their stamps). */
  clear(): void {
    this.recHandler.fill(undefined);
    this.recLabel.fill(undefined);
    this.freeHead = NONE;
    for (let id = this.recStamp.length - 1; id >= 0; id--) this.release(id);
    this.heads.fill(NONE);
    this.overflow.clear();
    this.tombstones = 0;
    this.wheelCount = 0;
    this.layOut(0, 1, MIN_BUCKETS);
    this.seq = 0;
    this._now = 0;
    this.halted = false;
  }

  /**
   * The first non-empty bucket from the cursor; the wheel must not be empty. Does not move the
   * cursor: an event may still be scheduled before the one found (until that one runs).
   */
  private firstBucket(): number {
    const heads = this.heads;
    let b = this.cursor;
    while (heads[b] === NONE) b++;
    return b;
  }

  /** Runs the head of bucket `b`, the earliest event. Later events are never before it. */
  private fire(b: number): void {
    const id = this.heads[b];
    this.cursor = b;
    this.heads[b] = this.recNext[id];
    this.wheelCount--;
    const handler = this.recHandler[id]!;
    const label = this.recLabel[id];
    this._now = this.recTime[id];
    this.recHandler[id] = undefined;
    this.recLabel[id] = undefined;
    this.release(id);
    try {
      handler();
    } catch (cause) {
      throw new EventFailure(this._now, label, cause);
    }
  }

  /** Returns record `id` to the free list, or retires it once its stamps are used up. */
  private release(id: number): void {
    if (this.recStamp[id] >= MAX_STAMP - 1) return;
    this.recNext[id] = this.freeHead;
    this.freeHead = id;
  }

  /** Takes record `id` out of its wheel bucket. */
  private unlink(id: number): void {
    const b = Math.floor((this.recTime[id] - this.base) * this.invWidth);
    const next = this.recNext;
    let prev = NONE;
    let cur = this.heads[b];
    while (cur !== id) {
      prev = cur;
      cur = next[cur];
    }
    if (prev === NONE) this.heads[b] = next[id];
    else next[prev] = next[id];
    if (this.tails[b] === id) this.tails[b] = prev;
    this.wheelCount--;
  }

  /** Pops cancelled records off the top of the heap, so its minimum is a live event's. */
  private dropTopTombstones(): void {
    const heap = this.overflow;
    while (this.tombstones > 0 && heap.size > 0 && this.recHandler[heap.minId()] === undefined) {
      this.release(heap.pop());
      this.tombstones--;
    }
  }

  /** Puts record `id` (time within the wheel) into its bucket, keeping the bucket sorted. */
  private link(id: number, time: number, key: number): void {
    const b = Math.floor((time - this.base) * this.invWidth);
    const next = this.recNext;
    this.wheelCount++;
    this.links++;
    if (this.heads[b] === NONE) {
      this.heads[b] = id;
      this.tails[b] = id;
      next[id] = NONE;
      return;
    }
    const tail = this.tails[b];
    const tt = this.recTime[tail];
    if (tt < time || (tt === time && this.recKey[tail] < key)) {
      next[tail] = id;
      next[id] = NONE;
      this.tails[b] = id;
      return;
    }
    this.insertBeforeTail(b, id, time, key);
  }

  /** The new record goes before the tail of bucket `b`: walk from the head to its place. */
  private insertBeforeTail(b: number, id: number, time: number, key: number): void {
    const times = this.recTime;
    const keys = this.recKey;
    const next = this.recNext;
    let prev = NONE;
    let cur = this.heads[b];
    let steps = 0;
    while (times[cur] < time || (times[cur] === time && keys[cur] < key)) {
      prev = cur;
      cur = next[cur];
      steps++;
    }
    next[id] = cur;
    if (prev === NONE) this.heads[b] = id;
    else next[prev] = id;
    this.scans += steps;
    if (this.scans > SCAN_BUDGET_BASE + SCAN_BUDGET_PER_LINK * this.links && this.width > 1) this.crowded();
  }

  /**
   * Buckets hold too many events (the width was chosen from a sparser stretch): move every
   * event back to the heap and lay the wheel out again at most 1/16 as wide.
   */
  private crowded(): void {
    const heads = this.heads;
    for (let b = this.cursor; b < this.buckets; b++) {
      for (let id = heads[b]; id !== NONE; id = this.recNext[id]) this.overflow.push(this.recTime[id], this.recKey[id], id);
      heads[b] = NONE;
    }
    this.wheelCount = 0;
    this.refill(Math.max(1, this.width / 16), this._now);
  }

  /**
   * Lays the wheel out from the heap's earliest events; the wheel must be empty. It starts at
   * the earliest event, or at `from` if that is earlier (the current event is still running
   * and may schedule at `now`). Records are linked in heap order, so each goes at its
   * bucket's tail and the sorted insert (and so `crowded`) never runs from here.
   */
  private refill(maxWidth: number, from: number): void {
    const heap = this.overflow;
    const times = this.recTime;
    const keys = this.recKey;
    const sample = this.sample;
    let k = 0;
    while (k < SAMPLE && heap.size > 0) {
      const id = heap.pop();
      if (this.recHandler[id] !== undefined) sample[k++] = id;
      else this.dropTombstone(id);
    }
    const first = times[sample[0]];
    let width = this.width;
    if (k > 1) width = pow2AtLeast(Math.min(MAX_WIDTH, ((times[sample[k - 1]] - first) / (k - 1)) * SEPARATIONS_PER_BUCKET));
    width = Math.min(width, maxWidth);
    const buckets = Math.min(MAX_BUCKETS, Math.max(MIN_BUCKETS, pow2AtLeast((k + heap.size) * BUCKETS_PER_EVENT)));
    this.layOut(Math.floor(Math.min(first, from) / width) * width, width, buckets);
    for (let i = 0; i < k; i++) {
      const id = sample[i];
      if (times[id] < this.horizon) this.link(id, times[id], keys[id]);
      else heap.push(times[id], keys[id], id);
    }
    while (heap.size > 0 && heap.minTime() < this.horizon) {
      const id = heap.pop();
      if (this.recHandler[id] !== undefined) this.link(id, times[id], keys[id]);
      else this.dropTombstone(id);
    }
  }

  private dropTombstone(id: number): void {
    this.release(id);
    this.tombstones--;
  }

  /** An empty wheel of `buckets` buckets of `width` ns (a power of two) from `base`. */
  private layOut(base: number, width: number, buckets: number): void {
    if (buckets > this.heads.length) {
      this.heads = new Int32Array(buckets).fill(NONE);
      this.tails = new Int32Array(buckets);
    }
    this.buckets = buckets;
    this.base = base;
    this.width = width;
    this.invWidth = 1 / width;
    this.horizon = base + buckets * width;
    this.cursor = 0;
    this.links = 0;
    this.scans = 0;
  }

  /** Doubles the record pool (at least 256) and puts the new records on the free list. */
  private growRecords(): void {
    const old = this.recTime.length;
    const n = Math.max(256, old * 2);
    const times = new Float64Array(n);
    const keys = new Float64Array(n);
    const next = new Int32Array(n);
    const stamps = new Int32Array(n);
    if (n > ID_SPAN) throw new Error(`event queue: more than ${ID_SPAN} pending events`);
    times.set(this.recTime);
    keys.set(this.recKey);
    next.set(this.recNext);
    stamps.set(this.recStamp);
    for (let id = old; id < n; id++) {
      next[id] = id + 1 < n ? id + 1 : this.freeHead;
      this.recHandler.push(undefined);
      this.recLabel.push(undefined);
    }
    this.recTime = times;
    this.recKey = keys;
    this.recNext = next;
    this.recStamp = stamps;
    this.freeHead = old;
  }
}

/** The smallest power of two ≥ x (x ≥ 1 gives at least 1). */
function pow2AtLeast(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

/** A handler threw: the run stops with this cause unless the caller handles it. */
export class EventFailure extends Error {
  override name = 'EventFailure';
  constructor(
    readonly timeNs: number,
    readonly label: string | undefined,
    override readonly cause: unknown,
  ) {
    super(`event '${label ?? 'unnamed'}' at ${timeNs} ns failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
