/**
 * The final part of a litmus test, common to herd's PPC and C formats:
 *
 *   locations [x; 1:r2;]        optional
 *   filter PROP                 optional
 *   exists PROP | ~exists PROP | forall PROP | final PROP [with …] | (PROP)
 *
 * PROP: atoms `N:reg=V`, `PN:reg=V`, `loc=V`, `[loc]=V` (also `==` and `!=`), V an integer or a
 * location name (its address); `/\`, `\/`, `~`, `=>`, `true`, `false`, parentheses.
 */
import { Scanner } from './scanner';
import { type Cond, type CondValue, LitmusSyntaxError, type Quantifier, type StateVar } from './test';

interface Tok {
  text: string;
  line: number;
  col: number;
}

const PUNCT = ['/\\', '\\/', '=>', '==', '!=', '(', ')', '[', ']', ';', ':', '=', '~', ',', '*'];

/** Tokens of `src`, where `src` starts at (line, col) of the file; comments are skipped. */
export function condTokens(src: string, line: number, col: number): Tok[] {
  const toks: Tok[] = [];
  const s = new Scanner(src, line, col);
  while (!s.done) {
    const c = s.char;
    if (/\s/.test(c)) {
      s.advance();
      continue;
    }
    if (s.at('(*')) {
      s.skipBlock('(*', '*)', "unterminated comment (missing '*)')");
      continue;
    }
    if (s.at('<<')) {
      // herd's old display directives (<< … >>): not part of the condition.
      s.skipBlock('<<', '>>', "unterminated '<<' block (missing '>>')");
      continue;
    }
    const m = /^(?:-?(?:0x[0-9a-fA-F]+|[0-9]+)|[A-Za-z_%][A-Za-z0-9_.]*)/.exec(src.slice(s.i, s.i + 80));
    if (m) {
      toks.push({ text: m[0], line: s.line, col: s.col });
      s.advance(m[0].length);
      continue;
    }
    const p = PUNCT.find((q) => s.at(q));
    if (!p) throw new LitmusSyntaxError(s.line, s.col, `unexpected character '${c}'`);
    toks.push({ text: p, line: s.line, col: s.col });
    s.advance(p.length);
  }
  toks.push({ text: '', line: s.line, col: s.col });
  return toks;
}

export interface CondPart {
  quantifier: Quantifier;
  cond: Cond;
  locations: StateVar[];
  filter: Cond | null;
}

export function parseCondPart(toks: Tok[]): CondPart {
  let pos = 0;
  const peek = (): Tok => toks[pos];
  const eof = (t: Tok): boolean => t.text === '';
  const next = (): Tok => (eof(toks[pos]) ? toks[pos] : toks[pos++]);
  const fail = (t: Tok, expected: string): never => {
    throw new LitmusSyntaxError(t.line, t.col, `expected ${expected}, found ${eof(t) ? 'end of file' : `'${t.text}'`}`);
  };
  const eat = (text: string): Tok => {
    const t = next();
    if (t.text !== text) fail(t, `'${text}'`);
    return t;
  };

  const locations: StateVar[] = [];
  if (peek().text === 'locations') {
    next();
    eat('[');
    while (peek().text !== ']') {
      locations.push(stateVar());
      if (peek().text === '*') next(); // herd's pointer-typed location (`p*`): shown like any other
      if (peek().text === ';') next();
      else if (peek().text !== ']') fail(peek(), "';' or ']'");
    }
    eat(']');
  }
  let filter: Cond | null = null;
  if (peek().text === 'filter') {
    next();
    filter = prop();
  }

  let quantifier: Quantifier = 'exists';
  const q = peek();
  if (q.text === '~' && toks[pos + 1]?.text === 'exists') {
    pos += 2;
    quantifier = '~exists';
  } else if (q.text === 'exists' || q.text === 'final') {
    next();
  } else if (q.text === 'forall') {
    next();
    quantifier = 'forall';
  } else if (q.text !== '(') fail(q, "'exists', '~exists', 'forall' or 'final'");
  const cond = prop();
  if (peek().text === ';') next();
  if (peek().text === 'with') {
    // Old-style expectations (`with default: exists;`): herd7 reads and ignores them.
    while (!eof(peek())) next();
  }
  if (!eof(peek())) fail(peek(), 'end of file after the condition');
  return { quantifier, cond, locations, filter };

  function prop(): Cond {
    const left = disj();
    if (peek().text === '=>') {
      next();
      return { kind: 'implies', left, right: prop() };
    }
    return left;
  }
  function disj(): Cond {
    let left = conj();
    while (peek().text === '\\/') {
      next();
      left = { kind: 'or', left, right: conj() };
    }
    return left;
  }
  function conj(): Cond {
    let left = unary();
    while (peek().text === '/\\') {
      next();
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  }
  function unary(): Cond {
    const t = peek();
    if (t.text === '~' || t.text === 'not') {
      next();
      return { kind: 'not', arg: unary() };
    }
    if (t.text === '(') {
      next();
      const c = prop();
      eat(')');
      return c;
    }
    if (t.text === 'true' || t.text === 'false') {
      next();
      return { kind: 'const', value: t.text === 'true' };
    }
    const v = stateVar();
    const op = next();
    if (op.text !== '=' && op.text !== '==' && op.text !== '!=') fail(op, "'='");
    const value = condValue();
    const atom: Cond = { kind: 'eq', v, value };
    return op.text === '!=' ? { kind: 'not', arg: atom } : atom;
  }
  function stateVar(): StateVar {
    const t = next();
    if (t.text === '[') {
      const l = next();
      if (!/^[A-Za-z_]/.test(l.text)) fail(l, 'a location');
      eat(']');
      return { thread: null, name: l.text };
    }
    const m = /^P?([0-9]+)$/.exec(t.text);
    if (m && peek().text === ':') {
      next();
      const r = next();
      if (!/^[A-Za-z_%]/.test(r.text)) fail(r, 'a register');
      return { thread: Number(m[1]), name: r.text };
    }
    if (!/^[A-Za-z_]/.test(t.text)) fail(t, "a location or 'N:register'");
    return { thread: null, name: t.text };
  }
  function condValue(): CondValue {
    const t = next();
    if (/^-?(0x[0-9a-fA-F]+|[0-9]+)$/.test(t.text)) return Number(t.text);
    if (/^[A-Za-z_]/.test(t.text)) return { addr: t.text };
    return fail(t, 'a value');
  }
}
