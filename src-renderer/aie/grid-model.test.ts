import { describe, expect, it } from 'vitest';
import type { AieArrayInfo, AieTileInfo } from '../../src-common/bridge/areas/aie';
import { displayRows, gridMove, partitionColour, tileLabel } from './grid-model';

const tiles: AieTileInfo[] = [];
for (let col = 0; col < 4; col++)
  for (let row = 0; row < 3; row++)
    tiles.push({ col, row, type: row ? 'TILE' : col % 4 < 2 ? 'SHIMPL' : 'SHIMNOC', partition: col >= 1 ? 'demo' : null });
const info: AieArrayInfo = { columns: 4, rows: 3, partitions: [{ name: 'demo', startCol: 1, numCols: 3 }], tiles };

describe('AIE grid model', () => {
  it('lays rows out top to bottom from the highest row, SHIM row last', () => {
    const rows = displayRows(info);
    expect(rows.map((r) => r[0].row)).toEqual([2, 1, 0]);
    expect(rows[2].map((t) => t.type)).toEqual(['SHIMPL', 'SHIMPL', 'SHIMNOC', 'SHIMNOC']);
  });
  it('moves with arrows (up = higher row), clamped to the array', () => {
    expect(gridMove('ArrowUp', { col: 2, row: 1 }, 4, 3)).toEqual({ col: 2, row: 2 });
    expect(gridMove('ArrowUp', { col: 2, row: 2 }, 4, 3)).toEqual({ col: 2, row: 2 });
    expect(gridMove('ArrowDown', { col: 2, row: 1 }, 4, 3)).toEqual({ col: 2, row: 0 });
    expect(gridMove('ArrowLeft', { col: 0, row: 1 }, 4, 3)).toEqual({ col: 0, row: 1 });
    expect(gridMove('End', { col: 0, row: 1 }, 4, 3)).toEqual({ col: 3, row: 1 });
    expect(gridMove('Home', { col: 3, row: 1 }, 4, 3, true)).toEqual({ col: 0, row: 2 });
    expect(gridMove('a', { col: 0, row: 1 }, 4, 3)).toBeNull();
  });
  it('names tiles and colours partitions', () => {
    expect(tileLabel(tiles[4])).toBe('Tile (1,1), core, partition demo');
    expect(tileLabel(tiles[0])).toBe('Tile (0,0), SHIM PL, no partition');
    expect(partitionColour(info, 'demo')).toMatch(/^#/);
    expect(partitionColour(info, null)).toBeNull();
  });
});
