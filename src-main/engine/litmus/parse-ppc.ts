/**
 * PPC assembly litmus tests in herd's format, as the herding-cats catalogue writes them:
 *
 *   PPC NAME                      optional "doc string", key=value lines, (* comments *)
 *   { 0:r2=x; P1:r5=y; 0:r1=1; x=1; y=z; %x0=x; }
 *    P0           | P1           ;
 *    li r1,1      | lwz r1,0(r2) ;
 *    stw r1,0(r2) | LC00:        ;
 *   exists (1:r1=1 /\ x=2)       (see cond-parse.ts)
 *
 * Every instruction becomes one instruction of the memory model's program form. Errors name the
 * line and column.
 */
import type { Address, BranchCond, Instr, ProgramSource, ThreadSource } from '../memory-model/program';
import { condTokens, parseCondPart } from './cond-parse';
import { condVars, LitmusSyntaxError, type LitmusTest } from './test';

const COND_START = /^(exists|~\s*exists|forall|final|locations|filter|\()/;

export function parsePpcLitmus(src: string): LitmusTest {
  const lines = blankComments(src.replace(/\r\n/g, '\n')).split('\n');
  let ln = 0;
  while (ln < lines.length && lines[ln].trim() === '') ln++;
  const head = /^\s*PPC\s+(\S+)/.exec(lines[ln] ?? '');
  if (!head) throw new LitmusSyntaxError(ln + 1, 1, "expected the name line 'PPC NAME'");
  const name = head[1];
  ln++;

  // Preamble up to the init block: doc string, key=value lines, comments.
  const text = lines.join('\n');
  let offset = lines.slice(0, ln).join('\n').length + 1;
  const posOf = (off: number): [number, number] => {
    const before = text.slice(0, off);
    const l = before.split('\n').length;
    return [l, off - before.lastIndexOf('\n')];
  };
  offset = skipPreamble(text, offset, posOf);
  if (text[offset] !== '{') {
    const [l, c] = posOf(offset);
    throw new LitmusSyntaxError(l, c, `expected '{' (the initial state), found '${text[offset] ?? 'end of file'}'`);
  }
  const close = findClose(text, offset, posOf);
  const init = parseInit(text.slice(offset + 1, close), posOf(offset + 1));
  const [afterInitLine] = posOf(close);
  ln = afterInitLine; // 0-based index of the line after the one holding '}'
  const restOfLine = lines[afterInitLine - 1].slice(posOf(close)[1]);
  if (restOfLine.trim() !== '' && restOfLine.trim() !== ';') {
    const [l, c] = posOf(close + 1 + restOfLine.search(/\S/));
    throw new LitmusSyntaxError(l, c, 'expected the thread header on a new line after the initial state');
  }

  // Thread header.
  while (ln < lines.length && lines[ln].trim() === '') ln++;
  const headerLine = ln + 1;
  const header = lines[ln] ?? '';
  const headCells = splitRow(header, headerLine);
  if (!headCells) throw new LitmusSyntaxError(headerLine, 1, "expected the thread header 'P0 | P1 ;'");
  const threads: ThreadSource[] = headCells.map((c, i) => {
    const m = /^P([0-9]+)$/.exec(c.text.trim());
    if (!m || Number(m[1]) !== i) throw new LitmusSyntaxError(headerLine, c.col, `expected P${i}, found '${c.text.trim()}' (threads are numbered in order)`);
    return { name: String(i), instrs: [], regs: {} };
  });
  ln++;

  // Code rows until the condition.
  for (; ln < lines.length; ln++) {
    const raw = lines[ln];
    if (raw.trim() === '') continue;
    if (COND_START.test(raw.trim())) break;
    const cells = splitRow(raw, ln + 1);
    if (!cells) throw new LitmusSyntaxError(ln + 1, raw.search(/\S/) + 1, "expected a row of instructions ending in ';', or the condition");
    if (cells.length !== threads.length) throw new LitmusSyntaxError(ln + 1, cells.at(-1)!.col, `expected ${threads.length} columns, found ${cells.length}`);
    cells.forEach((c, t) => threads[t].instrs.push(...parseCell(c.text, ln + 1, c.start)));
  }
  if (ln >= lines.length) throw new LitmusSyntaxError(lines.length, 1, 'expected the final condition (exists, ~exists, forall)');

  const condText = lines.slice(ln).join('\n');
  const part = parseCondPart(condTokens(condText, ln + 1, 1));

  // Registers: initial values per thread, symbolic %registers wherever a thread uses them.
  for (const [key, v] of init.regs) {
    const [t, r] = key.split(':');
    if (t === '%') {
      for (const th of threads) if (usesReg(th, r)) th.regs![r] = v.value;
      continue;
    }
    const th = threads[Number(t)];
    if (!th) throw new LitmusSyntaxError(v.line, v.col, `initial state names thread ${t}, which does not exist`);
    th.regs![r] = v.value;
  }
  const program: ProgramSource = { threads, init: Object.fromEntries(init.locs), locations: [], sizes: Object.fromEntries(init.sizes) };
  for (const v of [...condVars(part.cond), ...part.locations]) {
    if (v.thread === null) program.locations!.push(v.name);
    else if (!threads[v.thread]) throw new LitmusSyntaxError(ln + 1, 1, `condition names thread ${v.thread}, which does not exist`);
  }
  return { arch: 'PPC', name, program, ...part };
}

function usesReg(t: ThreadSource, r: string): boolean {
  return JSON.stringify(t.instrs).includes(`"${r}"`);
}

/** OCaml-style (* … *) comments (never part of PPC code or conditions) become blanks, keeping positions. */
function blankComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    if (src.startsWith('(*', i)) {
      const end = src.indexOf('*)', i + 2);
      if (end < 0) {
        const before = src.slice(0, i);
        throw new LitmusSyntaxError(before.split('\n').length, i - before.lastIndexOf('\n'), "unterminated comment (missing '*)')");
      }
      out += src.slice(i, end + 2).replace(/[^\n]/g, ' ');
      i = end + 2;
    } else out += src[i++];
  }
  return out;
}

function skipPreamble(text: string, off: number, posOf: (o: number) => [number, number]): number {
  for (;;) {
    while (off < text.length && /\s/.test(text[off])) off++;
    if (text.startsWith('(*', off)) {
      const end = text.indexOf('*)', off + 2);
      if (end < 0) {
        const [l, c] = posOf(off);
        throw new LitmusSyntaxError(l, c, "unterminated comment (missing '*)')");
      }
      off = end + 2;
    } else if (text[off] === '"') {
      const end = text.indexOf('"', off + 1);
      if (end < 0) {
        const [l, c] = posOf(off);
        throw new LitmusSyntaxError(l, c, 'unterminated string');
      }
      off = end + 1;
    } else if (text[off] !== '{' && off < text.length) {
      // key=value lines (Cycle=…, Relax=…) and any other header text before the initial state.
      const end = text.indexOf('\n', off);
      off = end < 0 ? text.length : end + 1;
    } else return off;
  }
}

function findClose(text: string, open: number, posOf: (o: number) => [number, number]): number {
  let i = open + 1;
  while (i < text.length && text[i] !== '}') {
    if (text.startsWith('(*', i)) {
      const end = text.indexOf('*)', i + 2);
      if (end < 0) break;
      i = end + 2;
    } else i++;
  }
  if (i >= text.length) {
    const [l, c] = posOf(open);
    throw new LitmusSyntaxError(l, c, "unterminated initial state (missing '}')");
  }
  return i;
}

interface InitValue {
  value: number | { addr: string };
  line: number;
  col: number;
}

/** `0:r2=x; P1:r1 = 1; x=1; y = z; %x0=x; int x=2;` → registers (key `T:reg`, `%:name`) and locations. */
function parseInit(body: string, [line0, col0]: [number, number]): { regs: Map<string, InitValue>; locs: Map<string, number | { addr: string }>; sizes: Map<string, number> } {
  const regs = new Map<string, InitValue>();
  const locs = new Map<string, number | { addr: string }>();
  const sizes = new Map<string, number>();
  let line = line0;
  let col = col0;
  const items: { text: string; line: number; col: number }[] = [];
  let cur = '';
  let curLine = line;
  let curCol = col;
  for (let i = 0; i < body.length; i++) {
    if (body.startsWith('(*', i)) {
      const end = body.indexOf('*)', i + 2);
      const skipped = body.slice(i, end + 2);
      for (const ch of skipped) {
        if (ch === '\n') {
          line++;
          col = 1;
        } else col++;
      }
      i = end + 1;
      continue;
    }
    const ch = body[i];
    if (ch === ';') {
      if (cur.trim()) items.push({ text: cur, line: curLine, col: curCol });
      cur = '';
    } else {
      if (cur.trim() === '' && !/\s/.test(ch)) {
        curLine = line;
        curCol = col;
        cur = '';
      }
      cur += ch;
    }
    if (ch === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  if (cur.trim()) items.push({ text: cur, line: curLine, col: curCol });
  for (const it of items) {
    const m = /^\s*(?:(u?int(?:8|16|32|64)_t|int|long|short|char)\s*(\*?)\s+)?(?:(P?[0-9]+):\s*([A-Za-z_%][A-Za-z0-9_]*)|(%[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*))\s*(?:=\s*(&?)\s*(-?(?:0x[0-9a-fA-F]+|[0-9]+)|[A-Za-z_][A-Za-z0-9_]*))?\s*$/.exec(it.text);
    if (!m) throw new LitmusSyntaxError(it.line, it.col, `expected 'N:reg=value' or 'location=value', found '${it.text.trim()}'`);
    const [, type, pointer, thread, reg, sym, loc, , raw = '0'] = m;
    const value = /^-?(0x|[0-9])/.test(raw) ? parseNumber(raw) : { addr: raw };
    if (thread !== undefined) regs.set(`${thread.replace(/^P/, '')}:${reg}`, { value, line: it.line, col: it.col });
    else if (sym !== undefined) regs.set(`%:${sym}`, { value, line: it.line, col: it.col });
    else {
      locs.set(loc, value);
      // A typed location (`uint8_t x;`) has that many bytes: accesses of other sizes make the test mixed-size.
      if (type !== undefined && !pointer) sizes.set(loc, TYPE_SIZES[type.replace(/^u/, '')]);
    }
  }
  return { regs, locs, sizes };
}

const TYPE_SIZES: Record<string, number> = { int8_t: 1, char: 1, int16_t: 2, short: 2, int32_t: 4, int: 4, int64_t: 8, long: 8 };

function parseNumber(s: string): number {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const v = body.startsWith('0x') ? parseInt(body.slice(2), 16) : parseInt(body, 10);
  return neg ? -v : v;
}

interface Cell {
  text: string;
  /** Column of the cell's first character, and of its first non-blank one. */
  start: number;
  col: number;
}

/** Splits `a | b | c ;` into cells with their columns; null if the row does not end in ';'. */
function splitRow(line: string, _ln: number): Cell[] | null {
  const end = line.lastIndexOf(';');
  if (end < 0 || line.slice(end + 1).trim() !== '') return null;
  const cells: Cell[] = [];
  let start = 0;
  for (let i = 0; i <= end; i++) {
    if (line[i] === '|' || i === end) {
      const text = line.slice(start, i);
      const lead = text.search(/\S/);
      cells.push({ text, start: start + 1, col: start + (lead < 0 ? 0 : lead) + 1 });
      start = i + 1;
    }
  }
  return cells;
}

const BRANCHES: Record<string, BranchCond | 'always'> = { b: 'always', beq: 'eq', bne: 'ne', blt: 'lt', bge: 'ge', bgt: 'gt', ble: 'le' };
const ARITH3: Record<string, 'add' | 'sub' | 'mul' | 'div' | 'xor' | 'and' | 'or'> = {
  add: 'add',
  sub: 'sub',
  mullw: 'mul',
  mulld: 'mul',
  divw: 'div',
  divd: 'div',
  xor: 'xor',
  and: 'and',
  or: 'or',
};
const ARITHI: Record<string, 'add' | 'mul' | 'xor' | 'and' | 'or'> = { addi: 'add', mulli: 'mul', xori: 'xor', ori: 'or', 'andi.': 'and' };
const LOADS: Record<string, number> = { lwz: 4, ld: 8, lbz: 1, lhz: 2, lwa: 4 };
const STORES: Record<string, number> = { stw: 4, std: 8, stb: 1, sth: 2 };
const FENCES = new Set(['sync', 'lwsync', 'eieio', 'isync']);

/** One cell (starting at column col0): optional `LABEL:` then at most one instruction. */
function parseCell(cell: string, line: number, col0: number): Instr[] {
  const out: Instr[] = [];
  let s = cell;
  let col = col0;
  const lab = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(s);
  if (lab && !/^\s*P?[0-9]/.test(s)) {
    out.push({ op: 'label', name: lab[1] });
    col += lab[0].length;
    s = s.slice(lab[0].length);
  }
  if (s.trim() === '') return out;
  col += s.search(/\S/);
  s = s.trim();
  const sp = s.search(/\s/);
  const mnem = (sp < 0 ? s : s.slice(0, sp)).toLowerCase();
  const argText = sp < 0 ? '' : s.slice(sp);
  const args = argText.trim() === '' ? [] : argText.split(',').map((a) => a.trim());
  const argCol = (k: number): number => {
    // Column of argument k, for error messages.
    let c = col + (sp < 0 ? s.length : sp);
    const parts = argText.split(',');
    for (let i = 0; i < k && i < parts.length; i++) c += parts[i].length + 1;
    return c + (parts[k] ?? '').search(/\S/);
  };
  const fail = (k: number, msg: string): never => {
    throw new LitmusSyntaxError(line, k < 0 ? col : argCol(k), msg);
  };
  const arity = (n: number): void => {
    if (args.length !== n) fail(-1, `${mnem} takes ${n} operand${n === 1 ? '' : 's'}, found ${args.length}`);
  };
  const reg = (k: number): string => {
    const a = args[k] ?? '';
    if (/^r([0-9]|[12][0-9]|3[01])$/.test(a) || /^%[A-Za-z0-9_]+$/.test(a)) return a;
    return fail(k, `expected a register (r0-r31), found '${a}'`);
  };
  const imm = (k: number): number => {
    const a = args[k] ?? '';
    if (!/^-?(0x[0-9a-fA-F]+|[0-9]+)$/.test(a)) fail(k, `expected an integer, found '${a}'`);
    return parseNumber(a);
  };
  /** `d(rA)`, or herd's `d,rA` form spread over two operands. */
  const dispAddr = (k: number): Address => {
    const a = args[k] ?? '';
    const m = /^(-?(?:0x[0-9a-fA-F]+|[0-9]+))\s*\(\s*(r[0-9]+|%[A-Za-z0-9_]+)\s*\)$/.exec(a);
    if (m) {
      if (args.length !== k + 1) arity(k + 1);
      return { reg: m[2], offset: parseNumber(m[1]) };
    }
    if (args.length === k + 2 && /^-?[0-9]+$/.test(a)) return { reg: reg(k + 1), offset: imm(k) };
    return fail(k, `expected an address d(rA), found '${a}'`);
  };
  /** Indexed form rA,rB: rA = r0 reads as 0 (Power ISA), so the base is rB alone. */
  const indexAddr = (k: number): Address => {
    arity(k + 2);
    const ra = reg(k);
    const rb = reg(k + 1);
    return ra === 'r0' ? { reg: rb } : { reg: ra, index: rb };
  };
  const label = (k: number): string => {
    const a = args[k] ?? '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(a)) fail(k, `expected a label, found '${a}'`);
    return a;
  };

  const base = mnem.replace(/[+-]$/, '');
  if (FENCES.has(mnem) || mnem === 'hwsync') {
    arity(0);
    out.push({ op: 'fence', kind: mnem === 'hwsync' ? 'sync' : (mnem as 'sync') });
  } else if (mnem === 'nop') {
    arity(0);
  } else if (mnem === 'li') {
    arity(2);
    out.push({ op: 'li', rd: reg(0), value: /^[A-Za-z_]/.test(args[1] ?? '') ? { addr: args[1] } : imm(1) });
  } else if (mnem === 'lis') {
    arity(2);
    out.push({ op: 'li', rd: reg(0), value: imm(1) * 65536 });
  } else if (mnem === 'mr') {
    arity(2);
    out.push({ op: 'mr', rd: reg(0), rs: reg(1) });
  } else if (ARITH3[mnem.replace(/\.$/, '')] && !(mnem in ARITHI)) {
    arity(3);
    const fn = ARITH3[mnem.replace(/\.$/, '')];
    out.push({ op: 'arith', fn, rd: reg(0), ra: reg(1), rb: reg(2), setsCr0: mnem.endsWith('.') });
  } else if (mnem === 'subf' || mnem === 'subf.') {
    arity(3);
    out.push({ op: 'arith', fn: 'sub', rd: reg(0), ra: reg(2), rb: reg(1), setsCr0: mnem.endsWith('.') });
  } else if (mnem in ARITHI) {
    arity(3);
    const rd = reg(0);
    const ra = reg(1);
    const k = imm(2);
    // addi rD,r0,k is li (Power ISA: r0 reads as 0 there).
    if (mnem === 'addi' && ra === 'r0') out.push({ op: 'li', rd, value: k });
    else out.push({ op: 'arith', fn: ARITHI[mnem], rd, ra, rb: k, setsCr0: mnem === 'andi.' });
  } else if (mnem === 'cmpw' || mnem === 'cmpd' || mnem === 'cmpwi' || mnem === 'cmpdi' || mnem === 'cmplw' || mnem === 'cmplwi') {
    let k = 0;
    if (args.length === 3) {
      if (args[0] !== 'cr0') fail(0, `only cr0 is modelled, found '${args[0]}'`);
      k = 1;
    } else arity(2);
    const ra = reg(k);
    out.push({ op: 'cmp', ra, rb: mnem.endsWith('i') ? imm(k + 1) : reg(k + 1) });
  } else if (base in BRANCHES) {
    let k = 0;
    if (args.length === 2) {
      if (args[0] !== 'cr0') fail(0, `only cr0 is modelled, found '${args[0]}'`);
      k = 1;
    } else arity(1);
    out.push({ op: 'branch', cond: BRANCHES[base], to: label(k) });
  } else if (mnem in LOADS) {
    out.push({ op: 'load', rd: reg(0), addr: dispAddr(1), size: LOADS[mnem] });
  } else if (mnem.endsWith('x') && mnem.slice(0, -1) in LOADS) {
    out.push({ op: 'load', rd: reg(0), addr: indexAddr(1), size: LOADS[mnem.slice(0, -1)] });
  } else if (mnem in STORES) {
    out.push({ op: 'store', rs: reg(0), addr: dispAddr(1), size: STORES[mnem] });
  } else if (mnem.endsWith('x') && mnem.slice(0, -1) in STORES) {
    out.push({ op: 'store', rs: reg(0), addr: indexAddr(1), size: STORES[mnem.slice(0, -1)] });
  } else if (mnem === 'lwarx' || mnem === 'ldarx') {
    out.push({ op: 'load', rd: reg(0), addr: indexAddr(1), size: mnem === 'lwarx' ? 4 : 8, reserve: true });
  } else if (mnem === 'stwcx.' || mnem === 'stdcx.') {
    out.push({ op: 'store', rs: reg(0), addr: indexAddr(1), size: mnem === 'stwcx.' ? 4 : 8, conditional: true });
  } else fail(-1, `unknown instruction '${mnem}'`);
  return out;
}
