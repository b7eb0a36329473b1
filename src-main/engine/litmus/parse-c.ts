/**
 * Linux-kernel C litmus tests (tools/memory-model/litmus-tests style), compiled to POWER as
 * Linux compiles them for powerpc (the table is in README.md):
 *
 *   C NAME
 *   "optional description"            (and OCaml, C and C++ style comments)
 *   { x=1; int y=2; p=&x; }            initial memory (everything else starts at 0)
 *   P0(int *x, int *y) { … }
 *   exists (1:r0=1 /\ ~(x=2 \/ 0:r1=0))     also ~exists, forall, locations [...], filter
 *
 * Statements: `int r0, *r1;` · `WRITE_ONCE(*x, E)` · `r = READ_ONCE(*x)` ·
 * `smp_store_release(x, E)` · `r = smp_load_acquire(x)` · `smp_store_mb(*x, E)` ·
 * `[r =] xchg_relaxed(x, E)` (also xchg, xchg_acquire, xchg_release) · `smp_mb()` · `smp_wmb()` ·
 * `smp_rmb()` · `smp_mb__before_atomic()` · `smp_mb__after_atomic()` · `r = E` ·
 * `if (C) { … } [else { … }]`. Locations are `*x`, `*(x + E)` (an address dependency on E) or
 * `*r` for a register holding an address; E is an expression over registers and integers
 * (+ - * & | ^, parentheses); C is E, !E or E ==|!=|<|>|<=|>= E. A register stored, used in an
 * address or tested by `if` carries a data, address or control dependency from the loads it
 * came from. Errors carry the line and column.
 */
import type { Address, BranchCond, Instr, ThreadSource } from '../memory-model/program';
import { condTokens, parseCondPart } from './cond-parse';
import { Scanner } from './scanner';
import { condVars, LitmusSyntaxError, type LitmusTest } from './test';

interface Token {
  kind: 'id' | 'num' | 'punct' | 'eof';
  text: string;
  line: number;
  col: number;
  off: number;
}

const PUNCT = ['/\\', '\\/', '==', '!=', '<=', '>=', '(', ')', '{', '}', ',', ';', '*', '=', ':', '~', '&', '+', '-', '|', '^', '!', '<', '>', '[', ']'];

function tokenize(src: string): Token[] {
  const toks: Token[] = [];
  const s = new Scanner(src);
  let depth = 0;
  while (!s.done) {
    const c = s.char;
    if (/\s/.test(c)) {
      s.advance();
      continue;
    }
    if (s.at('//')) {
      while (!s.done && s.char !== '\n') s.advance();
      continue;
    }
    if (s.at('/*')) {
      s.skipBlock('/*', '*/', "unterminated comment (missing '*/')");
      continue;
    }
    // '(*' opens an OCaml-style comment only outside thread bodies and argument lists, where
    // '(' cannot start a dereference like WRITE_ONCE(*x, 1).
    const prev = toks[toks.length - 1];
    if (s.at('(*') && depth === 0 && (prev === undefined || prev.kind !== 'id')) {
      s.skipBlock('(*', '*)', "unterminated comment (missing '*)')");
      continue;
    }
    if (c === '"') {
      s.skipBlock('"', '"', 'unterminated string');
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^(?:0x[0-9a-fA-F]+|[0-9]+)/.exec(src.slice(s.i, s.i + 64));
    if (m) {
      toks.push({ kind: /^[0-9]/.test(m[0]) ? 'num' : 'id', text: m[0], line: s.line, col: s.col, off: s.i });
      s.advance(m[0].length);
      continue;
    }
    const p = PUNCT.find((q) => s.at(q));
    if (!p) throw new LitmusSyntaxError(s.line, s.col, `unexpected character '${c}'`);
    toks.push({ kind: 'punct', text: p, line: s.line, col: s.col, off: s.i });
    if (p === '{') depth++;
    if (p === '}') depth--;
    s.advance(p.length);
  }
  toks.push({ kind: 'eof', text: 'end of file', line: s.line, col: s.col, off: s.i });
  return toks;
}

class Parser {
  pos = 0;
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
    const neg = this.is('-');
    if (neg) this.next();
    const t = this.next();
    if (t.kind !== 'num') this.fail(t, 'a number');
    const v = t.text.startsWith('0x') ? parseInt(t.text.slice(2), 16) : Number(t.text);
    return neg ? -v : v;
  }
}

export function parseCLitmus(src: string): LitmusTest {
  const lines = src.split('\n');
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first++;
  const hm = /^\s*C\s+(\S+)/.exec(lines[first] ?? '');
  if (!hm) throw new LitmusSyntaxError(first + 1, 1, "expected the name line 'C NAME'");
  const name = hm[1];
  // Tokenize the rest with the name line blanked (names contain '+', '.', '-').
  const body = lines.map((l, i) => (i <= first ? ' '.repeat(l.length) : l)).join('\n');
  const p = new Parser(tokenize(body));

  const init = parseInit(p);
  const threads: ThreadSource[] = [];
  const declared: Set<string>[] = [];
  while (p.peek().kind === 'id' && /^P[0-9]+$/.test(p.peek().text)) {
    const t = p.next();
    if (t.text !== `P${threads.length}`) throw new LitmusSyntaxError(t.line, t.col, `expected P${threads.length}, found '${t.text}' (threads are numbered in order)`);
    const th = new ThreadCompiler(p, t.text);
    threads.push({ name: String(threads.length), instrs: th.compile() });
    declared.push(th.regs);
  }
  if (threads.length === 0) p.fail(p.peek(), 'a thread P0(...) { ... }');

  const start = p.peek();
  const part = parseCondPart(condTokens(body.slice(start.off), start.line, start.col));
  for (const v of [...condVars(part.cond), ...part.locations]) {
    if (v.thread === null) continue;
    if (!threads[v.thread]) throw new LitmusSyntaxError(start.line, start.col, `condition names thread ${v.thread}, which does not exist`);
    if (!declared[v.thread].has(v.name)) throw new LitmusSyntaxError(start.line, start.col, `condition names ${v.thread}:${v.name}, which P${v.thread} never declares`);
  }
  const locations = [...new Set([...condVars(part.cond), ...part.locations].filter((v) => v.thread === null).map((v) => v.name))];
  return { arch: 'C', name, program: { threads, init, locations }, ...part };
}

function parseInit(p: Parser): Record<string, number | { addr: string }> {
  const init: Record<string, number | { addr: string }> = {};
  p.eat('{');
  while (!p.is('}')) {
    if (p.is('int') || p.is('atomic_t') || p.is('unsigned') || p.is('long')) {
      while (p.is('int') || p.is('atomic_t') || p.is('unsigned') || p.is('long')) p.next();
      if (p.is('*')) p.next();
    }
    const loc = p.id('a location name');
    if (p.is(':')) throw new LitmusSyntaxError(loc.line, loc.col, 'register initialisation is not supported (registers start at 0)');
    if (p.is('=')) {
      p.next();
      if (p.is('&')) {
        p.next();
        init[loc.text] = { addr: p.id('a location').text };
      } else if (p.peek().kind === 'id') init[loc.text] = { addr: p.id('a location').text };
      else init[loc.text] = p.num();
    } else init[loc.text] = 0;
    if (!p.is('}')) p.eat(';');
  }
  p.eat('}');
  return init;
}

/** A compiled expression: a constant, or a register holding its value. */
type Val = number | { reg: string };

const FENCE_STATEMENTS: Record<string, 'sync' | 'lwsync'> = {
  smp_mb: 'sync',
  sync: 'sync',
  smp_mb__before_atomic: 'sync',
  smp_mb__after_atomic: 'sync',
  smp_wmb: 'lwsync',
  smp_rmb: 'lwsync',
  lwsync: 'lwsync',
};
const XCHG = new Set(['xchg', 'xchg_relaxed', 'xchg_acquire', 'xchg_release']);

/** Compiles one thread `Pn(params) { body }` to the program form. */
class ThreadCompiler {
  readonly regs = new Set<string>();
  private readonly locs: string[] = [];
  private readonly out: Instr[] = [];
  private temps = 0;
  private labels = 0;

  constructor(
    private readonly p: Parser,
    private readonly pname: string,
  ) {}

  compile(): Instr[] {
    const p = this.p;
    p.eat('(');
    while (!p.is(')')) {
      while (p.is('int') || p.is('atomic_t') || p.is('unsigned') || p.is('long') || p.is('volatile')) p.next();
      p.eat('*');
      this.locs.push(p.id('a parameter name').text);
      if (!p.is(')')) p.eat(',');
    }
    p.eat(')');
    this.block();
    return this.out;
  }

  private block(): void {
    const p = this.p;
    p.eat('{');
    while (!p.is('}')) this.statement();
    p.eat('}');
  }

  private statement(): void {
    const p = this.p;
    const t = p.id('a statement');
    if (t.text === 'int') {
      for (;;) {
        if (p.is('*')) p.next();
        const r = p.id('a register name');
        this.regs.add(r.text);
        if (p.is('=')) {
          p.next();
          this.out.push({ op: 'li', rd: r.text, value: p.num() });
        }
        if (!p.is(',')) break;
        p.next();
      }
      p.eat(';');
      return;
    }
    if (t.text === 'if') {
      this.ifStatement();
      return;
    }
    if (t.text === 'WRITE_ONCE' || t.text === 'smp_store_release' || t.text === 'smp_store_mb') {
      p.eat('(');
      const a = t.text === 'WRITE_ONCE' || t.text === 'smp_store_mb' ? this.lvalue() : this.pointer();
      p.eat(',');
      const v = this.expr();
      p.eat(')');
      p.eat(';');
      if (t.text === 'smp_store_release') this.out.push({ op: 'fence', kind: 'lwsync', label: 'smp_store_release: lwsync' });
      this.out.push({ op: 'store', rs: typeof v === 'number' ? v : v.reg, addr: a.addr, label: `${t.text}(${a.text}, ${typeof v === 'number' ? v : v.reg})` });
      if (t.text === 'smp_store_mb') this.out.push({ op: 'fence', kind: 'sync', label: 'smp_store_mb: sync' });
      return;
    }
    if (t.text in FENCE_STATEMENTS) {
      p.eat('(');
      p.eat(')');
      p.eat(';');
      this.out.push({ op: 'fence', kind: FENCE_STATEMENTS[t.text], label: `${t.text}()` });
      return;
    }
    if (XCHG.has(t.text)) {
      this.xchg(t, null);
      p.eat(';');
      return;
    }
    if (p.is('=')) {
      const rd = this.reg(t);
      p.next();
      const f = p.peek();
      if (f.kind === 'id' && (f.text === 'READ_ONCE' || f.text === 'smp_load_acquire')) {
        p.next();
        p.eat('(');
        const a = f.text === 'READ_ONCE' ? this.lvalue() : this.pointer();
        p.eat(')');
        this.out.push({ op: 'load', rd, addr: a.addr, label: (v) => `${rd} = ${f.text}(${a.text}) // ${v}` });
        if (f.text === 'smp_load_acquire') this.out.push({ op: 'fence', kind: 'lwsync', label: 'smp_load_acquire: lwsync' });
      } else if (f.kind === 'id' && XCHG.has(f.text)) {
        p.next();
        this.xchg(f, rd);
      } else {
        const v = this.expr();
        if (typeof v === 'number') this.out.push({ op: 'li', rd, value: v });
        else if (v.reg !== rd) this.out.push({ op: 'mr', rd, rs: v.reg });
      }
      p.eat(';');
      return;
    }
    p.fail(t, 'a statement (WRITE_ONCE, READ_ONCE, smp_mb, if, ...)');
  }

  /**
   * xchg_relaxed(x, v) is a load-reserve/store-conditional loop (arch/powerpc cmpxchg.h
   * __xchg_u32_relaxed); xchg brackets it with sync (linux/atomic fallback: smp_mb before and
   * after a relaxed op), xchg_acquire follows it with lwsync, xchg_release precedes it with lwsync.
   */
  private xchg(f: Token, rd: string | null): void {
    const p = this.p;
    p.eat('(');
    const a = this.pointer();
    p.eat(',');
    const v = this.expr();
    p.eat(')');
    const old = rd ?? this.temp();
    const nv = typeof v === 'number' ? this.materialise(v) : v.reg;
    const loop = this.label();
    const base = this.addressRegister(a.addr);
    if (f.text === 'xchg') this.out.push({ op: 'fence', kind: 'sync', label: 'xchg: sync' });
    if (f.text === 'xchg_release') this.out.push({ op: 'fence', kind: 'lwsync', label: 'xchg_release: lwsync' });
    this.out.push({ op: 'label', name: loop });
    this.out.push({ op: 'load', rd: old, addr: base, reserve: true, label: (x) => `${f.text}(${a.text}, ${typeof v === 'number' ? v : v.reg}): lwarx == ${x}` });
    this.out.push({ op: 'store', rs: nv, addr: base, conditional: true, label: `${f.text}(${a.text}): stwcx.` });
    this.out.push({ op: 'branch', cond: 'ne', to: loop });
    if (f.text === 'xchg') this.out.push({ op: 'fence', kind: 'sync', label: 'xchg: sync' });
    if (f.text === 'xchg_acquire') this.out.push({ op: 'fence', kind: 'lwsync', label: 'xchg_acquire: lwsync' });
  }

  /** lwarx/stwcx. take an indexed address: put a displaced one in a register first. */
  private addressRegister(a: Address): Address {
    if ('reg' in a && a.index === undefined && !a.offset) return a;
    if ('loc' in a && a.index === undefined && !a.offset) return a;
    const r = this.temp();
    if ('loc' in a) this.out.push({ op: 'li', rd: r, value: { addr: a.loc } });
    else this.out.push({ op: 'mr', rd: r, rs: a.reg });
    if (a.index !== undefined) this.out.push({ op: 'arith', fn: 'add', rd: r, ra: r, rb: a.index });
    if (a.offset) this.out.push({ op: 'arith', fn: 'add', rd: r, ra: r, rb: a.offset });
    return { reg: r };
  }

  private ifStatement(): void {
    const p = this.p;
    p.eat('(');
    const cond = this.condition();
    p.eat(')');
    const elseLabel = this.label();
    this.out.push({ op: 'branch', cond: cond, to: elseLabel });
    this.body();
    if (p.is('else')) {
      p.next();
      const end = this.label();
      this.out.push({ op: 'branch', cond: 'always', to: end });
      this.out.push({ op: 'label', name: elseLabel });
      this.body();
      this.out.push({ op: 'label', name: end });
    } else this.out.push({ op: 'label', name: elseLabel });
  }

  private body(): void {
    if (this.p.is('{')) this.block();
    else this.statement();
  }

  /** Compiles the comparison and returns the branch condition that skips the `then` part. */
  private condition(): BranchCond {
    const p = this.p;
    let negate = false;
    if (p.is('!')) {
      p.next();
      negate = true;
    }
    const left = this.expr();
    const ops: Record<string, [BranchCond, BranchCond]> = {
      '==': ['ne', 'eq'],
      '!=': ['eq', 'ne'],
      '<': ['ge', 'lt'],
      '>': ['le', 'gt'],
      '<=': ['gt', 'le'],
      '>=': ['lt', 'ge'],
    };
    let skip: BranchCond;
    let right: Val = 0;
    const op = p.peek().text;
    if (!negate && op in ops) {
      p.next();
      right = this.expr();
      skip = ops[op][0];
    } else skip = negate ? 'ne' : 'eq'; // if (E): skip when E == 0; if (!E): skip when E != 0
    const ra = this.materialise(left);
    this.out.push({ op: 'cmp', ra, rb: typeof right === 'number' ? right : right.reg });
    return skip;
  }

  // Expressions: E := T (('+'|'-'|'&'|'|'|'^') T)*, T := F ('*' F)*, F := num | reg | (E) | -F
  private expr(): Val {
    let left = this.term();
    for (;;) {
      const op = this.p.peek().text;
      const fn = op === '+' ? 'add' : op === '-' ? 'sub' : op === '&' ? 'and' : op === '|' ? 'or' : op === '^' ? 'xor' : null;
      if (!fn || this.p.peek().kind !== 'punct') return left;
      this.p.next();
      left = this.binary(fn, left, this.term());
    }
  }

  private term(): Val {
    let left = this.factor();
    while (this.p.is('*')) {
      this.p.next();
      left = this.binary('mul', left, this.factor());
    }
    return left;
  }

  private factor(): Val {
    const p = this.p;
    const t = p.peek();
    if (t.kind === 'num' || t.text === '-') return p.num();
    if (t.text === '(') {
      p.next();
      const v = this.expr();
      p.eat(')');
      return v;
    }
    if (t.kind === 'id') return { reg: this.reg(p.next()) };
    return p.fail(t, 'a number or a register');
  }

  private binary(fn: 'add' | 'sub' | 'and' | 'or' | 'xor' | 'mul', a: Val, b: Val): Val {
    if (typeof a === 'number' && typeof b === 'number') {
      const r = { add: a + b, sub: a - b, and: a & b, or: a | b, xor: a ^ b, mul: a * b }[fn];
      return r;
    }
    const rd = this.temp();
    if (typeof b === 'number') {
      this.out.push({ op: 'arith', fn: fn === 'sub' ? 'add' : fn, rd, ra: (a as { reg: string }).reg, rb: fn === 'sub' ? -b : b });
    } else if (typeof a === 'number') {
      this.out.push({ op: 'arith', fn, rd, ra: this.materialise(a), rb: b.reg });
    } else this.out.push({ op: 'arith', fn, rd, ra: a.reg, rb: b.reg });
    return { reg: rd };
  }

  private materialise(v: Val): string {
    if (typeof v !== 'number') return v.reg;
    const r = this.temp();
    this.out.push({ op: 'li', rd: r, value: v });
    return r;
  }

  /** `*x`, `*(x + E)`, `*r`, `*(r + E)`: a location to read or write. */
  private lvalue(): { addr: Address; text: string } {
    const p = this.p;
    const star = p.eat('*');
    if (p.is('(')) {
      p.next();
      const a = this.baseAndIndex();
      p.eat(')');
      return a;
    }
    const t = p.peek();
    if (t.kind !== 'id') p.fail(star, "a location ('*x')");
    return this.baseAndIndex();
  }

  /** `x`, `&x`, `(x + E)` or a register: the pointer argument of smp_load_acquire, xchg, … */
  private pointer(): { addr: Address; text: string } {
    const p = this.p;
    if (p.is('&')) p.next();
    if (p.is('(')) {
      p.next();
      const a = this.baseAndIndex();
      p.eat(')');
      return a;
    }
    return this.baseAndIndex();
  }

  private baseAndIndex(): { addr: Address; text: string } {
    const p = this.p;
    const t = p.id('a location');
    let addr: Address;
    if (this.locs.includes(t.text)) addr = { loc: t.text };
    else if (this.regs.has(t.text)) addr = { reg: t.text };
    else throw new LitmusSyntaxError(t.line, t.col, `'${t.text}' is not a parameter of ${this.pname}`);
    let text = t.text;
    if (p.is('+')) {
      p.next();
      const e = this.expr();
      if (typeof e === 'number') addr = { ...addr, offset: e };
      else addr = { ...addr, index: e.reg };
      text = `${t.text} + ${typeof e === 'number' ? e : e.reg}`;
    }
    return { addr, text };
  }

  private reg(t: Token): string {
    if (!this.regs.has(t.text)) throw new LitmusSyntaxError(t.line, t.col, `register '${t.text}' is not declared in ${this.pname} (int ${t.text};)`);
    return t.text;
  }

  private temp(): string {
    return `%t${this.temps++}`;
  }

  private label(): string {
    return `%L${this.labels++}`;
  }
}
