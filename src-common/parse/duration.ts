/** Durations are integer nanoseconds everywhere (docs/architecture.md §2). */
export const NS = 1;
export const US = 1_000;
export const MS = 1_000_000;
export const SEC = 1_000_000_000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

const UNITS: Record<string, number> = { ns: NS, us: US, ms: MS, s: SEC, m: MIN, h: HOUR, d: DAY };

/**
 * Parses `1ms`, `10m`, `20h`, `1.5s`; a bare number is seconds. Returns integer ns.
 * Throws an Error whose message says what was wrong; callers prefix the field name.
 */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new Error(`invalid duration '${text}' (expected a number with ns, us, ms, s, m, h or d, e.g. 20h)`);
  const ns = Math.round(Number(m[1]) * UNITS[m[2] ?? 's']);
  if (!Number.isSafeInteger(ns)) throw new Error(`duration '${text}' is too long`);
  return ns;
}

/** Shortest exact rendering: 72000000000000 → "20h", 1500000000 → "1500ms". */
export function formatDuration(ns: number): string {
  for (const unit of ['d', 'h', 'm', 's', 'ms', 'us'] as const) {
    if (ns !== 0 && ns % UNITS[unit] === 0) return `${ns / UNITS[unit]}${unit}`;
  }
  return `${ns}ns`;
}
