import { describe, expect, it } from 'vitest';
import { Simulation } from '../core';
import { AieArray } from './array';
import { AieError } from './errors';
import { tileAddress } from './geometry';
import { encodeInstruction } from './program';
import { CORE_STATUS, CORE_STATUS_BUSY } from './registers';

const array = (opts = {}) => new AieArray(new Simulation({ seed: 1 }), { columns: 8, rows: 3, ...opts });
const errno = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof AieError ? `${e.errno}: ${e.message}` : `not an AieError: ${String(e)}`;
  }
  return 'no error';
};

describe('partition requests', () => {
  it('grants disjoint column ranges and refuses overlaps with the reason', () => {
    const a = array();
    a.requestPartition({ name: 'p0', startCol: 0, numCols: 3 });
    a.requestPartition({ name: 'p1', startCol: 3, numCols: 2 });
    expect(errno(() => a.requestPartition({ startCol: 4, numCols: 2 }))).toBe(
      "EBUSY: partition request refused: columns 4..5 overlap partition 'p1' (columns 3..4) (-EBUSY)",
    );
    expect(errno(() => a.requestPartition({ startCol: 0, numCols: 8 }))).toMatch(/^EBUSY: .*overlap partition 'p0'/);
    expect(a.partitions.map((p) => p.name)).toEqual(['p0', 'p1']);
  });

  it('refuses ranges outside the array', () => {
    const a = array();
    expect(errno(() => a.requestPartition({ startCol: 6, numCols: 3 }))).toBe(
      'EINVAL: invalid partition request: columns 6..8 are outside the array (columns 0..7) (-EINVAL)',
    );
    expect(errno(() => a.requestPartition({ startCol: -1, numCols: 1 }))).toMatch(/^EINVAL/);
    expect(errno(() => a.requestPartition({ startCol: 0, numCols: 0 }))).toMatch(/^EINVAL/);
    expect(a.partitions).toHaveLength(0);
  });

  it('frees the columns on release', () => {
    const a = array();
    a.requestPartition({ startCol: 2, numCols: 4 }).release();
    expect(a.requestPartition({ startCol: 3, numCols: 1 }).name).toBe('aiepart_3_1');
  });
});

describe('register access on a partition', () => {
  it('reads, writes and mask-writes inside the partition', () => {
    const p = array().requestPartition({ startCol: 2, numCols: 2 });
    const addr = tileAddress({ col: 3, row: 1 }, 0x100);
    p.write(addr, 0x12345678);
    expect(p.read(addr)).toBe(0x12345678);
    p.maskWrite(addr, 0x0000ff00, 0xabcdefff);
    expect(p.read(addr)).toBe(0x1234ef78);
    const shimReg = tileAddress({ col: 2, row: 0 }, 0x1d000);
    p.write(shimReg, 7);
    expect(p.read(shimReg)).toBe(7);
  });

  it('refuses addresses outside its columns or the array', () => {
    const p = array().requestPartition({ name: 'p', startCol: 2, numCols: 2 });
    expect(errno(() => p.read(tileAddress({ col: 4, row: 1 }, 0)))).toBe(
      "EINVAL: invalid reg offset 0x2040000: column 4 is outside partition 'p' (columns 2..3) (-EINVAL)",
    );
    expect(errno(() => p.write(tileAddress({ col: 1, row: 1 }, 0), 1))).toMatch(/column 1 is outside partition 'p'/);
    expect(errno(() => p.read(tileAddress({ col: 2, row: 5 }, 0)))).toMatch(/row 5 is outside the array/);
    expect(errno(() => p.read(tileAddress({ col: 2, row: 1 }, 3)))).toMatch(/not 4-byte aligned/);
  });

  it('polls until the value matches, and times out otherwise', () => {
    const a = array();
    const sim = a.sim;
    const p = a.requestPartition({ startCol: 0, numCols: 2 });
    const tile = { col: 1, row: 1 };
    a.tile(tile).memory('program').write(0, encodeInstruction({ op: 'fill', words: 1000, dst: 0, value: 1, step: 0 }));
    a.tile(tile).core.launch(0);
    const status = tileAddress(tile, CORE_STATUS);
    expect(p.read(status) & CORE_STATUS_BUSY).toBe(CORE_STATUS_BUSY);
    const results: unknown[] = [];
    p.poll(status, CORE_STATUS_BUSY, 0, 100_000, (r) => results.push(r.ok ? ['ok', sim.now] : ['error', r.error.errno, sim.now]));
    p.poll(status, CORE_STATUS_BUSY, 0, 500, (r) => results.push(r.ok ? ['ok', sim.now] : ['error', r.error.errno, sim.now]));
    sim.runUntil(1_000_000);
    // 32 launch cycles + 1000 words at 1 cycle/word, 1 GHz = 1032 ns; polled every 1000 ns.
    expect(results).toEqual([
      ['error', 'ETIMEDOUT', 500],
      ['ok', 2000],
    ]);
  });
});

describe('memory-info query (AIE_GET_MEM_IOCTL)', () => {
  it('works in two steps: the count, then one dma-buf per memory type', () => {
    const p = array({ rows: 9 }).requestPartition({ startCol: 1, numCols: 3 });
    const args = { numMems: 0, mems: null as never };
    p.getMemInfo(args);
    expect(args.numMems).toBe(2);
    const mems: never[] = [];
    p.getMemInfo({ numMems: 2, mems });
    const info = (mems as { kind: string; range: unknown; offset: number; size: number; buffer: { size: number } }[]).map((m) => ({
      kind: m.kind,
      range: m.range,
      offset: m.offset,
      size: m.size,
      bufferSize: m.buffer.size,
    }));
    const range = { start: { col: 1, row: 1 }, size: { col: 3, row: 8 } };
    expect(info).toEqual([
      { kind: 'data', range, offset: 0, size: 32768, bufferSize: 32768 * 3 * 8 },
      { kind: 'program', range, offset: 0x20000, size: 16384, bufferSize: 16384 * 3 * 8 },
    ]);
  });

  it('refuses a wrong count or a missing array with -EINVAL', () => {
    const a = array();
    const p = a.requestPartition({ startCol: 0, numCols: 1 });
    expect(errno(() => p.getMemInfo({ numMems: 3, mems: [] }))).toBe('EINVAL: failed to get mem info, invalid num of mems 2,3 (-EINVAL)');
    expect(errno(() => p.getMemInfo({ numMems: 2, mems: null }))).toBe('EINVAL: failed to get mem info, mems pointer is NULL (-EINVAL)');
    expect(a.sim.log.lines.map((l) => l.text)).toEqual([
      'aiepart_0_1: failed to get mem info, invalid num of mems 2,3.',
      'aiepart_0_1: failed to get mem info, mems pointer is NULL.',
    ]);
  });

  it('has no memories when the array is only a SHIM row', () => {
    const p = array({ rows: 1 }).requestPartition({ startCol: 0, numCols: 2 });
    expect(errno(() => p.getMemInfo({ numMems: 0, mems: null }))).toMatch(/^EINVAL: .*no tile memories/);
  });

  it('returns the same dma-buf until it is released, then a new one', () => {
    const p = array().requestPartition({ startCol: 0, numCols: 2 });
    const [d1] = p.memories();
    const [d2] = p.memories();
    expect(d2.buffer).toBe(d1.buffer);
    d1.buffer.release();
    expect(p.memories()[0].buffer).not.toBe(d1.buffer);
  });

  it('refuses memories whose size is not page aligned (-EINVAL) and exports none', () => {
    const a = array({ dataMemBytes: 6000 });
    const p = a.requestPartition({ startCol: 0, numCols: 1 });
    const mems: never[] = [];
    expect(errno(() => p.getMemInfo({ numMems: 2, mems }))).toMatch(/^EINVAL: no dmabuf for data memory \(0x0, 0x1770\): size not aligned with page size 4096/);
    expect(mems).toEqual([]);
    expect(p.pmems.map((m) => m.buffer)).toEqual([null, null]);
    expect(a.sim.log.lines.at(-1)!.text).toBe('aiepart_0_1: no dmabuf for mem(0x0, 0x1770), not aligned with page size.');
  });
});
