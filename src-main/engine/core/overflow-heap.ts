/**
 * A binary min-heap of event record ids ordered by (time, key), for the events the queue's
 * bucket wheel does not cover yet. Time and key are copied next to each id so sifting reads
 * two typed arrays and never chases the record. Key = priority × 2^40 + sequence, so the heap
 * alone already gives the full (time, priority, sequence) order: whatever order records are
 * pushed in, they pop in that order.
 */
export class OverflowHeap {
  private times = new Float64Array(64);
  private keys = new Float64Array(64);
  private ids = new Int32Array(64);
  size = 0;

  /** Time of the earliest event, or Infinity when empty. */
  minTime(): number {
    return this.size > 0 ? this.times[0] : Infinity;
  }

  /** Record id of the earliest event; the heap must not be empty. */
  minId(): number {
    return this.ids[0];
  }

  push(time: number, key: number, id: number): void {
    if (this.size === this.ids.length) this.grow();
    const times = this.times;
    const keys = this.keys;
    const ids = this.ids;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && keys[p] < key)) break;
      times[i] = pt;
      keys[i] = keys[p];
      ids[i] = ids[p];
      i = p;
    }
    times[i] = time;
    keys[i] = key;
    ids[i] = id;
  }

  /** Removes the earliest event and returns its record id; the heap must not be empty. */
  pop(): number {
    const times = this.times;
    const keys = this.keys;
    const ids = this.ids;
    const top = ids[0];
    const m = --this.size;
    if (m === 0) return top;
    const lastT = times[m];
    const lastK = keys[m];
    const lastI = ids[m];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= m) break;
      const r = c + 1;
      if (r < m && (times[r] < times[c] || (times[r] === times[c] && keys[r] < keys[c]))) c = r;
      const ct = times[c];
      if (lastT < ct || (lastT === ct && lastK < keys[c])) break;
      times[i] = ct;
      keys[i] = keys[c];
      ids[i] = ids[c];
      i = c;
    }
    times[i] = lastT;
    keys[i] = lastK;
    ids[i] = lastI;
    return top;
  }

  clear(): void {
    this.size = 0;
  }

  private grow(): void {
    const n = this.ids.length * 2;
    const times = new Float64Array(n);
    const keys = new Float64Array(n);
    const ids = new Int32Array(n);
    times.set(this.times);
    keys.set(this.keys);
    ids.set(this.ids);
    this.times = times;
    this.keys = keys;
    this.ids = ids;
  }
}
