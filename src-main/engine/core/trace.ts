/**
 * A structured trace of what the model did. Every record feeds a running FNV-1a hash, so two
 * runs can be compared byte for byte without keeping every record; the most recent records
 * are kept for inspection and listeners may stream them elsewhere.
 */
export type TraceFields = Record<string, string | number | boolean | null>;
export interface TraceRecord {
  t: number;
  kind: string;
  fields: TraceFields;
}

export class Trace {
  private hash = 0x811c9dc5;
  private _count = 0;
  private ring: TraceRecord[] = [];
  private ringStart = 0;
  private listeners: ((r: TraceRecord) => void)[] = [];

  constructor(private readonly keep = 10_000) {}

  emit(t: number, kind: string, fields: TraceFields = {}): void {
    const rec = { t, kind, fields };
    // Hash the record's content without building its JSON: this is on the hot path of long runs.
    this.mixNumber(t);
    this.mix(kind);
    for (const k in fields) {
      this.mix(k);
      const v = fields[k];
      if (typeof v === 'number') this.mixNumber(v);
      else if (typeof v === 'string') this.mix(v);
      else this.mixNumber(v === null ? -1 : v ? -2 : -3);
    }
    this._count++;
    if (this.ring.length < this.keep) this.ring.push(rec);
    else {
      this.ring[this.ringStart] = rec;
      this.ringStart = (this.ringStart + 1) % this.keep;
    }
    for (const l of this.listeners) l(rec);
  }

  onRecord(listener: (r: TraceRecord) => void): void {
    this.listeners.push(listener);
  }

  get count(): number {
    return this._count;
  }
  /** Hex digest of everything emitted so far. */
  get digest(): string {
    return (this.hash >>> 0).toString(16).padStart(8, '0') + ':' + this._count;
  }
  /** The most recent records, oldest first. */
  recent(): TraceRecord[] {
    return [...this.ring.slice(this.ringStart), ...this.ring.slice(0, this.ringStart)];
  }

  private mixNumber(v: number): void {
    let h = this.hash;
    const lo = v | 0;
    const hi = Math.floor(v / 4294967296) | 0;
    h = Math.imul(h ^ (lo & 0xffff), 0x01000193);
    h = Math.imul(h ^ (lo >>> 16), 0x01000193);
    h = Math.imul(h ^ (hi & 0xffff), 0x01000193);
    h = Math.imul(h ^ (hi >>> 16), 0x01000193);
    // Non-integers: mix the fraction too.
    if (v !== Math.floor(v)) h = Math.imul(h ^ ((v - Math.floor(v)) * 4294967296) | 0, 0x01000193);
    this.hash = h;
  }

  private mix(s: string): void {
    let h = this.hash;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    this.hash = h;
  }
}
