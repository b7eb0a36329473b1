/** An input error that names the field it is about, e.g. `guests[1].smp.threads`; `more` counts the document's other problems. */
export class FieldError extends Error {
  override name = 'FieldError';
  constructor(
    readonly field: string,
    readonly detail: string,
    readonly more = 0,
  ) {
    super((field ? `${field}: ${detail}` : detail) + (more > 0 ? ` (and ${more} more)` : ''));
  }
}

/** Longest key and most segments a formatted path shows (keys come from input: a 1 MB key must not make a 1 MB message). */
const KEY_MAX = 64;
const SEGMENTS_MAX = 16;

/** Formats a path the way users write it: `guests[1].smp.threads`; a very deep one keeps its ends (`a[0][0]…[0][0]`). */
export function formatPath(path: readonly PropertyKey[]): string {
  const seg = (key: PropertyKey, first: boolean) => {
    if (typeof key === 'number') return `[${key}]`;
    const s = String(key);
    const k = s.length > KEY_MAX ? `${s.slice(0, KEY_MAX)}…` : s;
    return first ? k : `.${k}`;
  };
  if (path.length <= SEGMENTS_MAX) return path.map((k, i) => seg(k, i === 0)).join('');
  const head = path.slice(0, SEGMENTS_MAX / 2).map((k, i) => seg(k, i === 0)).join('');
  const tail = path.slice(-SEGMENTS_MAX / 2 + 1).map((k) => seg(k, false)).join('');
  return `${head}…(${path.length - SEGMENTS_MAX + 1} more levels)…${tail}`;
}
