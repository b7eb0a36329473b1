/**
 * A parsed litmus test, whichever format it came in (PPC assembly or kernel C): the program in
 * the memory model's form, the final-state condition, and what herd7 prints about it.
 */
import type { ProgramSource } from '../memory-model/program';

/** A final-state variable: `N:reg` (thread N's register) or a location. */
export interface StateVar {
  thread: number | null;
  name: string;
}

/** A value in a condition: an integer, or the address of a location (`1:r4=x`). */
export type CondValue = number | { addr: string };

export type Cond =
  | { kind: 'and' | 'or' | 'implies'; left: Cond; right: Cond }
  | { kind: 'not'; arg: Cond }
  | { kind: 'eq'; v: StateVar; value: CondValue }
  | { kind: 'const'; value: boolean };

export type Quantifier = 'exists' | '~exists' | 'forall';

export interface LitmusTest {
  arch: 'PPC' | 'C';
  name: string;
  program: ProgramSource;
  quantifier: Quantifier;
  cond: Cond;
  /** herd's `locations [...]`: shown in the final states although the condition does not name them. */
  locations: StateVar[];
  /** herd's `filter`: executions whose final state fails it are not counted. */
  filter: Cond | null;
}

export class LitmusSyntaxError extends Error {
  override name = 'LitmusSyntaxError';
  constructor(
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`line ${line}, column ${column}: ${detail}`);
  }
}

export function condVars(c: Cond, out: StateVar[] = []): StateVar[] {
  switch (c.kind) {
    case 'eq':
      if (!out.some((v) => v.thread === c.v.thread && v.name === c.v.name)) out.push(c.v);
      break;
    case 'not':
      condVars(c.arg, out);
      break;
    case 'const':
      break;
    default:
      condVars(c.left, out);
      condVars(c.right, out);
  }
  return out;
}

export function evalCond(c: Cond, value: (v: StateVar) => number, valueOf: (v: CondValue) => number): boolean {
  switch (c.kind) {
    case 'eq':
      return value(c.v) === valueOf(c.value);
    case 'not':
      return !evalCond(c.arg, value, valueOf);
    case 'const':
      return c.value;
    case 'and':
      return evalCond(c.left, value, valueOf) && evalCond(c.right, value, valueOf);
    case 'or':
      return evalCond(c.left, value, valueOf) || evalCond(c.right, value, valueOf);
    case 'implies':
      return !evalCond(c.left, value, valueOf) || evalCond(c.right, value, valueOf);
  }
}

/** `1:r0` for a register, `[x]` for a location, as herd7 prints final states. */
export function varText(v: StateVar): string {
  return v.thread === null ? `[${v.name}]` : `${v.thread}:${v.name}`;
}

/** herd7's rendering of a condition (`1:r0=1 /\ 1:r1=0`); `top` omits the outer parentheses. */
export function condText(c: Cond, top = true): string {
  switch (c.kind) {
    case 'eq':
      return `${varText(c.v)}=${typeof c.value === 'number' ? c.value : c.value.addr}`;
    case 'const':
      return c.value ? 'true' : 'false';
    case 'not':
      return `~${condText(c.arg, false)}`;
    default: {
      // herd's conjunctions and disjunctions are n-ary: a /\ b /\ c prints flat.
      const op = c.kind === 'and' ? '/\\' : c.kind === 'or' ? '\\/' : '=>';
      const parts: Cond[] = [];
      const flatten = (x: Cond): void => {
        if (x.kind === c.kind && c.kind !== 'implies') {
          flatten((x as { left: Cond }).left);
          flatten((x as { right: Cond }).right);
        } else parts.push(x);
      };
      if (c.kind === 'implies') parts.push(c.left, c.right);
      else flatten(c);
      const s = parts.map((p) => condText(p, false)).join(` ${op} `);
      return top ? s : `(${s})`;
    }
  }
}
