/**
 * Parser for the Linux-kernel C litmus format (tools/memory-model/litmus-tests), the subset
 * that has a meaning under the POWER model here:
 *
 *   C NAME
 *   "optional description"            (or (* ... *) / comments)
 *   { x=1; int y = 2; }               initial memory (everything else starts at 0)
 *   P0(int *x, int *y) { WRITE_ONCE(*x, 1); smp_mb(); r0 = READ_ONCE(*y); ... }
 *   exists (1:r0=1 /\ ~(x=2 \/ 0:r1=0))     also ~exists (...) and forall (...)
 *
 * Statements: int r0; · WRITE_ONCE(*x, V) · r = READ_ONCE(*x) · smp_store_release(x, V) ·
 * r = smp_load_acquire(x) · smp_mb() · smp_wmb() · smp_rmb() · sync() · lwsync(), V a number
 * or a register. Errors carry the line and column.
 */
import type { Instr, ThreadSource } from '../memory-model';

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

export type Cond =
  | { kind: 'and' | 'or'; left: Cond; right: Cond }
  | { kind: 'not'; arg: Cond }
  | { kind: 'eq'; thread: number | null; name: string; value: number };

export interface LitmusTest {
  name: string;
  init: Record<string, number>;
  threads: ThreadSource[];
  quantifier: 'exists' | '~exists' | 'forall';
  cond: Cond;
  /** The condition as written, normalised to single spaces. */
  condText: string;
}

interface Token {
  kind: 'id' | 'num' | 'punct' | 'eof';
  text: string;
  line: number;
  col: number;
}

const PUNCT = ['/\\', '\\/', '(', ')', '{', '}', ',', ';', '*', '=', ':', '~', '&'];

function tokenize(src: string, startLine: number): Token[] {
  const toks: Token[] = [];
  let line = startLine;
  let col = 1;
  let i = 0;
  let depth = 0;
  const advance = (n: number): void => {
    for (let k = 0; k < n; k++) {
      if (src[i] === '\n') {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      advance(1);
      continue;
    }
    const rest = src.slice(i, i + 2);
    if (rest === '//') {
      while (i < src.length && src[i] !== '\n') advance(1);
      continue;
    }
    // '(*' opens an OCaml-style comment only outside thread bodies and argument lists,
    // where '(' cannot start a dereference like WRITE_ONCE(*x, 1).
    const prev = toks[toks.length - 1];
    const ocamlComment = rest === '(*' && depth === 0 && (prev === undefined || prev.kind !== 'id');
    if (rest === '/*' || ocamlComment) {
      const close = rest === '/*' ? '*/' : '*)';
      const [l0, c0] = [line, col];
      advance(2);
      while (i < src.length && src.slice(i, i + 2) !== close) advance(1);
      if (i >= src.length) throw new LitmusSyntaxError(l0, c0, `unterminated comment (missing '${close}')`);
      advance(2);
      continue;
    }
    if (c === '"') {
      const [l0, c0] = [line, col];
      advance(1);
      while (i < src.length && src[i] !== '"') advance(1);
      if (i >= src.length) throw new LitmusSyntaxError(l0, c0, 'unterminated string');
      advance(1);
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^-?[0-9]+/.exec(src.slice(i, i + 64));
    if (m) {
      toks.push({ kind: /^-?[0-9]/.test(m[0]) ? 'num' : 'id', text: m[0], line, col });
      advance(m[0].length);
      continue;
    }
    const p = PUNCT.find((q) => src.startsWith(q, i));
    if (!p) throw new LitmusSyntaxError(line, col, `unexpected character '${c}'`);
    toks.push({ kind: 'punct', text: p, line, col });
    if (p === '{') depth++;
    if (p === '}') depth--;
    advance(p.length);
  }
  toks.push({ kind: 'eof', text: 'end of file', line, col });
  return toks;
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  peek(offset = 0): Token {
    return this.toks[Math.min(this.pos + offset, this.toks.length - 1)];
  }
  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  fail(t: Token, expected: string): never {
    throw new LitmusSyntaxError(t.line, t.col, `expected ${expected}, found '${t.text}'`);
  }
  is(text: string): boolean {
    const t = this.peek();
    return t.kind !== 'eof' && t.text === text;
  }
  eat(text: string): Token {
    const t = this.next();
    if (t.text !== text || t.kind === 'eof') this.fail(t, `'${text}'`);
    return t;
  }
  id(what = 'a name'): Token {
    const t = this.next();
    if (t.kind !== 'id') this.fail(t, what);
    return t;
  }
  num(): number {
    const t = this.next();
    if (t.kind !== 'num') this.fail(t, 'a number');
    return Number(t.text);
  }
}

export function parseLitmus(src: string): LitmusTest {
  // The name line is free-form (names contain '+', '.', '-'): take it before tokenizing.
  const lines = src.split('\n');
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first++;
  const head = (lines[first] ?? '').trim();
  const hm = /^C\s+(\S+)/.exec(head);
  if (!hm) throw new LitmusSyntaxError(first + 1, 1, "expected the name line 'C NAME'");
  const name = hm[1];
  const p = new Parser(tokenize(lines.slice(first + 1).join('\n'), first + 2));

  const init = parseInit(p);
  const threads: ThreadSource[] = [];
  const params: string[][] = [];
  while (p.peek().kind === 'id' && /^P[0-9]+$/.test(p.peek().text)) {
    const t = p.next();
    if (t.text !== `P${threads.length}`) throw new LitmusSyntaxError(t.line, t.col, `expected P${threads.length}, found '${t.text}' (threads are numbered in order)`);
    const { instrs, locs } = parseThread(p, t.text);
    threads.push({ name: String(threads.length), instrs });
    params.push(locs);
  }
  if (threads.length === 0) p.fail(p.peek(), 'a thread P0(...) { ... }');

  const qt = p.peek();
  let quantifier: LitmusTest['quantifier'] = 'exists';
  if (p.is('~')) {
    p.next();
    if (!p.is('exists')) p.fail(p.peek(), "'exists'");
    p.next();
    quantifier = '~exists';
  } else if (p.is('exists') || p.is('forall')) quantifier = p.next().text as 'exists' | 'forall';
  else p.fail(qt, "'exists', '~exists' or 'forall'");
  const condStart = p.peek();
  const cond = parseOr(p);
  const condEnd = p.peek();
  if (condEnd.kind !== 'eof') p.fail(condEnd, 'end of file after the condition');
  const allLocs = new Set([...Object.keys(init), ...params.flat()]);
  checkCond(cond, threads, allLocs, condStart);
  return { name, init, threads, quantifier, cond, condText: condToText(cond, true) };
}

function parseInit(p: Parser): Record<string, number> {
  const init: Record<string, number> = {};
  p.eat('{');
  while (!p.is('}')) {
    if (p.is('int')) p.next();
    const loc = p.id('a location name');
    if (p.is(':')) throw new LitmusSyntaxError(loc.line, loc.col, 'register initialisation is not supported (registers start at 0)');
    p.eat('=');
    init[loc.text] = p.num();
    if (!p.is('}')) p.eat(';');
  }
  p.eat('}');
  return init;
}

function parseThread(p: Parser, pname: string): { instrs: Instr[]; locs: string[] } {
  const locs: string[] = [];
  p.eat('(');
  while (!p.is(')')) {
    p.eat('int');
    p.eat('*');
    locs.push(p.id('a parameter name').text);
    if (!p.is(')')) p.eat(',');
  }
  p.eat(')');
  p.eat('{');
  const regs = new Set<string>();
  const instrs: Instr[] = [];
  const loc = (): string => {
    if (p.is('*') || p.is('&')) p.next();
    const t = p.id('a location');
    if (!locs.includes(t.text)) throw new LitmusSyntaxError(t.line, t.col, `'${t.text}' is not a parameter of ${pname}`);
    return t.text;
  };
  const reg = (t: Token): string => {
    if (!regs.has(t.text)) throw new LitmusSyntaxError(t.line, t.col, `register '${t.text}' is not declared in ${pname} (int ${t.text};)`);
    return t.text;
  };
  const value = (): number | { reg: string } => {
    const t = p.peek();
    if (t.kind === 'num') return p.num();
    if (t.kind === 'id') return { reg: reg(p.next()) };
    return p.fail(t, 'a number or a register');
  };
  const fence = (kind: 'sync' | 'lwsync', label: string): void => {
    instrs.push({ op: 'fence', kind, label });
  };
  while (!p.is('}')) {
    const t = p.id('a statement');
    if (t.text === 'int') {
      for (;;) {
        regs.add(p.id('a register name').text);
        if (p.is('=')) throw new LitmusSyntaxError(p.peek().line, p.peek().col, 'register initialisation is not supported (registers start at 0)');
        if (!p.is(',')) break;
        p.next();
      }
    } else if (t.text === 'WRITE_ONCE' || t.text === 'smp_store_release') {
      p.eat('(');
      const l = loc();
      p.eat(',');
      const v = value();
      p.eat(')');
      if (t.text === 'smp_store_release') fence('lwsync', 'smp_store_release: lwsync');
      instrs.push({ op: 'store', loc: l, value: v, label: `${l} = ${typeof v === 'number' ? v : v.reg}` });
    } else if (['smp_mb', 'smp_wmb', 'smp_rmb', 'sync', 'lwsync'].includes(t.text)) {
      p.eat('(');
      p.eat(')');
      fence(t.text === 'smp_mb' || t.text === 'sync' ? 'sync' : 'lwsync', `${t.text}()`);
    } else if (p.is('=')) {
      const r = reg(t);
      p.eat('=');
      const f = p.id("READ_ONCE or smp_load_acquire");
      if (f.text !== 'READ_ONCE' && f.text !== 'smp_load_acquire') p.fail(f, 'READ_ONCE or smp_load_acquire');
      p.eat('(');
      const l = loc();
      p.eat(')');
      instrs.push({ op: 'load', loc: l, reg: r, label: (v) => `${r} = ${l} (${v})` });
      if (f.text === 'smp_load_acquire') fence('lwsync', 'smp_load_acquire: lwsync');
    } else p.fail(t, 'a statement (WRITE_ONCE, READ_ONCE, smp_mb, ...)');
    p.eat(';');
  }
  p.eat('}');
  return { instrs, locs };
}

function parseOr(p: Parser): Cond {
  let left = parseAnd(p);
  while (p.is('\\/')) {
    p.next();
    left = { kind: 'or', left, right: parseAnd(p) };
  }
  return left;
}

function parseAnd(p: Parser): Cond {
  let left = parseUnary(p);
  while (p.is('/\\')) {
    p.next();
    left = { kind: 'and', left, right: parseUnary(p) };
  }
  return left;
}

function parseUnary(p: Parser): Cond {
  if (p.is('~')) {
    p.next();
    return { kind: 'not', arg: parseUnary(p) };
  }
  if (p.is('(')) {
    p.next();
    const c = parseOr(p);
    p.eat(')');
    return c;
  }
  const t = p.peek();
  let thread: number | null = null;
  if (t.kind === 'num') {
    thread = p.num();
    p.eat(':');
  }
  const name = p.id(thread === null ? "a location or 'N:register'" : 'a register').text;
  p.eat('=');
  return { kind: 'eq', thread, name, value: p.num() };
}

function checkCond(c: Cond, threads: ThreadSource[], locs: Set<string>, at: Token): void {
  if (c.kind === 'not') return checkCond(c.arg, threads, locs, at);
  if (c.kind !== 'eq') {
    checkCond(c.left, threads, locs, at);
    checkCond(c.right, threads, locs, at);
  } else if (c.thread === null) {
    if (!locs.has(c.name)) throw new LitmusSyntaxError(at.line, at.col, `condition names unknown location '${c.name}'`);
  } else {
    const th = threads[c.thread];
    if (!th) throw new LitmusSyntaxError(at.line, at.col, `condition names thread ${c.thread}, which does not exist`);
    const known = th.instrs.some((i) => i.op === 'load' && i.reg === c.name);
    if (!known) throw new LitmusSyntaxError(at.line, at.col, `condition names ${c.thread}:${c.name}, which P${c.thread} never loads`);
  }
}

export function condToText(c: Cond, top = false): string {
  switch (c.kind) {
    case 'eq':
      return `${c.thread === null ? '' : `${c.thread}:`}${c.name}=${c.value}`;
    case 'not':
      return `~${condToText(c.arg)}`;
    default: {
      const s = `${condToText(c.left)} ${c.kind === 'and' ? '/\\' : '\\/'} ${condToText(c.right)}`;
      return top ? s : `(${s})`;
    }
  }
}
