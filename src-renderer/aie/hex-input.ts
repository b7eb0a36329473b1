/**
 * Parsing what the user types into the hex view: bytes in hex, addresses, search terms.
 * Each parser returns `{ok: true, value}` or `{ok: false, error}` with a message that says
 * what was expected, so the view can show it beside the field.
 */
import type { MemLayout } from './mem-layout';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const err = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** "41 49", "4149", "0x41, 0x49", "41:49" → bytes. At least one byte. */
export function parseHexBytes(text: string): Parsed<Uint8Array> {
  const digits = text.replace(/0x/gi, '').replace(/[\s,:;-]+/g, '');
  if (!digits) return err('expected hex bytes such as "41 49"');
  const bad = /[^0-9a-fA-F]/.exec(digits);
  if (bad) return err(`'${bad[0]}' is not a hex digit (expected hex bytes such as "41 49")`);
  if (digits.length % 2) return err(`expected whole bytes (pairs of hex digits), got ${digits.length} digits`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return ok(out);
}

/**
 * An address typed as hex ("0x1040300", "1040300", "300h") or decimal with a "#" ("#768"),
 * as a byte offset of the memory `layout` describes: an array address inside the memory is
 * taken as that, otherwise a plain offset below its size.
 */
export function parseAddress(text: string, layout: MemLayout): Parsed<number> {
  const t = text.trim();
  let n: number;
  const first = layout.addressOf(0);
  if (/^#\d+$/.test(t)) n = Number(t.slice(1));
  else if (/^(0x)?[0-9a-f]+h?$/i.test(t)) n = parseInt(t.replace(/^0x/i, '').replace(/h$/i, ''), 16);
  else return err(`expected a hex address such as 0x${(first + 0x100).toString(16)} or an offset such as 0x100`);
  if (!Number.isSafeInteger(n)) return err('the address is too large');
  const at = layout.offsetOf(n);
  if (at !== null) return ok(at);
  if (n < layout.size) return ok(n);
  const last = layout.addressOf(layout.size - 1);
  return err(`0x${n.toString(16)} is outside this memory (addresses 0x${first.toString(16)}..0x${last.toString(16)}, offsets 0x0..0x${(layout.size - 1).toString(16)})`);
}

/** A search term: hex bytes, or text matched as its UTF-8 bytes. */
export function parseSearch(text: string, mode: 'hex' | 'text'): Parsed<Uint8Array> {
  if (mode === 'hex') return parseHexBytes(text);
  if (!text) return err('expected some text to search for');
  return ok(new TextEncoder().encode(text));
}
