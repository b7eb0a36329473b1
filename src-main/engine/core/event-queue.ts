/**
 * The event queue (gem5 eventq.hh / SimPy core.py): events ordered by (time, priority,
 * insertion sequence). A binary heap over parallel arrays keeps the hot path allocation-light.
 */
export type EventHandler = () => void;

/** priority × 2^40 + seq orders ties by priority, then by insertion; exact below 2^53. */
const SEQ_SPAN = 2 ** 40;

export class EventQueue {
  private times: number[] = [];
  private keys: number[] = [];
  private handlers: EventHandler[] = [];
  private labels: (string | undefined)[] = [];
  private seq = 0;
  private _now = 0;

  get now(): number {
    return this._now;
  }
  get size(): number {
    return this.times.length;
  }
  /** Time of the next event, or Infinity when empty. */
  peekTime(): number {
    return this.times.length ? this.times[0] : Infinity;
  }

  /** Schedules `handler` at absolute time `time` (integer ns). Scheduling into the past is a bug. */
  schedule(time: number, priority: number, handler: EventHandler, label?: string): void {
    if (time < this._now) throw new Error(`event '${label ?? '?'}' scheduled at ${time} ns, before now (${this._now} ns)`);
    if (!Number.isSafeInteger(time)) throw new Error(`event '${label ?? '?'}' time ${time} is not an integer ns`);
    const key = priority * SEQ_SPAN + this.seq++;
    let i = this.times.length;
    this.times.push(time);
    this.keys.push(key);
    this.handlers.push(handler);
    this.labels.push(label);
    // sift up
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.times[p];
      if (pt < time || (pt === time && this.keys[p] < key)) break;
      this.move(p, i);
      i = p;
    }
    this.put(i, time, key, handler, label);
  }

  /** Removes and runs the next event; returns false when the queue is empty. */
  step(): boolean {
    const n = this.times.length;
    if (n === 0) return false;
    const handler = this.handlers[0];
    const label = this.labels[0];
    this._now = this.times[0];
    this.popRoot(n);
    try {
      handler();
    } catch (cause) {
      throw new EventFailure(this._now, label, cause);
    }
    return true;
  }

  /** Runs events with time ≤ until; the clock ends at `until`. Returns the count run. */
  runUntil(until: number, shouldStop?: () => boolean): number {
    let count = 0;
    while (this.times.length && this.times[0] <= until) {
      this.step();
      count++;
      if (shouldStop && (count & 1023) === 0 && shouldStop()) return count;
    }
    if (until > this._now && until !== Infinity) this._now = until;
    return count;
  }

  clear(): void {
    this.times.length = this.keys.length = this.handlers.length = this.labels.length = 0;
    this.seq = 0;
    this._now = 0;
  }

  private popRoot(n: number): void {
    const lastT = this.times[n - 1];
    const lastK = this.keys[n - 1];
    const lastH = this.handlers[n - 1];
    const lastL = this.labels[n - 1];
    this.times.pop();
    this.keys.pop();
    this.handlers.pop();
    this.labels.pop();
    const m = n - 1;
    if (m === 0) return;
    // sift down
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= m) break;
      const r = c + 1;
      if (r < m && (this.times[r] < this.times[c] || (this.times[r] === this.times[c] && this.keys[r] < this.keys[c]))) c = r;
      const ct = this.times[c];
      if (lastT < ct || (lastT === ct && lastK < this.keys[c])) break;
      this.move(c, i);
      i = c;
    }
    this.put(i, lastT, lastK, lastH, lastL);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.keys[to] = this.keys[from];
    this.handlers[to] = this.handlers[from];
    this.labels[to] = this.labels[from];
  }

  private put(i: number, t: number, k: number, h: EventHandler, l: string | undefined): void {
    this.times[i] = t;
    this.keys[i] = k;
    this.handlers[i] = h;
    this.labels[i] = l;
  }
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
