import { describe, expect, it } from 'vitest';
import { Simulation } from '../core';
import { resolveParams } from '../params';
import { AieArray } from './array';
import { decodeInstruction, encodeInstruction, type Instruction } from './program';
import { CORE_STATUS, CORE_STATUS_ERROR, SHIMPL_CLKCNTR } from './registers';
import { tileAddress } from './geometry';

function setup(params: Record<string, number> = {}) {
  const sim = new Simulation({ seed: 1, params: resolveParams(params) });
  const a = new AieArray(sim, { columns: 4, rows: 3 });
  const p = a.requestPartition({ name: 'p', startCol: 1, numCols: 2 });
  const load = (col: number, row: number, program: Instruction[]) =>
    program.forEach((ins, i) => a.tile({ col, row }).memory('program').write(16 * i, encodeInstruction(ins)));
  const words = (col: number, row: number, offset: number, n: number) =>
    Array.from({ length: n }, (_, i) => new DataView(a.tile({ col, row }).memory('data').snapshot().buffer).getUint32(offset + 4 * i, true));
  return { sim, a, p, load, words };
}

describe('program encoding', () => {
  it('round-trips every kernel through 16 bytes, and zeros decode as HALT', () => {
    const kernels: Instruction[] = [
      { op: 'fill', words: 64, dst: 0x100, value: 0x03020100, step: 0x04040404 },
      { op: 'copy', words: 3, to: 'west', dst: 0x7000, src: 0x10 },
      { op: 'vadd', words: 0xffff, dst: 8, a: 0, b: 4 },
    ];
    for (const k of kernels) {
      const b = encodeInstruction(k);
      expect(b).toHaveLength(16);
      const v = new DataView(b.buffer);
      expect(decodeInstruction([0, 4, 8, 12].map((o) => v.getUint32(o, true)))).toEqual(k);
    }
    expect(Array.from(encodeInstruction(kernels[0]).subarray(0, 4))).toEqual([0x01, 0x00, 0x40, 0x00]);
    expect(decodeInstruction([0, 0, 0, 0])).toEqual({ op: 'halt' });
    expect(decodeInstruction([0x10077, 0, 0, 0])).toEqual({ error: 'illegal opcode 0x77' });
  });
});

describe('tile kernels', () => {
  it('fill writes value + i × step, taking launch + words × cyclesPerWord cycles', () => {
    const { sim, a, load, words } = setup();
    load(1, 1, [{ op: 'fill', words: 100, dst: 0x40, value: 10, step: 3 }]);
    a.tile({ col: 1, row: 1 }).core.launch(0);
    sim.runUntil(131); // 32 + 100 cycles at 1 GHz = 132 ns
    expect(words(1, 1, 0x40 + 4 * 99, 1)).toEqual([0]);
    sim.runUntil(132);
    expect(words(1, 1, 0x40, 4)).toEqual([10, 13, 16, 19]);
    expect(words(1, 1, 0x40 + 4 * 99, 1)).toEqual([10 + 3 * 99]);
    expect(a.tile({ col: 1, row: 1 }).memory('data').counters).toMatchObject({ writes: 100, bytesWritten: 400 });
    expect(a.tile({ col: 1, row: 1 }).memory('program').counters).toMatchObject({ reads: 4, bytesRead: 16 });
  });

  it('takes longer at a slower clock and more cycles per word (documented parameters)', () => {
    const { sim, a, load, words } = setup({ 'aie.clockHz': 500_000_000, 'aie.kernel.cyclesPerWord': 2 });
    load(1, 1, [{ op: 'fill', words: 10, dst: 0, value: 1, step: 0 }]);
    a.tile({ col: 1, row: 1 }).core.launch(0);
    sim.runUntil(103); // (32 + 20) cycles × 2 ns = 104 ns
    expect(words(1, 1, 0, 1)).toEqual([0]);
    sim.runUntil(104);
    expect(words(1, 1, 0, 1)).toEqual([1]);
  });

  it('copy moves words to a neighbour tile and vadd adds two ranges into a third', () => {
    const { sim, a, load, words } = setup();
    load(1, 1, [
      { op: 'fill', words: 8, dst: 0, value: 100, step: 1 },
      { op: 'copy', words: 8, to: 'east', dst: 0x20, src: 0 },
      { op: 'copy', words: 8, to: 'north', dst: 0, src: 0 },
    ]);
    load(2, 1, [
      { op: 'fill', words: 8, dst: 0x40, value: 0xffffffff, step: 0 },
      { op: 'vadd', words: 8, dst: 0x80, a: 0x20, b: 0x40 },
    ]);
    const c11 = a.tile({ col: 1, row: 1 }).core;
    const c21 = a.tile({ col: 2, row: 1 }).core;
    [0, 16, 32].forEach((pc) => c11.launch(pc));
    c21.launch(0);
    sim.runUntil(1000);
    c21.launch(16);
    sim.runUntil(2000);
    expect(words(2, 1, 0x20, 8)).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
    expect(words(1, 2, 0, 8)).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
    expect(words(2, 1, 0x80, 8)).toEqual([99, 100, 101, 102, 103, 104, 105, 106]); // mod 2^32
    expect(c11.stats).toEqual({ kernels: 3, errors: 0, words: 24 });
    expect(a.tile({ col: 2, row: 1 }).memory('data').counters.reads).toBe(16);
  });

  it('runs launches one at a time in order (a copy waits for the fill before it)', () => {
    const { sim, a, load } = setup();
    load(1, 1, [
      { op: 'fill', words: 200, dst: 0, value: 7, step: 0 },
      { op: 'copy', words: 200, to: 'east', dst: 0, src: 0 },
    ]);
    const core = a.tile({ col: 1, row: 1 }).core;
    core.launch(0);
    core.launch(16);
    const done: [number, string][] = [];
    sim.trace.onRecord((r) => r.kind === 'aie.kernel.done' && done.push([r.t, String(r.fields.op)]));
    sim.runUntil(10_000);
    expect(done).toEqual([
      [232, 'fill'],
      [464, 'copy'],
    ]);
    expect(a.tile({ col: 2, row: 1 }).memory('data').readWord(4 * 199)).toBe(7);
  });

  it('reports an illegal instruction, sets the error status and goes on with the next launch', () => {
    const { sim, a, p, load } = setup();
    load(2, 1, [
      { op: 'copy', words: 4, to: 'east', dst: 0, src: 0 }, // (3,1) is outside the partition
      { op: 'fill', words: 4, dst: 0, value: 5, step: 0 },
    ]);
    a.tile({ col: 2, row: 1 }).memory('program').write(32, Uint8Array.of(0x99, 0, 1, 0));
    const core = a.tile({ col: 2, row: 1 }).core;
    core.launch(0);
    core.launch(32);
    expect(p.read(tileAddress({ col: 2, row: 1 }, CORE_STATUS)) & CORE_STATUS_ERROR).toBe(CORE_STATUS_ERROR);
    core.launch(16);
    sim.runUntil(1000);
    expect(sim.log.lines.map((l) => l.text)).toEqual([
      'aie: tile (2,1): illegal instruction at pc 0x0: copy to the east neighbour (3,1): no core tile there in this partition',
      'aie: tile (2,1): illegal instruction at pc 0x20: illegal opcode 0x99',
    ]);
    expect(core.stats).toEqual({ kernels: 1, errors: 2, words: 4 });
    expect(a.tile({ col: 2, row: 1 }).memory('data').readWord(0)).toBe(5);
    expect(a.tile({ col: 3, row: 1 }).hasMemory('data')).toBe(false);
  });

  it('stalls while its column clock is gated and resumes when it is enabled', () => {
    const { sim, a, p, load, words } = setup();
    load(1, 2, [{ op: 'fill', words: 128, dst: 0, value: 1, step: 1 }]);
    a.tile({ col: 1, row: 2 }).core.launch(0);
    const clk = tileAddress({ col: 1, row: 0 }, SHIMPL_CLKCNTR);
    sim.runUntil(50); // first chunk (64 words) lands at 96 ns
    p.write(clk, 0);
    sim.runUntil(5000);
    expect(words(1, 2, 0, 1)).toEqual([0]);
    expect(sim.trace.recent().some((r) => r.kind === 'aie.core.stall')).toBe(true);
    p.maskWrite(clk, 1, 1);
    sim.runUntil(5000 + 128);
    expect(words(1, 2, 4 * 127, 1)).toEqual([128]);
  });

  it('gives the same trace for the same program', () => {
    const run = () => {
      const { sim, a, load } = setup();
      load(1, 1, [{ op: 'fill', words: 500, dst: 0, value: 1, step: 2 }, { op: 'copy', words: 500, to: 'east', dst: 0, src: 0 }]);
      a.tile({ col: 1, row: 1 }).core.launch(0);
      a.tile({ col: 1, row: 1 }).core.launch(16);
      sim.runUntil(10_000);
      return sim.trace.digest;
    };
    expect(run()).toBe(run());
  });
});
