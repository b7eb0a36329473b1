/**
 * Binary relations over the events of one candidate execution, as bit matrices: row i is a bit
 * set of the events j with (i, j) in the relation, `words` 32-bit words per row. The cat
 * operators the POWER model needs (union, sequence, intersection with a product of sets,
 * transitive closure, acyclicity, irreflexivity) are functions over these arrays.
 */
export type Rel = Uint32Array;
export type EventSet = Uint32Array;

export class Relations {
  readonly words: number;

  private readonly colour: Uint8Array;
  private readonly stackNode: number[] = [];
  private readonly stackBit: number[] = [];

  constructor(readonly n: number) {
    this.words = Math.max(1, Math.ceil(n / 32));
    this.colour = new Uint8Array(n);
  }

  rel(): Rel {
    return new Uint32Array(this.n * this.words);
  }

  set(): EventSet {
    return new Uint32Array(this.words);
  }

  add(r: Rel, i: number, j: number): void {
    r[i * this.words + (j >>> 5)] |= 1 << (j & 31);
  }

  has(r: Rel, i: number, j: number): boolean {
    return (r[i * this.words + (j >>> 5)] & (1 << (j & 31))) !== 0;
  }

  addToSet(s: EventSet, i: number): void {
    s[i >>> 5] |= 1 << (i & 31);
  }

  inSet(s: EventSet, i: number): boolean {
    return (s[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  /** a ∪ b ∪ … (new relation). */
  union(...rs: Rel[]): Rel {
    const out = this.rel();
    for (const r of rs) for (let k = 0; k < out.length; k++) out[k] |= r[k];
    return out;
  }

  /** Adds b into a; true when a changed. */
  unionInto(a: Rel, b: Rel): boolean {
    let changed = false;
    for (let k = 0; k < a.length; k++) {
      const v = (a[k] | b[k]) >>> 0; // unsigned, as Uint32Array reads back: with bit 31 set a signed v never equals a[k]
      if (v !== a[k]) {
        a[k] = v;
        changed = true;
      }
    }
    return changed;
  }

  /** a ; b (relational composition). */
  seq(a: Rel, b: Rel): Rel {
    return this.seqInto(this.rel(), a, b);
  }

  /** out := a ; b (out must be neither a nor b). */
  seqInto(out: Rel, a: Rel, b: Rel): Rel {
    const W = this.words;
    out.fill(0);
    for (let i = 0; i < this.n; i++) {
      const ri = i * W;
      for (let w = 0; w < W; w++) {
        let bits = a[ri + w];
        while (bits !== 0) {
          const low = bits & -bits;
          const j = (w << 5) + (31 - Math.clz32(low));
          bits ^= low;
          const rj = j * W;
          for (let v = 0; v < W; v++) out[ri + v] |= b[rj + v];
        }
      }
    }
    return out;
  }

  /** a ∩ (dom × range). */
  restrict(a: Rel, dom: EventSet | null, range: EventSet | null): Rel {
    const W = this.words;
    const out = this.rel();
    for (let i = 0; i < this.n; i++) {
      if (dom && !this.inSet(dom, i)) continue;
      for (let w = 0; w < W; w++) out[i * W + w] = range ? a[i * W + w] & range[w] : a[i * W + w];
    }
    return out;
  }

  /** a \ b. */
  minus(a: Rel, b: Rel): Rel {
    const out = this.rel();
    for (let k = 0; k < out.length; k++) out[k] = a[k] & ~b[k];
    return out;
  }

  /** a ∩ b. */
  inter(a: Rel, b: Rel): Rel {
    const out = this.rel();
    for (let k = 0; k < out.length; k++) out[k] = a[k] & b[k];
    return out;
  }

  /** a⁺ (new relation; Warshall). */
  plus(a: Rel): Rel {
    return this.plusInto(this.rel(), a);
  }

  /** out := a⁺. */
  plusInto(out: Rel, a: Rel): Rel {
    const W = this.words;
    out.set(a);
    for (let k = 0; k < this.n; k++) {
      const rk = k * W;
      const bit = 1 << (k & 31);
      const wk = k >>> 5;
      for (let i = 0; i < this.n; i++) {
        const ri = i * W;
        if ((out[ri + wk] & bit) === 0) continue;
        for (let v = 0; v < W; v++) out[ri + v] |= out[rk + v];
      }
    }
    return out;
  }

  /** a* (reflexive-transitive closure over all n events). */
  star(a: Rel): Rel {
    return this.starInto(this.rel(), a);
  }

  /** out := a*. */
  starInto(out: Rel, a: Rel): Rel {
    this.plusInto(out, a);
    for (let i = 0; i < this.n; i++) this.add(out, i, i);
    return out;
  }

  /** out := a ∪ b ∪ … (out may be one of them). */
  unionOf(out: Rel, ...rs: Rel[]): Rel {
    if (!rs.includes(out)) out.fill(0);
    for (const r of rs) if (r !== out) for (let k = 0; k < out.length; k++) out[k] |= r[k];
    return out;
  }

  /** out := a ∩ (dom × range) (out may be a). */
  restrictInto(out: Rel, a: Rel, dom: EventSet | null, range: EventSet | null): Rel {
    const W = this.words;
    for (let i = 0; i < this.n; i++) {
      const keep = !dom || this.inSet(dom, i);
      for (let w = 0; w < W; w++) out[i * W + w] = keep ? (range ? a[i * W + w] & range[w] : a[i * W + w]) : 0;
    }
    return out;
  }

  /** out := a ∩ b (out may be a or b). */
  interInto(out: Rel, a: Rel, b: Rel): Rel {
    for (let k = 0; k < out.length; k++) out[k] = a[k] & b[k];
    return out;
  }

  /** out := a? (out may be a). */
  optInto(out: Rel, a: Rel): Rel {
    if (out !== a) out.set(a);
    for (let i = 0; i < this.n; i++) this.add(out, i, i);
    return out;
  }

  /** No event i with (i, i) in a ; b — without building a ; b. */
  irreflexiveSeq(a: Rel, b: Rel): boolean {
    const W = this.words;
    for (let i = 0; i < this.n; i++) {
      const ri = i * W;
      const bitI = 1 << (i & 31);
      const wI = i >>> 5;
      for (let w = 0; w < W; w++) {
        let bits = a[ri + w];
        while (bits !== 0) {
          const low = bits & -bits;
          const j = (w << 5) + (31 - Math.clz32(low));
          bits ^= low;
          if ((b[j * W + wI] & bitI) !== 0) return false;
        }
      }
    }
    return true;
  }

  /** a? (reflexive closure). */
  opt(a: Rel): Rel {
    const out = a.slice();
    for (let i = 0; i < this.n; i++) this.add(out, i, i);
    return out;
  }

  irreflexive(a: Rel): boolean {
    for (let i = 0; i < this.n; i++) if (this.has(a, i, i)) return false;
    return true;
  }

  /** No cycle in a: depth-first search with colours (cheaper than a closure when the answer is yes). */
  acyclic(a: Rel): boolean {
    const W = this.words;
    const colour = this.colour; // 0 white, 1 grey, 2 black
    colour.fill(0);
    const stackNode = this.stackNode;
    const stackBit = this.stackBit;
    stackNode.length = 0;
    stackBit.length = 0;
    for (let s = 0; s < this.n; s++) {
      if (colour[s] !== 0) continue;
      colour[s] = 1;
      stackNode.push(s);
      stackBit.push(0);
      while (stackNode.length > 0) {
        const top = stackNode.length - 1;
        const i = stackNode[top];
        let next = -1;
        for (let j = stackBit[top]; j < this.n; j++) {
          if ((a[i * W + (j >>> 5)] & (1 << (j & 31))) === 0) continue;
          if (colour[j] === 1) return false;
          if (colour[j] === 0) {
            next = j;
            stackBit[top] = j + 1;
            break;
          }
        }
        if (next < 0) {
          colour[i] = 2;
          stackNode.pop();
          stackBit.pop();
        } else {
          colour[next] = 1;
          stackNode.push(next);
          stackBit.push(0);
        }
      }
    }
    return true;
  }

  isEmpty(a: Rel): boolean {
    for (let k = 0; k < a.length; k++) if (a[k] !== 0) return false;
    return true;
  }
}
