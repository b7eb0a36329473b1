/**
 * Symbolic values for the axiomatic enumerator: a register holds either a constant or an
 * expression over the values its thread's loads return ("read variables"), as herd's event
 * semantics does. Nodes are hash-consed, so the same expression is the same object: that is what
 * lets `xor r3,r1,r1` fold to 0 and `cmpw r3,r3` to "equal" without knowing r1 — the idiom the
 * diy-generated tests use to build dependencies.
 */
import { type ArithFn, arith } from './values';

export type Sym = Const | Var | Apply;

interface Const {
  kind: 0;
  value: number;
}
interface Var {
  kind: 1;
  read: number;
}
interface Apply {
  kind: 2;
  fn: ArithFn | 'cmp';
  a: Sym;
  b: Sym;
  /** Read variables the value depends on (sorted, distinct). */
  vars: number[];
}

/** One intern table per thread enumeration. */
export class SymTable {
  private readonly consts = new Map<number, Const>();
  private readonly vars: Var[] = [];
  private readonly applies = new Map<string, Apply>();
  private readonly ids = new Map<Sym, number>();

  constant(value: number): Sym {
    let c = this.consts.get(value);
    if (!c) {
      c = { kind: 0, value };
      this.consts.set(value, c);
    }
    return c;
  }

  read(i: number): Sym {
    while (this.vars.length <= i) this.vars.push({ kind: 1, read: this.vars.length });
    return this.vars[i];
  }

  /** fn applied to a and b, folded where the result does not depend on unknown values. */
  apply(fn: ArithFn | 'cmp', a: Sym, b: Sym): Sym {
    if (a.kind === 0 && b.kind === 0) return this.constant(fn === 'cmp' ? Math.sign(a.value - b.value) : arith(fn, a.value, b.value));
    if (a === b) {
      if (fn === 'xor' || fn === 'sub' || fn === 'cmp') return this.constant(0);
      if (fn === 'and' || fn === 'or') return a;
    }
    if (b.kind === 0 && b.value === 0 && (fn === 'add' || fn === 'sub' || fn === 'xor' || fn === 'or')) return a;
    if (a.kind === 0 && a.value === 0 && (fn === 'add' || fn === 'xor' || fn === 'or')) return b;
    const key = `${fn}:${this.id(a)}:${this.id(b)}`;
    let n = this.applies.get(key);
    if (!n) {
      n = { kind: 2, fn, a, b, vars: mergeVars(varsOf(a), varsOf(b)) };
      this.applies.set(key, n);
    }
    return n;
  }

  private id(s: Sym): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.ids.size;
      this.ids.set(s, i);
    }
    return i;
  }
}

export function varsOf(s: Sym): number[] {
  return s.kind === 0 ? [] : s.kind === 1 ? [s.read] : s.vars;
}

/** The value of `s` given the read values, or undefined if one it needs is unknown. */
export function evaluate(s: Sym, reads: readonly (number | undefined)[]): number | undefined {
  return evaluateWith(s, (i) => reads[i]);
}

/** As `evaluate`, asking `read(i)` for the value of read variable i. */
export function evaluateWith(s: Sym, read: (i: number) => number | undefined): number | undefined {
  switch (s.kind) {
    case 0:
      return s.value;
    case 1:
      return read(s.read);
    case 2: {
      const a = evaluateWith(s.a, read);
      if (a === undefined) return undefined;
      const b = evaluateWith(s.b, read);
      if (b === undefined) return undefined;
      return s.fn === 'cmp' ? Math.sign(a - b) : arith(s.fn, a, b);
    }
  }
}

export function mergeVars(a: readonly number[], b: readonly number[]): number[] {
  if (a.length === 0) return b as number[];
  if (b.length === 0) return a as number[];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(a[i++]);
    else if (i >= a.length || b[j] < a[i]) out.push(b[j++]);
    else {
      out.push(a[i++]);
      j++;
    }
  }
  return out;
}
