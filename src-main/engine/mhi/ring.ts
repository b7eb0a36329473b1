/**
 * A transfer ring of N descriptor slots with read and write pointers (MHI spec): the ring is
 * empty when RP == WP and full when WP + 1 == RP (mod N), so at most N - 1 descriptors are
 * outstanding. The host writes at WP; completions advance RP.
 */
export class TransferRing<T> {
  readonly slots: (T | undefined)[];
  rp = 0;
  wp = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 2) throw new Error(`ring size: expected an integer ≥ 2, got ${size}`);
    this.slots = new Array<T | undefined>(size);
  }

  get empty(): boolean {
    return this.rp === this.wp;
  }
  get full(): boolean {
    return (this.wp + 1) % this.size === this.rp;
  }
  /** Outstanding descriptors (written, not yet completed). */
  get used(): number {
    return (this.wp - this.rp + this.size) % this.size;
  }
  /** Free descriptors: mhi_get_no_free_descriptors. */
  get free(): number {
    return this.size - 1 - this.used;
  }

  /** Writes a descriptor at WP and advances it; returns its slot index. */
  push(elem: T): number {
    if (this.full) throw new Error('transfer ring full');
    const at = this.wp;
    this.slots[at] = elem;
    this.wp = (this.wp + 1) % this.size;
    return at;
  }

  /** Completes the descriptor at RP and advances it. */
  shift(): T {
    if (this.empty) throw new Error('transfer ring empty');
    const e = this.slots[this.rp] as T;
    this.slots[this.rp] = undefined;
    this.rp = (this.rp + 1) % this.size;
    return e;
  }

  /** Everything outstanding, oldest first (used when a channel is reset). */
  drain(): T[] {
    const out: T[] = [];
    while (!this.empty) out.push(this.shift());
    this.rp = this.wp = 0;
    return out;
  }
}
