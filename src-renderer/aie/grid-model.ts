import type { AieArrayInfo, AieTileInfo } from '../../src-common/bridge/areas/aie';

/**
 * The AIE grid view's model: tiles laid out as the hardware is drawn (row 0, the SHIM row,
 * at the bottom), arrow-key moves, names and colours.
 */
export interface TilePos {
  col: number;
  row: number;
}

/** Display rows top to bottom: highest row first. */
export function displayRows(info: AieArrayInfo): AieTileInfo[][] {
  const rows: AieTileInfo[][] = [];
  for (let r = info.rows - 1; r >= 0; r--) rows.push(info.tiles.filter((t) => t.row === r).sort((a, b) => a.col - b.col));
  return rows;
}

/** Where an arrow/Home/End key moves from `at` (up = a higher row); null for other keys. */
export function gridMove(key: string, at: TilePos, columns: number, rows: number, ctrl = false): TilePos | null {
  const clamp = (col: number, row: number) => ({ col: Math.min(columns - 1, Math.max(0, col)), row: Math.min(rows - 1, Math.max(0, row)) });
  switch (key) {
    case 'ArrowLeft':
      return clamp(at.col - 1, at.row);
    case 'ArrowRight':
      return clamp(at.col + 1, at.row);
    case 'ArrowUp':
      return clamp(at.col, at.row + 1);
    case 'ArrowDown':
      return clamp(at.col, at.row - 1);
    case 'Home':
      return ctrl ? clamp(0, rows - 1) : clamp(0, at.row);
    case 'End':
      return ctrl ? clamp(columns - 1, 0) : clamp(columns - 1, at.row);
    default:
      return null;
  }
}

const TYPE_NAMES = { TILE: 'core', SHIMPL: 'SHIM PL', SHIMNOC: 'SHIM NoC' } as const;
export const typeName = (t: AieTileInfo['type']) => TYPE_NAMES[t];

/** The accessible name of a tile: "Tile (2,1), core, partition demo". */
export function tileLabel(t: AieTileInfo): string {
  return `Tile (${t.col},${t.row}), ${typeName(t.type)}, ${t.partition ? `partition ${t.partition}` : 'no partition'}`;
}

/** Partition outline colours (dark enough on the light tile fills), by partition index. */
export const PARTITION_COLOURS = ['#1f5fbf', '#a3218e', '#1e7a3a', '#b35c00', '#5b3cc4', '#006d77'];
export function partitionColour(info: AieArrayInfo, name: string | null): string | null {
  if (name === null) return null;
  const i = info.partitions.findIndex((p) => p.name === name);
  return PARTITION_COLOURS[i % PARTITION_COLOURS.length];
}
