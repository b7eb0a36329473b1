import { z } from 'zod';
import { quote } from '../../parse/quote';
import { LIMITS, atMost } from '../../parse/limits';
import { parseDuration, SEC } from '../../parse/duration';
import { AIE_DATA_MEM_SIZE, AIE_PROGRAM_MEM_SIZE, hexBytes, workspaceSchema, type Workspace } from '../../workspace';
import { area, method } from '../define';

/**
 * The AI Engine view's part of the bridge (src-renderer/aie). Every method takes the
 * renderer's current document (`doc`), not a stored id, so unsaved edits are what runs.
 * Tiles are absolute (col, row); row 0 is the SHIM row (no memory). Handlers:
 * src-main/host/server/handlers/aie.ts.
 */

export type AieTileType = 'TILE' | 'SHIMPL' | 'SHIMNOC';
export type AieMemKind = 'data' | 'program';

export interface AieTileInfo {
  col: number;
  row: number;
  type: AieTileType;
  /** The partition whose columns hold the tile, or null. */
  partition: string | null;
}

export interface AieArrayInfo {
  columns: number;
  /** Including the SHIM row 0. */
  rows: number;
  partitions: { name: string; startCol: number; numCols: number }[];
  /** Every tile, column-major. */
  tiles: AieTileInfo[];
}

export interface AieMemoryDump {
  col: number;
  row: number;
  mem: AieMemKind;
  /** Array address of byte 0: (col << 23) + (row << 18) + the memory's offset in the tile. */
  base: number;
  /** Simulated time the model ran before the snapshot, in ns (0 = the initial image). */
  afterNs: number;
  /** The memory's bytes, base64. */
  base64: string;
}

/** A partition's memory of one type as its dma-buf holds it (seed aie_mem_mmap's layout). */
export interface AiePartitionMemoryDump {
  partition: string;
  mem: AieMemKind;
  /** The tiles: columns startCol.., rows startRow..; the buffer walks columns, then rows within a column. */
  range: { startCol: number; numCols: number; startRow: number; numRows: number };
  /** The memory's offset within a tile (0x0 data, 0x20000 program) and its size in one tile. */
  memOffset: number;
  memSize: number;
  afterNs: number;
  base64: string;
}

/** The longest run a read may ask for: AIE kernels finish in microseconds; this bounds the work one request can cause. */
export const AIE_MAX_READ_NS = SEC;

const col = z.number().int('expected an integer column').min(0, 'expected a column ≥ 0').max(127, 'expected a column ≤ 127');
const row = z.number().int('expected an integer row').min(0, 'expected a row ≥ 0').max(31, 'expected a row ≤ 31');
const mem = z.enum(['data', 'program'], { error: (iss) => `expected 'data' or 'program', got ${quote(iss.input)}` });
const after = z
  .string()
  .refine((s) => durationNs(s) !== undefined, { error: (iss) => `expected a duration 0..1s such as "1ms", got ${quote(iss.input)}` });
const offset = z.number().int('expected an integer byte offset').min(0, 'expected an offset ≥ 0').max(0xffffffff, 'expected an offset ≤ 0xffffffff');
const hex = z
  .string()
  .max(LIMITS.aieImageHexChars.value, { error: `expected ${atMost('aieImageHexChars')} of hex` })
  .refine((s) => hexBytes(s) !== undefined && hexBytes(s)!.length > 0, { error: (iss) => `expected pairs of hex digits such as "41 49", got ${quote(iss.input)}` });

/** A duration string in ns within 0..AIE_MAX_READ_NS, or undefined. */
export function durationNs(s: string): number | undefined {
  try {
    const ns = parseDuration(s);
    return ns >= 0 && ns <= AIE_MAX_READ_NS ? ns : undefined;
  } catch {
    return undefined;
  }
}

export const aieArea = area({
  methods: {
    /** The array of `doc.devices.aie` (null when the workspace has none): tiles, types, partitions. */
    'aie.describe': method<AieArrayInfo | null>()(z.strictObject({ doc: workspaceSchema })),
    /** Runs the document's AI Engine model for `after` (default "1ms"; "0" = the initial image) and returns one core tile's memory. */
    'aie.readMemory': method<AieMemoryDump>()(z.strictObject({ doc: workspaceSchema, col, row, mem, after: after.optional() })),
    /** As readMemory, for a whole partition's memory of one type (its dma-buf: memory size × columns × core rows). */
    'aie.readPartitionMemory': method<AiePartitionMemoryDump>()(
      z.strictObject({ doc: workspaceSchema, partition: z.string().min(1, 'expected a partition name').max(64), mem, after: after.optional() }).superRefine((a, ctx) => {
        const aie = a.doc.devices.aie;
        const p = aie?.partitions.find((x) => x.name === a.partition);
        if (!aie || !p) return; // the handler names what is missing
        const bytes = p.numCols * (aie.rows - 1) * (a.mem === 'data' ? AIE_DATA_MEM_SIZE : AIE_PROGRAM_MEM_SIZE);
        if (bytes > LIMITS.aieReadBytes.value)
          ctx.addIssue({
            code: 'custom',
            path: ['partition'],
            message: `partition '${p.name}' holds ${bytes} bytes of ${a.mem} memory (${p.numCols} columns × ${aie.rows - 1} core rows); one read returns ${atMost('aieReadBytes')}: read its tiles with aie.readMemory`,
          });
      }),
    ),
    /**
     * Writes `hex` at `offset` of a core tile's memory in the document's initial memory image
     * (devices.aie.partitions[].memory[]) and returns the new document; nothing is stored —
     * the renderer applies it through its workspace store, which makes it undoable.
     */
    'aie.editMemory': method<{ doc: Workspace }>()(z.strictObject({ doc: workspaceSchema, col, row, mem, offset, hex })),
  },
  events: {},
});
