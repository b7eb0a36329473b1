import { Priority, type Component, type Simulation } from '../core';
import { parseDuration } from '../../../src-common/parse/duration';
import { hexBytes, u32Value, type AieArray as AieArrayConfig, type AieKernel, type U32 } from '../../../src-common/workspace/devices/aie';
import { AieArray } from './array';
import { tileName } from './geometry';
import type { AiePartition } from './partition';
import { INSTRUCTION_BYTES, encodeInstruction, type Instruction } from './program';

const u = (v: U32 | undefined) => u32Value(v ?? 0)!;

/** The instruction a workspace kernel becomes. */
export function kernelInstruction(k: AieKernel): Instruction {
  switch (k.op) {
    case 'fill':
      return { op: 'fill', words: k.words, dst: u(k.dst), value: u(k.value), step: u(k.step) };
    case 'copy':
      return { op: 'copy', words: k.words, to: k.to, dst: u(k.dst), src: u(k.src) };
    case 'vadd':
      return { op: 'vadd', words: k.words, dst: u(k.dst), a: u(k.a), b: u(k.b) };
  }
}

/**
 * The workspace's AI Engine (devices.aie) as a simulation component. init: requests each
 * partition, places each tile's kernels in its program memory as consecutive instructions
 * from 0x0 (in the order they are listed), then writes the memory images (so an image may
 * patch a program). start: schedules each kernel's launch at its `start` time; a core runs
 * its launches one at a time, in order.
 */
export class AieModel implements Component {
  readonly name = 'aie';
  readonly array: AieArray;
  readonly partitions = new Map<string, AiePartition>();
  private readonly launches: { part: AiePartition; col: number; row: number; pc: number; at: number }[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly config: AieArrayConfig,
  ) {
    this.array = new AieArray(sim, { columns: config.columns, rows: config.rows });
  }

  init(): void {
    for (const p of this.config.partitions) {
      const part = this.array.requestPartition({ name: p.name, startCol: p.startCol, numCols: p.numCols });
      this.partitions.set(p.name, part);
      const nextPc = new Map<string, number>();
      for (const k of p.kernels ?? []) {
        const key = tileName(k);
        const pc = nextPc.get(key) ?? 0;
        nextPc.set(key, pc + INSTRUCTION_BYTES);
        this.array.tile(k).memory('program').write(pc, encodeInstruction(kernelInstruction(k)));
        this.launches.push({ part, col: k.col, row: k.row, pc, at: parseDuration(k.start) });
      }
      for (const m of p.memory ?? []) this.array.tile(m).memory(m.mem).write(u(m.offset), hexBytes(m.hex)!);
    }
  }

  start(): void {
    for (const l of this.launches)
      this.sim.at(l.at, Priority.DEFAULT, () => {
        if (!l.part.isReleased) this.array.tile(l).core.launch(l.pc);
      }, 'aie.launch');
  }

  snapshot(): unknown {
    return this.array.describe();
  }
}
