/**
 * Hex dumps in exactly the format of `xxd` (vim's xxd, default mode): each line is the offset
 * as at least 8 lower-case hex digits, ': ', the bytes in hex in groups (2 bytes per group by
 * default) each followed by a space, padding to the width of a full line, one more space, and
 * the bytes as text ('.' for anything outside 0x20..0x7e). Used by `twb aie dump` and by the
 * renderer's hex view and its "export as xxd text".
 */
export interface XxdOptions {
  /** Bytes per line (xxd -c); default 16. */
  cols?: number;
  /** Bytes per group (xxd -g); default 2. `cols` must be a multiple of it. */
  group?: number;
  /** Added to the displayed offsets (xxd -o); default 0. */
  offset?: number;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function resolve(opts: XxdOptions): Required<XxdOptions> {
  const cols = opts.cols ?? 16;
  const group = opts.group ?? 2;
  const offset = opts.offset ?? 0;
  if (!Number.isInteger(cols) || cols < 1 || cols > 256) throw new RangeError(`cols: expected 1..256, got ${cols}`);
  if (!Number.isInteger(group) || group < 1 || cols % group) throw new RangeError(`group: expected a divisor of cols (${cols}), got ${group}`);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`offset: expected a non-negative integer, got ${offset}`);
  return { cols, group, offset };
}

/** One dump line for `bytes[start, start + cols)`, without the newline. */
export function xxdLine(bytes: Uint8Array, start: number, opts: XxdOptions = {}): string {
  const { cols, group, offset } = resolve(opts);
  const end = Math.min(start + cols, bytes.length);
  let hex = '';
  let text = '';
  for (let i = 0; i < cols; i++) {
    const at = start + i;
    if (at < end) {
      const b = bytes[at];
      hex += HEX[b];
      text += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.';
    } else hex += '  ';
    if ((i + 1) % group === 0) hex += ' ';
  }
  return `${(offset + start).toString(16).padStart(8, '0')}: ${hex} ${text}`;
}

/** Every line of the dump, without newlines (for views that render lines on demand). */
export function xxdLines(bytes: Uint8Array, opts: XxdOptions = {}): string[] {
  const { cols } = resolve(opts);
  const lines: string[] = [];
  for (let start = 0; start < bytes.length; start += cols) lines.push(xxdLine(bytes, start, opts));
  return lines;
}

/** The whole dump as xxd prints it: one line per `cols` bytes, each ending in '\n'; empty input gives ''. */
export function formatXxd(bytes: Uint8Array, opts: XxdOptions = {}): string {
  return xxdLines(bytes, opts).map((l) => l + '\n').join('');
}
