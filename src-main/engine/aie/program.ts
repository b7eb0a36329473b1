/**
 * The tile program encoding. A kernel is one 16-byte instruction in program memory, four
 * little-endian 32-bit words:
 *
 *   word 0: opcode (bits 0-7) | direction (bits 8-15, COPY only) | word count (bits 16-31)
 *   FILL  (0x01): word 1 = dst offset, word 2 = first value, word 3 = step added per word
 *   COPY  (0x02): word 1 = dst offset in the neighbour's data memory, word 2 = src offset, word 3 = 0
 *   VADD  (0x03): word 1 = dst offset, word 2 = a offset, word 3 = b offset (dst[i] = a[i] + b[i], mod 2^32)
 *
 * Offsets are byte offsets into data memory, 4-byte aligned. Directions: 0 north (row + 1),
 * 1 south (row − 1), 2 east (col + 1), 3 west (col − 1). Opcode 0x00 is HALT, so zeroed
 * program memory halts. Any other opcode is an illegal instruction.
 */
import { AIE_DIRECTIONS, AIE_INSTRUCTION_BYTES, AIE_MAX_KERNEL_WORDS } from '../../../src-common/workspace/devices/aie';
export const INSTRUCTION_BYTES = AIE_INSTRUCTION_BYTES;
export const MAX_WORDS = AIE_MAX_KERNEL_WORDS;

export const Opcode = { HALT: 0x00, FILL: 0x01, COPY: 0x02, VADD: 0x03 } as const;

export const DIRECTIONS = AIE_DIRECTIONS;
export type Direction = (typeof DIRECTIONS)[number];
export const DIRECTION_DELTA: Record<Direction, { dc: number; dr: number }> = {
  north: { dc: 0, dr: 1 },
  south: { dc: 0, dr: -1 },
  east: { dc: 1, dr: 0 },
  west: { dc: -1, dr: 0 },
};

export type Instruction =
  | { op: 'halt' }
  | { op: 'fill'; words: number; dst: number; value: number; step: number }
  | { op: 'copy'; words: number; to: Direction; dst: number; src: number }
  | { op: 'vadd'; words: number; dst: number; a: number; b: number };

export function encodeInstruction(ins: Instruction): Uint8Array {
  const out = new Uint8Array(INSTRUCTION_BYTES);
  const v = new DataView(out.buffer);
  const head = (opcode: number, dir: number, words: number) => {
    if (!Number.isInteger(words) || words < 1 || words > MAX_WORDS) throw new RangeError(`word count ${words} is outside 1..${MAX_WORDS}`);
    v.setUint32(0, (opcode | (dir << 8) | (words << 16)) >>> 0, true);
  };
  const w = (i: number, x: number) => v.setUint32(4 * i, x >>> 0, true);
  switch (ins.op) {
    case 'halt':
      break;
    case 'fill':
      head(Opcode.FILL, 0, ins.words);
      w(1, ins.dst);
      w(2, ins.value);
      w(3, ins.step);
      break;
    case 'copy':
      head(Opcode.COPY, DIRECTIONS.indexOf(ins.to), ins.words);
      w(1, ins.dst);
      w(2, ins.src);
      break;
    case 'vadd':
      head(Opcode.VADD, 0, ins.words);
      w(1, ins.dst);
      w(2, ins.a);
      w(3, ins.b);
      break;
  }
  return out;
}

/** Decodes four words; an unknown opcode or direction is returned as an error string. */
export function decodeInstruction(words: readonly number[]): Instruction | { error: string } {
  const [w0, w1, w2, w3] = words;
  const opcode = w0 & 0xff;
  const dir = (w0 >>> 8) & 0xff;
  const count = w0 >>> 16;
  if (opcode === Opcode.HALT) return { op: 'halt' };
  if (count === 0) return { error: `zero word count in instruction 0x${(w0 >>> 0).toString(16).padStart(8, '0')}` };
  switch (opcode) {
    case Opcode.FILL:
      return { op: 'fill', words: count, dst: w1, value: w2, step: w3 };
    case Opcode.COPY:
      if (dir >= DIRECTIONS.length) return { error: `bad copy direction ${dir}` };
      return { op: 'copy', words: count, to: DIRECTIONS[dir], dst: w1, src: w2 };
    case Opcode.VADD:
      return { op: 'vadd', words: count, dst: w1, a: w2, b: w3 };
    default:
      return { error: `illegal opcode 0x${opcode.toString(16).padStart(2, '0')}` };
  }
}
