/**
 * Reading JSON text that comes from outside (files, bridge messages): errors say where a text
 * stops being JSON (line and column), and a value nested too deep or a number that is not
 * finite is refused by its path. Every walk here is iterative, so depth costs no stack.
 */
import { formatPath } from './field-error';
import { clip } from './quote';

/**
 * Where a JSON text stops being JSON, for import errors a person can act on (V8's own messages
 * sometimes give an offset, sometimes only an excerpt). A small strict scanner (RFC 8259), only
 * run after JSON.parse has failed.
 */
export interface JsonSyntaxProblem {
  line: number;
  column: number;
  reason: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

export function locateJsonError(text: string): JsonSyntaxProblem | null {
  let i = 0;
  const closers: string[] = [];
  const what = () => (i >= text.length ? 'end of file' : `${JSON.stringify(text[i])}`);
  const at = (reason: string): JsonSyntaxProblem => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < i && k < text.length; k++)
      if (text[k] === '\n') {
        line++;
        lineStart = k + 1;
      }
    return { line, column: i - lineStart + 1, reason };
  };
  const skipWs = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  /** Scans a string starting at its opening quote; returns a problem or null. */
  const scanString = (): JsonSyntaxProblem | null => {
    i++;
    for (;;) {
      if (i >= text.length) return at('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c < 0x20) return at('control character in a string (write it escaped, e.g. \\n)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return (i++, at('bad \\u escape (expected 4 hex digits)'));
          i += 6;
        } else if (e !== undefined && ESCAPES.has(e)) i += 2;
        else return (i++, at(`bad escape \\${e ?? ''}`));
      } else i++;
    }
  };

  let expect: 'value' | 'firstValue' | 'key' | 'firstKey' = 'value';
  for (;;) {
    skipWs();
    let closedEmpty = false;
    if ((expect === 'firstKey' && text[i] === '}') || (expect === 'firstValue' && text[i] === ']')) {
      i++;
      closers.pop();
      closedEmpty = true;
    } else if (expect === 'key' || expect === 'firstKey') {
      if (text[i] !== '"') return at(`expected a property name in double quotes, found ${what()}`);
      const p = scanString();
      if (p) return p;
      skipWs();
      if (text[i] !== ':') return at(`expected ':' after the property name, found ${what()}`);
      i++;
      expect = 'value';
      continue;
    }
    if (!closedEmpty) {
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        closers.push(c === '{' ? '}' : ']');
        expect = c === '{' ? 'firstKey' : 'firstValue';
        continue;
      }
      if (c === '"') {
        const p = scanString();
        if (p) return p;
      } else if (c === 't' || c === 'f' || c === 'n') {
        const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
        if (text.slice(i, i + word.length) !== word) return at(`unexpected ${what()} (expected ${word})`);
        i += word.length;
      } else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return at(`unexpected ${what()}, expected a value`);
        i = NUMBER.lastIndex;
      }
    }
    // After a value: a comma, a closer, or the end.
    for (;;) {
      skipWs();
      if (!closers.length) return i < text.length ? at(`unexpected ${what()} after the end of the JSON value`) : null;
      const close = closers[closers.length - 1];
      if (text[i] === ',') {
        i++;
        expect = close === '}' ? 'key' : 'value';
        break;
      }
      if (text[i] !== close) return at(`expected ',' or '${close}', found ${what()}`);
      i++;
      closers.pop();
    }
  }
}

/** The deepest nesting a JSON text or a request may have (a workspace document needs 7 levels, a request 8). */
export const JSON_MAX_DEPTH = 64;

/** A parsed value that JSON allows but the app does not: too deep, or a number that is not finite. */
export class JsonValueError extends Error {
  override name = 'JsonValueError';
  constructor(
    readonly path: (string | number)[],
    readonly detail: string,
  ) {
    super(`${formatPath(path) || 'the value'}: ${detail}`);
  }
}

/**
 * The first part of `value` nested deeper than `maxDepth`, or the first number that is not
 * finite (JSON writes 1e400, which parses to Infinity; structured clone can carry NaN).
 * Iterative, so a 100,000-deep value costs no stack.
 */
export function valueProblem(value: unknown, maxDepth = JSON_MAX_DEPTH): JsonValueError | null {
  type Frame = { v: unknown; depth: number; key: string | number | null; parent: Frame | null };
  const pathOf = (f: Frame) => {
    const p: (string | number)[] = [];
    for (let x: Frame | null = f; x && x.key !== null; x = x.parent) p.unshift(x.key);
    return p;
  };
  const stack: Frame[] = [{ v: value, depth: 0, key: null, parent: null }];
  while (stack.length) {
    const f = stack.pop()!;
    const v = f.v;
    if (typeof v === 'number' && !Number.isFinite(v)) return new JsonValueError(pathOf(f), `expected a finite number, got ${String(v)}`);
    if (v === null || typeof v !== 'object') continue;
    if (f.depth >= maxDepth) return new JsonValueError(pathOf(f), `nested deeper than ${maxDepth} levels`);
    const children: Frame[] = [];
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) children.push({ v: v[i], depth: f.depth + 1, key: i, parent: f });
    else for (const k of Object.keys(v)) children.push({ v: (v as Record<string, unknown>)[k], depth: f.depth + 1, key: k, parent: f });
    // Reversed so the first field is looked at first (the first problem in reading order).
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return null;
}

/**
 * The path and text of the first number token in valid JSON `text` whose value is not finite
 * (`1e400`), so the message can quote what the file says rather than "Infinity".
 */
function firstNonFiniteToken(text: string): { path: (string | number)[]; token: string } | null {
  const path: (string | number)[] = [];
  /** Per open container: '}' or ']'. */
  const kinds: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
      let j = i;
      while (text[j] === ' ' || text[j] === '\t' || text[j] === '\n' || text[j] === '\r') j++;
      // A string followed by ':' is a key: it names the next value.
      if (text[j] === ':' && kinds[kinds.length - 1] === '}') {
        path[path.length - 1] = JSON.parse(text.slice(start, i)) as string;
        i = j + 1;
      }
    } else if (c === '{' || c === '[') {
      kinds.push(c === '{' ? '}' : ']');
      path.push(c === '[' ? 0 : '');
      i++;
    } else if (c === '}' || c === ']') {
      kinds.pop();
      path.pop();
      i++;
    } else if (c === ',') {
      if (kinds[kinds.length - 1] === ']') (path[path.length - 1] as number)++;
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      NUMBER.test(text);
      const token = text.slice(i, NUMBER.lastIndex);
      if (!Number.isFinite(Number(token))) return { path: [...path], token };
      i = NUMBER.lastIndex;
    } else i++;
  }
  return null;
}

/**
 * JSON.parse with errors that say where: `not valid JSON at line 3, column 7: expected ',' or
 * '}', found "x"`; a value nested deeper than `maxDepth` or a number that is not finite is a
 * JsonValueError naming its path (`host.sockets[0].memoryBytes: expected a finite number, got 1e400`).
 */
export function parseJsonText(text: string, maxDepth = JSON_MAX_DEPTH): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const p = locateJsonError(text);
    throw new Error(p ? `not valid JSON at line ${p.line}, column ${p.column}: ${p.reason}` : `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const problem = valueProblem(value, maxDepth);
  if (problem && problem.detail.startsWith('expected a finite number')) {
    const t = firstNonFiniteToken(text);
    if (t) throw new JsonValueError(t.path, `expected a finite number, got ${clip(t.token, 40)}`);
  }
  if (problem) throw problem;
  return value;
}
