/**
 * How the hex view's byte offsets map to AI Engine array addresses
 * ((col << 23) + (row << 18) + offset in the tile). A tile memory is one linear range; a
 * partition memory (its dma-buf) is each tile's memory in turn, columns first, then rows
 * within a column (seed aie_mem_mmap).
 */
export interface TileOffset {
  col: number;
  row: number;
  /** Offset within the memory (not the tile's address space). */
  offset: number;
}

export interface MemLayout {
  size: number;
  /** Array address of byte `offset`. */
  addressOf(offset: number): number;
  /** Byte offset of an array address, or null when the address is not in this memory. */
  offsetOf(address: number): number | null;
  /** The tile holding byte `offset`, and where in that tile's memory; bytes left in that tile from there. */
  tileOf(offset: number): TileOffset & { left: number };
}

const COL = 2 ** 23;
const ROW = 2 ** 18;

/** One tile memory of `size` bytes at `memOffset` in tile (col, row). */
export function tileLayout(col: number, row: number, memOffset: number, size: number): MemLayout {
  const base = col * COL + row * ROW + memOffset;
  return {
    size,
    addressOf: (o) => base + o,
    offsetOf: (a) => (a >= base && a < base + size ? a - base : null),
    tileOf: (o) => ({ col, row, offset: o, left: size - o }),
  };
}

/** A partition memory: numCols × numRows tiles from (startCol, startRow), memSize bytes each. */
export function partitionLayout(
  range: { startCol: number; numCols: number; startRow: number; numRows: number },
  memOffset: number,
  memSize: number,
): MemLayout {
  const size = range.numCols * range.numRows * memSize;
  const tileOf = (o: number) => {
    const index = Math.floor(o / memSize);
    const col = range.startCol + Math.floor(index / range.numRows);
    const row = range.startRow + (index % range.numRows);
    const offset = o - index * memSize;
    return { col, row, offset, left: memSize - offset };
  };
  return {
    size,
    tileOf,
    addressOf: (o) => {
      const t = tileOf(o);
      return t.col * COL + t.row * ROW + memOffset + t.offset;
    },
    offsetOf: (a) => {
      const col = Math.floor(a / COL);
      const row = Math.floor((a - col * COL) / ROW);
      const off = a - col * COL - row * ROW - memOffset;
      if (col < range.startCol || col >= range.startCol + range.numCols) return null;
      if (row < range.startRow || row >= range.startRow + range.numRows) return null;
      if (off < 0 || off >= memSize) return null;
      return ((col - range.startCol) * range.numRows + (row - range.startRow)) * memSize + off;
    },
  };
}
