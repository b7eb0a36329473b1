import { describe, expect, it } from 'vitest';
import { Simulation } from '../core';
import { AieArray } from './array';
import { AieError } from './errors';
import { tileAddress } from './geometry';
import { MAP_DMA_BUF_WARNING } from './mem-buffer';

const KIB = 1024;

/** A 3-column partition of a 5×4 array (3 core rows): 9 tiles per memory type. */
function setup() {
  const a = new AieArray(new Simulation({ seed: 1 }), { columns: 5, rows: 4 });
  const p = a.requestPartition({ startCol: 1, numCols: 3 });
  const [data, program] = p.memories();
  return { a, p, data: data.buffer, program: program.buffer };
}

describe('AIE memory dma-buf layout', () => {
  it('walks columns, then rows within a column', () => {
    const { a, data } = setup();
    expect(data.size).toBe(32 * KIB * 3 * 3);
    // Mark every tile's first word with its (col,row).
    for (let col = 1; col <= 3; col++) for (let row = 1; row <= 3; row++) a.tile({ col, row }).memory('data').writeWord(0, col * 16 + row);
    const order = Array.from({ length: 9 }, (_, i) => data.read(i * 32 * KIB, 1)[0]);
    expect(order).toEqual([0x11, 0x12, 0x13, 0x21, 0x22, 0x23, 0x31, 0x32, 0x33]);
  });

  it('reads and writes across tile boundaries through the tile memories, counted', () => {
    const { a, program } = setup();
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => i + 1);
    program.write(16 * KIB - 20, bytes);
    expect(Array.from(a.tile({ col: 1, row: 1 }).memory('program').snapshot().subarray(16 * KIB - 20))).toEqual(Array.from(bytes.subarray(0, 20)));
    expect(Array.from(a.tile({ col: 1, row: 2 }).memory('program').snapshot().subarray(0, 20))).toEqual(Array.from(bytes.subarray(20)));
    expect(Array.from(program.read(16 * KIB - 20, 40))).toEqual(Array.from(bytes));
    expect(a.tile({ col: 1, row: 2 }).memory('program').counters).toMatchObject({ writes: 1, bytesWritten: 20, reads: 1, bytesRead: 20 });
    expect(() => program.read(program.size - 1, 2)).toThrow(AieError);
  });
});

describe('mmap (aie_mem_mmap)', () => {
  it('maps the whole buffer as one segment per tile at the tile memory addresses', () => {
    const { data } = setup();
    const m = data.mmap(0, data.size);
    expect(m.segments).toHaveLength(9);
    expect(m.segments[4]).toEqual({ loc: { col: 2, row: 2 }, tileOffset: 0, address: tileAddress({ col: 2, row: 2 }, 0), mapOffset: 4 * 32 * KIB, length: 32 * KIB });
  });

  it('honours the offset and the length', () => {
    const { program } = setup();
    const m = program.mmap(12 * KIB, 8 * KIB);
    expect(m.segments).toEqual([
      { loc: { col: 1, row: 1 }, tileOffset: 12 * KIB, address: tileAddress({ col: 1, row: 1 }, 0x20000 + 12 * KIB), mapOffset: 0, length: 4 * KIB },
      { loc: { col: 1, row: 2 }, tileOffset: 0, address: tileAddress({ col: 1, row: 2 }, 0x20000), mapOffset: 4 * KIB, length: 4 * KIB },
    ]);
    // Skips whole tiles before the offset; a boundary offset starts at the next tile.
    expect(program.mmap(48 * KIB, 4 * KIB).segments.map((s) => [s.loc, s.tileOffset])).toEqual([[{ col: 2, row: 1 }, 0]]);
    // A length that is not a page multiple is rounded up, as mmap does.
    expect(program.mmap(0, 100).length).toBe(4 * KIB);
  });

  it('refuses a range past the end and an unaligned offset (-EINVAL)', () => {
    const { data } = setup();
    expect(() => data.mmap(data.size - 4 * KIB, 8 * KIB)).toThrow(/runs past the end of the 294912-byte data memory buffer/);
    expect(() => data.mmap(data.size, 4 * KIB)).toThrow(AieError);
    expect(() => data.mmap(100, 4 * KIB)).toThrow(/not a multiple of the page size/);
  });

  it('gives a view whose writes land in the tile memory', () => {
    const { a, data } = setup();
    const m = data.mmap(32 * KIB, 64 * KIB); // tiles (1,2) and (1,3)
    m.write(32 * KIB + 8, Uint8Array.of(0xaa, 0xbb));
    expect(a.tile({ col: 1, row: 3 }).memory('data').readWord(8)).toBe(0xbbaa);
    expect(Array.from(m.read(32 * KIB + 8, 2))).toEqual([0xaa, 0xbb]);
    expect(() => m.read(64 * KIB - 1, 2)).toThrow(/outside the 65536-byte mapping/);
  });

  it('does not implement map_dma_buf, as the seed', () => {
    const { data } = setup();
    expect(data.mapDmaBuf()).toBeNull();
    expect(MAP_DMA_BUF_WARNING).toBe('AI engine memory map dma buf is not implemented.');
  });
});
