export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

const UNITS: Record<string, number> = { '': 1, B: 1, K: KiB, M: MiB, G: GiB, T: TiB };

/** Parses sizes with K/M/G/T suffixes (powers of 1024; `KiB`, `KB`, `k` accepted too). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?B)?\s*$/.exec(text);
  if (!m) throw new Error(`invalid size '${text}' (expected a number with K, M, G or T, e.g. 224G)`);
  const bytes = Math.round(Number(m[1]) * UNITS[m[2].toUpperCase()]);
  if (!Number.isSafeInteger(bytes)) throw new Error(`size '${text}' is too large`);
  return bytes;
}

/** Exact binary rendering when possible: 240518168576 → "224G". */
export function formatSize(bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K'] as const) {
    if (bytes !== 0 && bytes % UNITS[unit] === 0) return `${bytes / UNITS[unit]}${unit}`;
  }
  return `${bytes}B`;
}

/** A size for reading, not for round-tripping: `23.5 GiB`, `512 MiB`, `1 TiB` (one decimal at most). */
export function formatSizeHuman(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : Number(v.toFixed(1))} ${units[i]}`;
}
