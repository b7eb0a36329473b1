/**
 * Bytes changed since the previous run: a mask (1 = changed) of `next` against `prev`, or
 * null when there is nothing to compare with (first run, or a different memory size).
 */
export function changedMask(prev: Uint8Array | null | undefined, next: Uint8Array): { mask: Uint8Array; count: number } | null {
  if (!prev || prev.length !== next.length) return null;
  const mask = new Uint8Array(next.length);
  let count = 0;
  for (let i = 0; i < next.length; i++)
    if (prev[i] !== next[i]) {
      mask[i] = 1;
      count++;
    }
  return { mask, count };
}

/** base64 → bytes (what the bridge sends memories as). */
export function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
