/**
 * The stored form of a run's per-CPU timeline (engine/run/timeline.ts): one BLOB per recorder
 * flush, a run of unsigned LEB128 varints — the count of new task names and each name (length,
 * UTF-8 bytes), the count of changes, then per change: ns since the previous change (the first
 * since the row's `t_ns`), CPU, state, busy (0..255), task + 1 (0: none). Rows decode in `seq`
 * order; task indices run across rows.
 */
import type { TimelineBatch } from '../../engine/run/timeline';

export interface TimelineColumns {
  tNs: number[];
  cpu: number[];
  state: number[];
  busy: number[];
  task: number[];
  tasks: string[];
}

class Writer {
  private buf = new Uint8Array(256);
  length = 0;
  uint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`timeline: cannot encode ${v}`);
    this.room(10);
    // Above 2^31 bit operations overflow: divide instead.
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
}

/** One row: the batch's changes from `baseNs` (its first change's time). */
export function encodeTimeline(b: Pick<TimelineBatch, 'tNs' | 'cpu' | 'state' | 'busy' | 'task' | 'tasks'>): { baseNs: number; data: Uint8Array } {
  const w = new Writer();
  const enc = new TextEncoder();
  w.uint(b.tasks.length);
  for (const name of b.tasks) {
    const bytes = enc.encode(name);
    w.uint(bytes.length);
    w.bytes(bytes);
  }
  const baseNs = b.tNs[0] ?? 0;
  w.uint(b.tNs.length);
  let prev = baseNs;
  for (let i = 0; i < b.tNs.length; i++) {
    w.uint(b.tNs[i] - prev);
    prev = b.tNs[i];
    w.uint(b.cpu[i]);
    w.uint(b.state[i]);
    w.uint(b.busy[i]);
    w.uint(b.task[i] + 1);
  }
  return { baseNs, data: w.done() };
}

/** Every row of a run, in order, back to columns. A corrupt row throws naming its position. */
export function decodeTimeline(rows: readonly { tNs: number; data: Uint8Array }[]): TimelineColumns {
  const out: TimelineColumns = { tNs: [], cpu: [], state: [], busy: [], task: [], tasks: [] };
  const dec = new TextDecoder();
  rows.forEach((row, r) => {
    const d = row.data;
    let p = 0;
    const uint = (): number => {
      let v = 0;
      let scale = 1;
      for (;;) {
        if (p >= d.length) throw new Error(`timeline row ${r}: truncated at byte ${p}`);
        const byte = d[p++];
        v += (byte & 0x7f) * scale;
        if (byte < 0x80) return v;
        scale *= 0x80;
        if (scale > 2 ** 56) throw new Error(`timeline row ${r}: varint too long at byte ${p}`);
      }
    };
    const names = uint();
    for (let i = 0; i < names; i++) {
      const len = uint();
      if (p + len > d.length) throw new Error(`timeline row ${r}: name runs past the end`);
      out.tasks.push(dec.decode(d.subarray(p, p + len)));
      p += len;
    }
    const n = uint();
    let t = row.tNs;
    for (let i = 0; i < n; i++) {
      t += uint();
      out.tNs.push(t);
      out.cpu.push(uint());
      out.state.push(uint());
      out.busy.push(uint());
      out.task.push(uint() - 1);
    }
  });
  return out;
}
