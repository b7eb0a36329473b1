/**
 * Mixed-size accesses (herd7's `-variant mixed`; Flur et al., "Mixed-size Concurrency: ARM,
 * POWER, C/C++11, and SC", POPL 2017): a location accessed with different sizes or at byte
 * offsets is a row of bytes, and every access to it is one event per byte it covers — a word
 * store into a byte's neighbourhood writes each of its bytes, a byte load reads one byte of
 * whatever wrote it. POWER is big-endian here, as herd's PPC is: byte 0 is the most significant.
 *
 * A location every access covers whole (one size, offset 0, the declared size if there is one)
 * stays one location, as herd treats tests without `-variant mixed`: single-size programs are
 * modelled exactly as before.
 */
import { ModelBoundError } from './bounds';
import type { Program } from './program';

/**
 * Per location: its width in bytes, whether it is mixed, and (for a mixed one) where its segments
 * start: the coarsest pieces no access boundary crosses, each a cell of its own (one byte at the
 * finest). Bytes every access covers together move together — herd splits them into bytes too,
 * and lets two writes of the same footprint tear between them, which POWER's single-copy atomicity
 * of aligned accesses forbids (docs/models/memory-model.md "Mixed-size accesses").
 */
export interface Layout {
  width: number[];
  mixed: boolean[];
  /** Per location, the start offsets of its segments, ascending (`[0]` for a whole one). */
  segments: number[][];
}

/** A piece of an access: segment `index` of its location, at byte `from` of the access, `len` bytes. */
export interface Part {
  index: number;
  from: number;
  len: number;
}

/**
 * Per layout, the parts of each (location, offset, size) asked for so far: the enumerators ask for
 * the same few accesses once per event of every path prefix and candidate, so each is split once.
 */
const partsMemo = new WeakMap<Layout, Map<number, readonly Part[]>>();

/** The segments of `loc` an access of `size` bytes at `offset` covers, in address order (shared: do not modify). */
export function partsOf(layout: Layout, loc: number, offset: number, size: number): readonly Part[] {
  let memo = partsMemo.get(layout);
  if (!memo) partsMemo.set(layout, (memo = new Map()));
  const key = (loc * 64 + offset) * 64 + size; // offset and size are at most 8 (a doubleword)
  let out = memo.get(key);
  if (!out) {
    const starts = layout.segments[loc];
    const parts: Part[] = [];
    starts.forEach((start, index) => {
      const end = starts[index + 1] ?? layout.width[loc];
      if (start >= offset && end <= offset + size) parts.push({ index, from: start - offset, len: end - start });
    });
    memo.set(key, (out = parts));
  }
  return out;
}

function unsigned(value: number, size: number): bigint {
  if (!Number.isSafeInteger(value)) throw new ModelBoundError(`${value} stored in ${size} bytes: more than the model's 53-bit integers hold`);
  return BigInt.asUintN(8 * size, BigInt(value));
}

/** 256 ** k: the scale of k bytes. */
const BYTES = [1, 2 ** 8, 2 ** 16, 2 ** 24, 2 ** 32, 2 ** 40, 2 ** 48, 2 ** 56, 2 ** 64];

/** Bytes `from`…`from + len − 1` (0 = most significant) of `value` stored in `size` bytes, two's complement. */
export function sliceOf(value: number, size: number, from: number, len: number): number {
  if (value === 0) return 0;
  // In doubles for a non-negative safe integer: dividing it by a power of two, floor and remainder
  // are exact there, and this runs once per byte event of every candidate. BigInt for the rest
  // (a negative value's two's complement, and the 53-bit error).
  if (value > 0 && size <= 8 && Number.isSafeInteger(value)) return Math.floor((value % BYTES[size]) / BYTES[size - from - len]) % BYTES[len];
  return Number((unsigned(value, size) >> BigInt(8 * (size - from - len))) & ((1n << BigInt(8 * len)) - 1n));
}

/** The zero-extended value of pieces read most significant first (lbz, lhz, lwz, ld): `values[i]` is `lens[i]` bytes. */
export function concat(values: readonly number[], lens: readonly number[], what: () => string): number {
  // In doubles while every piece is a byte string of its length and the sum stays within 53 bits
  // (exact there; past it the sum only grows, so the check catches it). Anything else composes
  // in BigInt, which also gives the exact figure for the error.
  let v = 0;
  for (let i = 0; i < values.length; i++) {
    const scale = BYTES[lens[i]];
    const x = values[i];
    if (!(Number.isInteger(x) && x >= 0 && x < scale)) return concatBig(values, lens, what);
    v = v * scale + x;
  }
  return v <= Number.MAX_SAFE_INTEGER ? v : concatBig(values, lens, what);
}

function concatBig(values: readonly number[], lens: readonly number[], what: () => string): number {
  let v = 0n;
  values.forEach((x, i) => (v = (v << BigInt(8 * lens[i])) | BigInt(x)));
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelBoundError(`${what()} reads ${v}, more than the model's 53-bit values hold`);
  return Number(v);
}

/** Where accesses start and end, per location (bit k of `bounds`: an access starts or ends at byte k). */
export class Accesses {
  readonly bounds: Int32Array;
  readonly extent: Int32Array;

  constructor(locs: number) {
    this.bounds = new Int32Array(locs);
    this.extent = new Int32Array(locs);
  }

  add(loc: number, offset: number, size: number): void {
    this.bounds[loc] |= (1 << offset) | (1 << (offset + size));
    if (offset + size > this.extent[loc]) this.extent[loc] = offset + size;
  }

  addAll(o: Accesses): void {
    o.bounds.forEach((b, l) => {
      this.bounds[l] |= b;
      if (o.extent[l] > this.extent[l]) this.extent[l] = o.extent[l];
    });
  }
}

/**
 * The layout the accesses call for: a location is mixed when an access to it does not cover it
 * whole — a non-zero offset, two sizes, or a size other than its declared one. Its width is the
 * declared size, else the furthest byte an access reaches, else 4 (herd's `int`).
 */
export function layoutOf(declared: readonly (number | undefined)[], acc: Accesses): Layout {
  const width = declared.map((d, l) => d ?? (acc.extent[l] || 4));
  const mixed = width.map((w, l) => (acc.bounds[l] & ~(1 | (1 << w))) !== 0);
  const segments = width.map((w, l) => {
    if (!mixed[l]) return [0];
    const out: number[] = [];
    for (let k = 0; k < w; k++) if (k === 0 || acc.bounds[l] & (1 << k)) out.push(k);
    return out;
  });
  return { width, mixed, segments };
}

export function sameLayout(a: Layout, b: Layout): boolean {
  return a.width.every((w, l) => w === b.width[l] && a.mixed[l] === b.mixed[l] && a.segments[l].join() === b.segments[l].join());
}

/** What rf and co relate events on: a location, or each byte of a mixed one. */
export interface Cells {
  layout: Layout;
  /** First cell of each location (a mixed one has a cell per segment). */
  base: number[];
  /** Initial value per cell (a segment of a mixed location's initial value). */
  init: number[];
  /** Location of each cell, and where in it the cell starts and how many bytes it holds. */
  loc: number[];
  start: number[];
  len: number[];
}

export function cellsOf(prog: Pick<Program, 'locs' | 'init'>, layout: Layout): Cells {
  const base: number[] = [];
  const init: number[] = [];
  const loc: number[] = [];
  const start: number[] = [];
  const len: number[] = [];
  prog.locs.forEach((_, l) => {
    base.push(init.length);
    if (!layout.mixed[l]) {
      init.push(prog.init[l]);
      loc.push(l);
      start.push(0);
      len.push(layout.width[l]);
    } else
      for (const p of partsOf(layout, l, 0, layout.width[l])) {
        init.push(sliceOf(prog.init[l], layout.width[l], p.from, p.len));
        loc.push(l);
        start.push(p.from);
        len.push(p.len);
      }
  });
  return { layout, base, init, loc, start, len };
}

/** Every location's value from its cells' (`cellValue`), composed byte by byte for a mixed one: final memory, in both models. */
export function locationValues(cells: Cells, locs: readonly string[], cellValue: (cell: number) => number): number[] {
  const { base, layout } = cells;
  return locs.map((name, l) => {
    if (!layout.mixed[l]) return cellValue(base[l]);
    const parts = partsOf(layout, l, 0, layout.width[l]);
    return concat(
      parts.map((p) => cellValue(base[l] + p.index)),
      parts.map((p) => p.len),
      () => `the final value of ${name}`,
    );
  });
}
