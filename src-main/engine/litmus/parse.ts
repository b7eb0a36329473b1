/**
 * Reads a litmus test in either of herd's formats, by its first line: `PPC NAME` (PPC assembly,
 * parse-ppc.ts) or `C NAME` (Linux-kernel C, parse-c.ts).
 */
import { parseCLitmus } from './parse-c';
import { parsePpcLitmus } from './parse-ppc';
import { LIMITS } from '../../../src-common/parse/limits';
import { LitmusSyntaxError, type LitmusTest } from './test';

export { LitmusSyntaxError, type LitmusTest } from './test';

/** Bound on the size of a litmus file (bytes), checked before parsing. */
export const MAX_LITMUS_BYTES = 256 * 1024;

export function parseLitmus(src: string): LitmusTest {
  if (src.length > MAX_LITMUS_BYTES) throw new LitmusSyntaxError(1, 1, `the test is larger than ${MAX_LITMUS_BYTES} bytes`);
  assertNesting(src);
  const lines = src.split('\n');
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first++;
  const arch = /^\s*(\S+)/.exec(lines[first] ?? '')?.[1];
  if (arch === 'PPC') return parsePpcLitmus(src);
  if (arch === 'C') return parseCLitmus(src);
  throw new LitmusSyntaxError(first + 1, 1, "expected the name line 'PPC NAME' or 'C NAME'");
}

/** The parsers recurse per bracket: refuse deeper nesting by position before they run out of stack. */
function assertNesting(src: string): void {
  let depth = 0;
  let line = 1;
  let col = 0;
  for (const ch of src) {
    col++;
    if (ch === '\n') {
      line++;
      col = 0;
    } else if (ch === '(' || ch === '[' || ch === '{') {
      if (++depth > LIMITS.litmusDepth.value) throw new LitmusSyntaxError(line, col, `brackets nested deeper than ${LIMITS.litmusDepth.value} levels`);
    } else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
  }
}
