/**
 * Where a JSON text stops being JSON, as line and column, for import errors a person can act
 * on (V8's own messages sometimes give an offset, sometimes only an excerpt). A small strict
 * JSON scanner (RFC 8259), iterative so deep nesting cannot overflow the stack; it is only run
 * after JSON.parse has failed.
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

/** JSON.parse with an error that says where: `not valid JSON at line 3, column 7: expected ',' or '}', found "x"`. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const p = locateJsonError(text);
    throw new Error(p ? `not valid JSON at line ${p.line}, column ${p.column}: ${p.reason}` : `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}
