import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MS, Simulation } from '../core';
import { parseWorkspace, workspaceProblems, type Workspace } from '../../../src-common/workspace';
import { AieModel } from './model';

const demo = () => parseWorkspace(JSON.parse(fs.readFileSync(new URL('../../../resources/workspaces/aie-demo.json', import.meta.url), 'utf8')));

function run(ws: Workspace, untilNs: number, seed = 1) {
  const sim = new Simulation({ seed });
  const model = sim.add(new AieModel(sim, ws.devices.aie!));
  sim.runUntil(untilNs);
  return { sim, model };
}

describe('builtin:aie-demo', () => {
  it('validates, and within 1 ms its kernels leave non-zero data in tile (2,1)', () => {
    const { model } = run(demo(), 1 * MS);
    const data = model.array.tile({ col: 2, row: 1 }).memory('data').snapshot();
    expect(data.subarray(0, 0x100).some((b) => b !== 0)).toBe(true);
    // vadd: bytes 0..95 of the copied ramp plus 0x20 each: printable ASCII.
    expect(Array.from(data.subarray(0x200, 0x204))).toEqual([0x20, 0x21, 0x22, 0x23]);
    expect(new TextDecoder().decode(data.subarray(0x300, 0x314))).toBe('AI Engine tile (2,1)');
    // The last kernel copies the sum north to (2,2).
    expect(model.array.tile({ col: 2, row: 2 }).memory('data').snapshot()[0]).toBe(0x20);
  });

  it('places each kernel in program memory as a 16-byte instruction', () => {
    const { model } = run(demo(), 0);
    const prog = model.array.tile({ col: 1, row: 1 }).memory('program').snapshot();
    expect(Array.from(prog.subarray(0, 16))).toEqual([1, 0, 64, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 4, 4, 4]);
    expect(Array.from(prog.subarray(16, 20))).toEqual([2, 2, 64, 0]);
    expect(prog.subarray(32).every((b) => b === 0)).toBe(true);
  });

  it('is deterministic', () => {
    expect(run(demo(), MS).sim.trace.digest).toBe(run(demo(), MS).sim.trace.digest);
  });
});

describe('workspace aie fields', () => {
  const withAie = (aie: unknown) => ({ ...JSON.parse(fs.readFileSync(new URL('../../../resources/workspaces/aie-demo.json', import.meta.url), 'utf8')), devices: { mhi: [], aie, dmabuf: { exporters: [], importers: [] } } });
  const problems = (aie: unknown) => workspaceProblems(withAie(aie)).map((e) => e.message);
  const part = (extra: object) => ({ columns: 4, rows: 3, partitions: [{ name: 'p', startCol: 1, numCols: 2, ...extra }] });

  it('accepts partitions without kernels or memory', () => {
    expect(problems({ columns: 50, rows: 9, partitions: [{ name: 'p', startCol: 0, numCols: 50 }] })).toEqual([]);
  });

  it('names the field of each problem', () => {
    expect(problems({ columns: 4, rows: 3, partitions: [{ name: 'p', startCol: 2, numCols: 3 }] })).toEqual([
      'devices.aie.partitions[0].numCols: columns 2..4 exceed the array (columns 0..3)',
    ]);
    expect(problems({ columns: 4, rows: 3, partitions: [{ name: 'p', startCol: 0, numCols: 2 }, { name: 'q', startCol: 1, numCols: 1 }] })).toEqual([
      "devices.aie.partitions[1].startCol: columns 1..1 overlap partition 'p' (columns 0..1)",
    ]);
    const k = { op: 'fill', col: 1, row: 1, start: '0us', dst: 0, words: 4, value: 1 };
    expect(problems(part({ kernels: [{ ...k, col: 3 }] }))).toEqual(["devices.aie.partitions[0].kernels[0].col: column 3 is outside partition 'p' (columns 1..2)"]);
    expect(problems(part({ kernels: [{ ...k, row: 0 }] }))).toEqual(['devices.aie.partitions[0].kernels[0].row: row 0 is the SHIM row: its tiles have no core and no memory']);
    expect(problems(part({ kernels: [{ ...k, dst: '0x7ff8' }] }))).toEqual(['devices.aie.partitions[0].kernels[0].dst: 0x7ff8 + 4 words runs past the 32768-byte data memory']);
    expect(problems(part({ kernels: [{ ...k, dst: 2 }] }))).toEqual(['devices.aie.partitions[0].kernels[0].dst: expected a 4-byte aligned offset, got 0x2']);
    expect(problems(part({ kernels: [{ ...k, start: 'soon' }] }))).toEqual(['devices.aie.partitions[0].kernels[0].start: expected a duration such as "10us", got \'soon\'']);
    expect(problems(part({ kernels: [{ ...k, value: 'x12' }] }))[0]).toMatch(/^devices\.aie\.partitions\[0\]\.kernels\[0\]\.value: expected an integer 0\.\.0xffffffff or a hex string/);
    expect(problems(part({ kernels: [{ ...k, op: 'mul' }] }))).toEqual(["devices.aie.partitions[0].kernels[0].op: expected a kernel with op 'fill', 'copy' or 'vadd', got 'mul'"]);
    const copy = { op: 'copy', col: 2, row: 2, start: '0us', src: 0, words: 4, dst: 0 };
    expect(problems(part({ kernels: [{ ...copy, to: 'east' }] }))).toEqual(["devices.aie.partitions[0].kernels[0].to: the east neighbour (3,2) is outside partition 'p' (columns 1..2)"]);
    expect(problems(part({ kernels: [{ ...copy, to: 'north' }] }))).toEqual(['devices.aie.partitions[0].kernels[0].to: the north neighbour (2,3) is not a core tile (core rows 1..2)']);
    const img = { col: 1, row: 1, mem: 'program', offset: '0x3ffe', hex: '01 02 03' };
    expect(problems(part({ memory: [img] }))).toEqual(['devices.aie.partitions[0].memory[0].hex: 0x3ffe + 3 bytes runs past the 16384-byte program memory']);
    expect(problems(part({ memory: [{ ...img, offset: 0, hex: '0g' }] }))).toEqual(['devices.aie.partitions[0].memory[0].hex: expected pairs of hex digits, e.g. "41 49 45"']);
  });
});
