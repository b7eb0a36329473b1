import { describe, expect, it } from 'vitest';
import { Simulation } from '../core';
import { AieArray } from './array';
import { TileType, decodeAddress, tileAddress, tileType, tileTypeName } from './geometry';

describe('tile types (aie_get_tile_type)', () => {
  it('row 0 is SHIMPL for col % 4 < 2, else SHIMNOC; rows ≥ 1 are core tiles', () => {
    const types = Array.from({ length: 8 }, (_, col) => tileTypeName({ col, row: 0 }));
    expect(types).toEqual(['SHIMPL', 'SHIMPL', 'SHIMNOC', 'SHIMNOC', 'SHIMPL', 'SHIMPL', 'SHIMNOC', 'SHIMNOC']);
    for (let col = 0; col < 50; col++) for (let row = 1; row < 9; row++) expect(tileType({ col, row })).toBe(TileType.TILE);
    expect(tileType({ col: 49, row: 0 })).toBe(TileType.SHIMPL);
  });
});

describe('addresses', () => {
  it('are (col << 23) + (row << 18) + offset', () => {
    expect(tileAddress({ col: 2, row: 1 }, 0x20000)).toBe((2 << 23) + (1 << 18) + 0x20000);
    expect(tileAddress({ col: 49, row: 8 }, 0x7ffc)).toBe(49 * 2 ** 23 + 8 * 2 ** 18 + 0x7ffc);
    expect(decodeAddress(tileAddress({ col: 13, row: 5 }, 0x1234))).toEqual({ col: 13, row: 5, offset: 0x1234 });
  });
});

describe('AieArray', () => {
  const sim = () => new Simulation({ seed: 1 });

  it('defaults to a VC1902: 50 columns, SHIM row plus 8 core rows', () => {
    const a = new AieArray(sim());
    expect([a.columns, a.rows]).toEqual([50, 9]);
    expect(a.layout.data).toMatchObject({ offset: 0, size: 32 * 1024 });
    expect(a.layout.program).toMatchObject({ offset: 0x20000, size: 16 * 1024 });
  });

  it('gives core tiles memories and SHIM tiles none, naming the tile', () => {
    const a = new AieArray(sim(), { columns: 4, rows: 3 });
    expect(a.tile({ col: 1, row: 2 }).memory('program').size).toBe(16 * 1024);
    expect(() => a.tile({ col: 2, row: 0 }).memory('data')).toThrow('tile (2,0) is a SHIMNOC tile: SHIM tiles have no memory');
    expect(() => a.tile({ col: 1, row: 0 }).memory('data')).toThrow('tile (1,0) is a SHIMPL tile');
    expect(() => a.tile({ col: 4, row: 1 })).toThrow('tile (4,1) is outside the 4×3 array (columns 0..3, rows 0..2)');
  });

  it('maps both memories into the register space of a core tile', () => {
    const a = new AieArray(sim(), { columns: 4, rows: 3 });
    a.writeReg(tileAddress({ col: 3, row: 2 }, 0x10), 0xdeadbeef);
    a.writeReg(tileAddress({ col: 3, row: 2 }, 0x20000 + 4), 0x01020304);
    expect(Array.from(a.tile({ col: 3, row: 2 }).memory('data').snapshot().subarray(0x10, 0x14))).toEqual([0xef, 0xbe, 0xad, 0xde]);
    expect(a.tile({ col: 3, row: 2 }).memory('program').snapshot()[4]).toBe(0x04);
    expect(a.readReg(tileAddress({ col: 3, row: 2 }, 0x10))).toBe(0xdeadbeef);
    expect(() => a.readReg(tileAddress({ col: 3, row: 2 }, 2))).toThrow(/not 4-byte aligned/);
  });

  it('describes every tile as plain data for views', () => {
    const a = new AieArray(sim(), { columns: 4, rows: 3 });
    a.requestPartition({ name: 'p', startCol: 1, numCols: 2 });
    a.tile({ col: 1, row: 1 }).memory('data').writeWord(0, 1);
    const v = a.describe();
    expect(v.tiles).toHaveLength(12);
    expect(v.tiles.find((t) => t.col === 2 && t.row === 0)).toMatchObject({ type: 'SHIMNOC', partition: 'p', clockOn: true, core: null, data: null });
    expect(v.tiles.find((t) => t.col === 1 && t.row === 1)).toMatchObject({ type: 'TILE', data: { writes: 1, bytesWritten: 4 } });
    expect(v.tiles.find((t) => t.col === 0 && t.row === 1)).toMatchObject({ partition: null, clockOn: false });
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });
});
