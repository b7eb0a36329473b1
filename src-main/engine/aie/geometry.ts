/**
 * AI Engine array geometry (seed xilinx-aie-tile-memories-dmabuf, ai-engine-aie.c): tile
 * types, the tile address space and where the two tile memories sit in it.
 */
import { AIE_DATA_MEM_SIZE, AIE_PROGRAM_MEM_SIZE } from '../../../src-common/workspace/devices/aie';

/** Tile types as the seed driver numbers them (AIE_TILE_TYPE_*). */
export const TileType = { TILE: 0, SHIMPL: 1, SHIMNOC: 2 } as const;
export type TileTypeValue = (typeof TileType)[keyof typeof TileType];
export const TILE_TYPE_NAMES = ['TILE', 'SHIMPL', 'SHIMNOC'] as const;

/** Address = (col << COL_SHIFT) + (row << ROW_SHIFT) + offset (AIE_COL_SHIFT, AIE_ROW_SHIFT). */
export const COL_SHIFT = 23;
export const ROW_SHIFT = 18;
/** Bytes of address space per tile (1 << ROW_SHIFT). */
export const TILE_SPACE = 1 << ROW_SHIFT;

/** The seed's aie_get_mem_info: data memory 32 KiB at 0x0, program memory 16 KiB at 0x20000. */
export const DATA_MEM_OFFSET = 0x0;
export const DATA_MEM_SIZE = AIE_DATA_MEM_SIZE;
export const PROGRAM_MEM_OFFSET = 0x20000;
export const PROGRAM_MEM_SIZE = AIE_PROGRAM_MEM_SIZE;

/** Linux PAGE_SIZE on the Versal APU (arm64, 4 KiB pages): dma-buf sizes and mmap offsets align to it. */
export const PAGE_SIZE = 4096;

/** A VC1902 array: 50 columns, the SHIM row 0 plus 8 core rows. */
export const VC1902_COLUMNS = 50;
export const VC1902_ROWS = 9;

export type MemKind = 'data' | 'program';
export const MEM_KINDS: readonly MemKind[] = ['data', 'program'];

export interface Location {
  col: number;
  row: number;
}

/** aie_get_tile_type: row ≥ 1 is a core tile; in row 0, col % 4 < 2 is SHIMPL, else SHIMNOC. */
export function tileType(loc: Location): TileTypeValue {
  if (loc.row) return TileType.TILE;
  return loc.col % 4 < 2 ? TileType.SHIMPL : TileType.SHIMNOC;
}

export function tileTypeName(loc: Location): (typeof TILE_TYPE_NAMES)[number] {
  return TILE_TYPE_NAMES[tileType(loc)];
}

/** The array address of `offset` within tile `loc`. */
export function tileAddress(loc: Location, offset = 0): number {
  // Multiplication, not <<, so columns ≥ 256 would not overflow 32-bit shifts.
  return loc.col * 2 ** COL_SHIFT + loc.row * 2 ** ROW_SHIFT + offset;
}

/** Splits an array address into its tile and the offset within the tile. */
export function decodeAddress(address: number): Location & { offset: number } {
  const col = Math.floor(address / 2 ** COL_SHIFT);
  const rest = address - col * 2 ** COL_SHIFT;
  const row = Math.floor(rest / 2 ** ROW_SHIFT);
  return { col, row, offset: rest - row * 2 ** ROW_SHIFT };
}

export const hex = (n: number) => `0x${n.toString(16)}`;
export const tileName = (loc: Location) => `(${loc.col},${loc.row})`;
