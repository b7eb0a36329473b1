import { FieldError } from '../../../../src-common/parse/field-error';
import {
  AIE_DATA_MEM_SIZE,
  AIE_PROGRAM_MEM_SIZE,
  hexBytes,
  parseWorkspace,
  u32Value,
  type AieMemoryImage,
  type AieArray as AieArrayConfig,
  type Workspace,
} from '../../../../src-common/workspace';

/** One edit of a tile memory's initial image. */
export interface MemoryEdit {
  col: number;
  row: number;
  mem: 'data' | 'program';
  offset: number;
  bytes: Uint8Array;
}

const SIZE = { data: AIE_DATA_MEM_SIZE, program: AIE_PROGRAM_MEM_SIZE } as const;
const hex = (n: number) => `0x${n.toString(16)}`;
const hexText = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/**
 * Checks that `loc` is a core tile of the array that belongs to a partition (only those have
 * memory images) and returns the partition's index. Errors name `${prefix}.col` / `.row`.
 */
export function imagePartition(aie: AieArrayConfig | null, loc: { col: number; row: number }, prefix: string): number {
  if (!aie) throw new FieldError(`${prefix}.doc.devices.aie`, 'the workspace has no AI Engine array');
  checkCoreTile(aie, loc, prefix);
  const pi = aie.partitions.findIndex((p) => loc.col >= p.startCol && loc.col < p.startCol + p.numCols);
  if (pi < 0) {
    const have = aie.partitions.map((p) => `'${p.name}' columns ${p.startCol}..${p.startCol + p.numCols - 1}`).join(', ') || 'none';
    throw new FieldError(`${prefix}.col`, `column ${loc.col} is in no partition (partitions: ${have}); memory images belong to a partition`);
  }
  return pi;
}

/** Refuses a tile outside the array or in the SHIM row, naming the field. */
export function checkCoreTile(aie: AieArrayConfig, { col, row }: { col: number; row: number }, prefix: string): void {
  if (col >= aie.columns) throw new FieldError(`${prefix}.col`, `column ${col} is outside the array (columns 0..${aie.columns - 1})`);
  if (row >= aie.rows) throw new FieldError(`${prefix}.row`, `row ${row} is outside the array (rows 0..${aie.rows - 1})`);
  if (row === 0)
    throw new FieldError(`${prefix}.row`, `tile (${col},0) is a ${col % 4 < 2 ? 'SHIMPL' : 'SHIMNOC'} tile in the SHIM row: it has no memory`);
}

/**
 * The document with `edit.bytes` written at `edit.offset` of the tile memory's initial image
 * (devices.aie.partitions[].memory[]). Images are applied in order, so every existing entry
 * that overlaps the range is patched in place (whatever their order, the result is the new
 * bytes); bytes no entry covers extend an entry they touch, or become a new entry. Throws a
 * FieldError naming the field, changing nothing, when the edit is not possible.
 */
export function patchMemoryImage(doc: Workspace, edit: MemoryEdit, prefix: string): Workspace {
  const pi = imagePartition(doc.devices.aie, edit, prefix);
  const size = SIZE[edit.mem];
  const end = edit.offset + edit.bytes.length;
  if (edit.offset >= size) throw new FieldError(`${prefix}.offset`, `expected 0..${hex(size - 1)} (the ${size}-byte ${edit.mem} memory), got ${hex(edit.offset)}`);
  if (end > size) throw new FieldError(`${prefix}.hex`, `${hex(edit.offset)} + ${edit.bytes.length} bytes runs past the ${size}-byte ${edit.mem} memory`);

  const next = structuredClone(doc);
  const part = next.devices.aie!.partitions[pi];
  const images = (part.memory ??= []);
  const covered = new Uint8Array(edit.bytes.length);
  const same = (m: AieMemoryImage) => m.col === edit.col && m.row === edit.row && m.mem === edit.mem;

  for (const m of images) {
    if (!same(m)) continue;
    const at = u32Value(m.offset)!;
    const bytes = hexBytes(m.hex)!;
    const lo = Math.max(at, edit.offset);
    const hi = Math.min(at + bytes.length, end);
    if (lo >= hi) continue;
    for (let a = lo; a < hi; a++) {
      bytes[a - at] = edit.bytes[a - edit.offset];
      covered[a - edit.offset] = 1;
    }
    m.hex = hexText(bytes);
  }

  // Runs of bytes no image covers yet.
  for (let i = 0; i < covered.length; ) {
    if (covered[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < covered.length && !covered[j]) j++;
    addRun(images, edit, edit.offset + i, edit.bytes.subarray(i, j), same);
    i = j;
  }
  return parseWorkspace(next);
}

function addRun(images: AieMemoryImage[], edit: MemoryEdit, at: number, bytes: Uint8Array, same: (m: AieMemoryImage) => boolean): void {
  for (const m of images) {
    if (!same(m)) continue;
    const start = u32Value(m.offset)!;
    const old = hexBytes(m.hex)!;
    if (start + old.length === at) {
      m.hex = hexText(concat(old, bytes));
      return;
    }
    if (at + bytes.length === start) {
      m.hex = hexText(concat(bytes, old));
      m.offset = hex(at);
      return;
    }
  }
  images.push({ col: edit.col, row: edit.row, mem: edit.mem, offset: hex(at), hex: hexText(bytes) });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
