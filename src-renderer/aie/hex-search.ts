/**
 * Finds `pattern` in `bytes` starting at `from` (forward: the first match at ≥ from;
 * backward: the last match at ≤ from), wrapping around the end once. Returns the match's
 * offset, or -1.
 */
export function findBytes(bytes: Uint8Array, pattern: Uint8Array, from: number, direction: 'forward' | 'backward' = 'forward'): number {
  const n = bytes.length;
  const m = pattern.length;
  if (m === 0 || m > n) return -1;
  const last = n - m;
  const start = direction === 'forward' ? Math.max(0, from) : Math.min(Math.max(0, from), last);
  const at = (i: number) => {
    for (let k = 0; k < m; k++) if (bytes[i + k] !== pattern[k]) return false;
    return true;
  };
  const first = pattern[0];
  if (direction === 'forward') {
    for (let i = bytes.indexOf(first, start); i !== -1 && i <= last; i = bytes.indexOf(first, i + 1)) if (at(i)) return i;
    for (let i = bytes.indexOf(first, 0); i !== -1 && i < start && i <= last; i = bytes.indexOf(first, i + 1)) if (at(i)) return i;
  } else {
    for (let i = bytes.lastIndexOf(first, start); i !== -1; i = i > 0 ? bytes.lastIndexOf(first, i - 1) : -1) if (at(i)) return i;
    for (let i = bytes.lastIndexOf(first, last); i !== -1 && i > start; i = i > 0 ? bytes.lastIndexOf(first, i - 1) : -1) if (at(i)) return i;
  }
  return -1;
}
