/**
 * Values held in registers and memory: integers, and the addresses of named locations (herd's
 * symbolic addresses, as in `0:r2=x;` or `{ x = z; }`). An address is encoded as
 * (location index + 1) × 2^32 + byte offset, so small integers never collide with addresses and
 * `xor r3,r1,r1` / `add r4,r3,r5` work on either. Bitwise operations act on the 53-bit integer
 * range by halves (JS `^` would truncate to 32 bits).
 */

const HI = 2 ** 32;

/** The value of location `loc`'s address plus `offset` bytes. */
export function addressOf(loc: number, offset = 0): number {
  return (loc + 1) * HI + offset;
}

/** Location index and byte offset of an address value, or null for a plain integer. */
export function decodeAddress(v: number): { loc: number; offset: number } | null {
  if (v < HI || !Number.isSafeInteger(v)) return null;
  const hi = Math.floor(v / HI);
  return { loc: hi - 1, offset: v - hi * HI };
}

function split(v: number): [number, number] {
  const hi = Math.floor(v / HI);
  return [hi, v - hi * HI];
}

function join(hi: number, lo: number): number {
  return hi * HI + (lo >>> 0);
}

export type ArithFn = 'add' | 'sub' | 'mul' | 'div' | 'xor' | 'and' | 'or';

/** herd's PPC arithmetic on two values (division by zero gives 0, as the ISA leaves it undefined). */
export function arith(fn: ArithFn, a: number, b: number): number {
  switch (fn) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return b === 0 ? 0 : Math.trunc(a / b);
    default: {
      const [ah, al] = split(a);
      const [bh, bl] = split(b);
      if (fn === 'xor') return join(ah ^ bh, al ^ bl);
      if (fn === 'and') return join(ah & bh, al & bl);
      return join(ah | bh, al | bl);
    }
  }
}

/** Renders a value the way herd prints it: an integer, or a location name for an address. */
export function showValue(v: number, locs: readonly string[]): string {
  const a = decodeAddress(v);
  if (a && a.loc < locs.length) return a.offset === 0 ? locs[a.loc] : `${locs[a.loc]}+${a.offset}`;
  return String(v);
}
