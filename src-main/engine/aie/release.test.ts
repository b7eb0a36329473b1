import { describe, expect, it } from 'vitest';
import { Simulation } from '../core';
import { AieArray } from './array';
import { AieError } from './errors';
import { tileAddress } from './geometry';
import { encodeInstruction } from './program';
import { SHIMPL_CLKCNTR } from './registers';

describe('partition release (aie_part_clean)', () => {
  function used() {
    const sim = new Simulation({ seed: 1 });
    const a = new AieArray(sim, { columns: 6, rows: 3 });
    const p = a.requestPartition({ name: 'p', startCol: 2, numCols: 2 });
    const q = a.requestPartition({ name: 'q', startCol: 4, numCols: 1 });
    for (const col of [2, 3, 4])
      for (const row of [1, 2]) {
        a.tile({ col, row }).memory('data').write(0x100, Uint8Array.of(1, 2, 3));
        a.tile({ col, row }).memory('program').write(0, Uint8Array.of(9));
      }
    return { sim, a, p, q };
  }

  it('resets the SHIM, zeroes every tile memory, then gates the column clocks (in that order in the trace)', () => {
    const { sim, a, p } = used();
    expect(a.columnClockOn(2) && a.columnClockOn(3)).toBe(true);
    const kinds: string[] = [];
    sim.trace.onRecord((r) => kinds.push(`${r.kind} ${JSON.stringify(r.fields)}`));
    p.release();
    expect(kinds).toEqual([
      'aie.shim.reset {"startCol":2,"numCols":2,"state":"assert"}',
      'aie.shim.reset {"startCol":2,"numCols":2,"state":"release"}',
      'aie.mem.clear {"partition":"p","mem":"data","tiles":4,"bytes":131072}',
      'aie.mem.clear {"partition":"p","mem":"program","tiles":4,"bytes":65536}',
      'aie.clock.gate {"col":2}',
      'aie.clock.gate {"col":3}',
      'aie.partition.release {"name":"p","startCol":2,"numCols":2}',
    ]);
    for (const col of [2, 3])
      for (const row of [1, 2]) {
        expect(a.tile({ col, row }).memory('data').snapshot().every((b) => b === 0)).toBe(true);
        expect(a.tile({ col, row }).memory('program').snapshot().every((b) => b === 0)).toBe(true);
      }
    expect(a.columnClockOn(2) || a.columnClockOn(3)).toBe(false);
    expect(a.tile({ col: 2, row: 0 }).regs.get(SHIMPL_CLKCNTR)).toBe(0);
  });

  it('leaves other partitions alone and refuses further use of the released one', () => {
    const { a, p, q } = used();
    p.release();
    expect(a.tile({ col: 4, row: 1 }).memory('data').readWord(0x100)).toBe(0x030201);
    expect(a.columnClockOn(4)).toBe(true);
    expect(q.isReleased).toBe(false);
    expect(() => p.read(tileAddress({ col: 2, row: 1 }, 0))).toThrow(AieError);
    expect(() => p.release()).toThrow(/released/);
  });

  it('halts kernels running on its cores', () => {
    const { sim, a, p } = used();
    a.tile({ col: 2, row: 1 }).memory('program').write(0, encodeInstruction({ op: 'fill', words: 4096, dst: 0, value: 0xffffffff, step: 0 }));
    a.tile({ col: 2, row: 1 }).core.launch(0);
    sim.runUntil(1000);
    p.release();
    sim.runUntil(1_000_000);
    expect(a.tile({ col: 2, row: 1 }).memory('data').snapshot().every((b) => b === 0)).toBe(true);
    expect(a.tile({ col: 2, row: 1 }).core.busy).toBe(false);
  });

  it('keeps an exported buffer usable: it shows the zeroed memory', () => {
    const { p } = used();
    const [data] = p.memories();
    expect(data.buffer.read(0x100, 3)).toEqual(Uint8Array.of(1, 2, 3));
    p.release();
    expect(data.buffer.read(0x100, 3)).toEqual(Uint8Array.of(0, 0, 0));
  });
});
