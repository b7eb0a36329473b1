/**
 * Input quoted in error messages, bounded: an error names what it got, but a 1 MB string, a
 * 5,000-deep array or a cyclic object must not make the message (or the JSON.stringify that
 * builds it) unbounded. Strings are quoted 'like this', numbers as written (Infinity, NaN
 * included), containers as a JSON-like prefix; anything past `max` characters becomes `…`.
 */
export const QUOTE_MAX = 80;

export function quote(v: unknown, max = QUOTE_MAX): string {
  if (typeof v === 'string') return `'${clip(v, max)}'${v.length > max ? ` (${v.length} characters)` : ''}`;
  if (v === undefined) return 'nothing';
  const out = { text: '' };
  render(v, max, out, 0);
  return out.text.length > max ? out.text.slice(0, max) + '…' : out.text;
}

/** A string cut to `max` characters, with `…` when cut. */
export const clip = (s: string, max = QUOTE_MAX): string => (s.length > max ? s.slice(0, max) + '…' : s);

/** JSON-like rendering that stops as soon as `max` characters are written (so depth is bounded by max too). */
function render(v: unknown, max: number, out: { text: string }, depth: number): void {
  if (out.text.length > max) return;
  if (typeof v === 'string') out.text += JSON.stringify(clip(v, max));
  else if (typeof v === 'number') out.text += String(v); // Infinity and NaN by name, not JSON's null
  else if (typeof v === 'bigint') out.text += `${v}`;
  else if (v === null || typeof v === 'boolean') out.text += String(v);
  else if (typeof v !== 'object') out.text += typeof v;
  else if (depth > 8) out.text += '…';
  else if (Array.isArray(v)) {
    out.text += '[';
    for (let i = 0; i < v.length && out.text.length <= max; i++) {
      if (i) out.text += ',';
      render(v[i], max, out, depth + 1);
    }
    out.text += ']';
  } else {
    out.text += '{';
    let first = true;
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      if (out.text.length > max) break;
      if (!first) out.text += ',';
      first = false;
      out.text += `${JSON.stringify(clip(k, max))}:`;
      render((v as Record<string, unknown>)[k], max, out, depth + 1);
    }
    out.text += '}';
  }
}

/** The longest error message that crosses the bridge or reaches a terminal (the rest is cut). */
export const MESSAGE_MAX = 2000;

/** Cuts a whole message to MESSAGE_MAX, saying how much was left out. */
export function boundMessage(message: string, max = MESSAGE_MAX): string {
  return message.length > max ? `${message.slice(0, max)}… (${message.length - max} more characters)` : message;
}
