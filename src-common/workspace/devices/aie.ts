import { z } from 'zod';
import { quote } from '../../parse/quote';
import { LIMITS, atMost } from '../../parse/limits';
import { parseDuration } from '../../parse/duration';
import { intIn, name } from '../fields';

/**
 * An AI Engine array (seed xilinx-aie-tile-memories-dmabuf). Owned by the AIE model
 * (src-main/engine/aie). Tiles are named by absolute (col, row); row 0 is the SHIM row.
 * Partitions are column ranges spanning every row; kernels and memory images belong to the
 * partition whose columns hold their tile.
 */

/** Per core tile (seed aie_get_mem_info): data memory 32 KiB at 0x0, program memory 16 KiB at 0x20000. */
export const AIE_DATA_MEM_SIZE = 32 * 1024;
export const AIE_PROGRAM_MEM_SIZE = 16 * 1024;
/** One kernel is one 16-byte instruction in program memory (src-main/engine/aie/program.ts). */
export const AIE_INSTRUCTION_BYTES = 16;
export const AIE_MAX_KERNEL_WORDS = 0xffff;
export const AIE_DIRECTIONS = ['north', 'south', 'east', 'west'] as const;
const DELTA = { north: [0, 1], south: [0, -1], east: [1, 0], west: [-1, 0] } as const;


/** A 32-bit unsigned value: an integer or a hex string such as "0x03020100". */
export const u32 = () =>
  z.union([z.number(), z.string()]).refine((v) => u32Value(v) !== undefined, {
    error: (iss) => `expected an integer 0..0xffffffff or a hex string like "0x100", got ${quote(iss.input)}`,
  });
export type U32 = number | string;

/** The number a u32 field holds, or undefined when it is not one. */
export function u32Value(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 0xffffffff ? v : undefined;
  if (typeof v === 'string' && /^0x[0-9a-fA-F]{1,8}$/.test(v)) return parseInt(v.slice(2), 16);
  return undefined;
}

/** Bytes written as hex digits, spaces allowed: "41 49 45 21". */
export function hexBytes(text: string): Uint8Array | undefined {
  const digits = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) return undefined;
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const tile = { col: intIn(0, 127), row: intIn(0, 31) };
const duration = z.string().refine((s) => safeDuration(s) !== undefined, {
  error: (iss) => `expected a duration such as "10us", got ${quote(iss.input)}`,
});
function safeDuration(s: string): number | undefined {
  try {
    return parseDuration(s);
  } catch {
    return undefined;
  }
}
const words = intIn(1, AIE_MAX_KERNEL_WORDS);

/** A kernel placed on a core tile, launched at `start` (simulated time from the run's start). */
export const aieKernelSchema = z.discriminatedUnion(
  'op',
  [
    z.strictObject({ op: z.literal('fill'), ...tile, start: duration, dst: u32(), words, value: u32(), step: u32().optional() }),
    z.strictObject({ op: z.literal('copy'), ...tile, start: duration, src: u32(), words, to: z.enum(AIE_DIRECTIONS), dst: u32() }),
    z.strictObject({ op: z.literal('vadd'), ...tile, start: duration, a: u32(), b: u32(), dst: u32(), words }),
  ],
  { error: (iss) => `expected a kernel with op 'fill', 'copy' or 'vadd', got ${quote((iss.input as { op?: unknown } | undefined)?.op)}` },
);
export type AieKernel = z.infer<typeof aieKernelSchema>;

/** Bytes placed in a tile memory when the partition is set up (after the kernels' program). */
export const aieMemoryImageSchema = z.strictObject({
  ...tile,
  mem: z.enum(['data', 'program']),
  offset: u32(),
  hex: z
    .string()
    .max(LIMITS.aieImageHexChars.value, { error: `expected ${atMost('aieImageHexChars')} of hex` })
    .refine((s) => hexBytes(s) !== undefined, { error: 'expected pairs of hex digits, e.g. "41 49 45"' }),
});
export type AieMemoryImage = z.infer<typeof aieMemoryImageSchema>;

export const aiePartitionSchema = z.strictObject({
  name: name('partition'),
  startCol: intIn(0, 127),
  numCols: intIn(1, 128),
  kernels: z.array(aieKernelSchema).max(LIMITS.aieKernels.value, { error: `expected ${atMost('aieKernels')}` }).optional(),
  memory: z.array(aieMemoryImageSchema).max(LIMITS.aieImages.value, { error: `expected ${atMost('aieImages')}` }).optional(),
});
export type AiePartitionConfig = z.infer<typeof aiePartitionSchema>;

export const aieArraySchema = z
  .strictObject({
    columns: intIn(1, 128),
    /** Including the SHIM row 0. */
    rows: intIn(2, 32),
    partitions: z.array(aiePartitionSchema).max(128, { error: 'expected at most 128 partitions (one per column)' }),
  })
  .superRefine((a, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const names = new Set<string>();
    a.partitions.forEach((p, pi) => {
      const at = ['partitions', pi];
      const last = p.startCol + p.numCols - 1;
      if (names.has(p.name)) issue([...at, 'name'], `duplicate partition name '${p.name}'`);
      names.add(p.name);
      if (p.startCol >= a.columns) issue([...at, 'startCol'], `expected 0..${a.columns - 1} (the array has ${a.columns} columns), got ${p.startCol}`);
      else if (last >= a.columns) issue([...at, 'numCols'], `columns ${p.startCol}..${last} exceed the array (columns 0..${a.columns - 1})`);
      a.partitions.slice(0, pi).forEach((q) => {
        const qLast = q.startCol + q.numCols - 1;
        if (p.startCol <= qLast && q.startCol <= last)
          issue([...at, 'startCol'], `columns ${p.startCol}..${last} overlap partition '${q.name}' (columns ${q.startCol}..${qLast})`);
      });
      const inPartition = (col: number) => col >= p.startCol && col <= last;
      const checkTile = (path: (string | number)[], col: number, row: number): boolean => {
        if (!inPartition(col)) issue([...path, 'col'], `column ${col} is outside partition '${p.name}' (columns ${p.startCol}..${last})`);
        else if (row === 0) issue([...path, 'row'], `row 0 is the SHIM row: its tiles have no core and no memory`);
        else if (row >= a.rows) issue([...path, 'row'], `expected 1..${a.rows - 1} (core rows of the array), got ${row}`);
        else return true;
        return false;
      };
      const checkRange = (path: (string | number)[], field: string, offset: U32, n: number) => {
        const o = u32Value(offset);
        if (o === undefined) return;
        if (o % 4) issue([...path, field], `expected a 4-byte aligned offset, got 0x${o.toString(16)}`);
        else if (o + 4 * n > AIE_DATA_MEM_SIZE)
          issue([...path, field], `0x${o.toString(16)} + ${n} words runs past the ${AIE_DATA_MEM_SIZE}-byte data memory`);
      };
      const perTile = new Map<string, number>();
      (p.kernels ?? []).forEach((k, ki) => {
        const path = [...at, 'kernels', ki];
        if (!checkTile(path, k.col, k.row)) return;
        const key = `${k.col},${k.row}`;
        const count = (perTile.get(key) ?? 0) + 1;
        perTile.set(key, count);
        if (count * AIE_INSTRUCTION_BYTES > AIE_PROGRAM_MEM_SIZE)
          issue(path, `tile (${key}) has more kernels than its program memory holds (${AIE_PROGRAM_MEM_SIZE / AIE_INSTRUCTION_BYTES})`);
        checkRange(path, 'dst', k.dst, k.words);
        if (k.op === 'vadd') {
          checkRange(path, 'a', k.a, k.words);
          checkRange(path, 'b', k.b, k.words);
        }
        if (k.op === 'copy') {
          checkRange(path, 'src', k.src, k.words);
          const [dc, dr] = DELTA[k.to];
          const nc = k.col + dc;
          const nr = k.row + dr;
          if (!inPartition(nc)) issue([...path, 'to'], `the ${k.to} neighbour (${nc},${nr}) is outside partition '${p.name}' (columns ${p.startCol}..${last})`);
          else if (nr < 1 || nr >= a.rows) issue([...path, 'to'], `the ${k.to} neighbour (${nc},${nr}) is not a core tile (core rows 1..${a.rows - 1})`);
        }
      });
      (p.memory ?? []).forEach((m, mi) => {
        const path = [...at, 'memory', mi];
        if (!checkTile(path, m.col, m.row)) return;
        const o = u32Value(m.offset);
        const bytes = hexBytes(m.hex);
        const size = m.mem === 'data' ? AIE_DATA_MEM_SIZE : AIE_PROGRAM_MEM_SIZE;
        if (o !== undefined && bytes && o + bytes.length > size)
          issue([...path, 'hex'], `0x${o.toString(16)} + ${bytes.length} bytes runs past the ${size}-byte ${m.mem} memory`);
      });
    });
  });
export type AieArray = z.infer<typeof aieArraySchema>;

/** A VC1902-like array (50 columns; SHIM row plus 8 core rows) with no partitions. */
export const defaultAieArray = (): AieArray => ({ columns: 50, rows: 9, partitions: [] });
