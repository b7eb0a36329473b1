/**
 * Reads a litmus test in either of herd's formats, by its first line: `PPC NAME` (PPC assembly,
 * parse-ppc.ts) or `C NAME` (Linux-kernel C, parse-c.ts).
 */
import { parseCLitmus } from './parse-c';
import { parsePpcLitmus } from './parse-ppc';
import { LitmusSyntaxError, type LitmusTest } from './test';

export { LitmusSyntaxError, type LitmusTest } from './test';

/** Bound on the size of a litmus file (bytes), checked before parsing. */
export const MAX_LITMUS_BYTES = 256 * 1024;

export function parseLitmus(src: string): LitmusTest {
  if (src.length > MAX_LITMUS_BYTES) throw new LitmusSyntaxError(1, 1, `the test is larger than ${MAX_LITMUS_BYTES} bytes`);
  const lines = src.split('\n');
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first++;
  const arch = /^\s*(\S+)/.exec(lines[first] ?? '')?.[1];
  if (arch === 'PPC') return parsePpcLitmus(src);
  if (arch === 'C') return parseCLitmus(src);
  throw new LitmusSyntaxError(first + 1, 1, "expected the name line 'PPC NAME' or 'C NAME'");
}
