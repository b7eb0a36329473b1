import { Priority } from '../core';
import type { AieArray } from './array';
import { AieError } from './errors';
import { decodeAddress, hex, tileAddress, type Location } from './geometry';
import { AieMemBuffer, createPartMems, type AieMem, type AiePartMem } from './mem-buffer';

/** The seed's struct aie_mem_args: `numMems` 0 asks for the count; then pass the count and an array. */
export interface AieMemArgs {
  numMems: number;
  mems: AieMem[] | null;
}

/** Result of a poll: 0 once (value & mask) === expected, or the timeout. */
export type PollResult = { ok: true; value: number; waitedNs: number } | { ok: false; error: AieError };

/**
 * A partition: a column range spanning every row (seed ai-engine-part.c). Register access is
 * checked against its columns; its memories are exported one dma-buf per memory type; release
 * cleans it: SHIM reset, memories zeroed, column clocks gated.
 */
export class AiePartition {
  readonly pmems: AiePartMem[];
  private released = false;

  constructor(
    readonly array: AieArray,
    readonly name: string,
    readonly startCol: number,
    readonly numCols: number,
  ) {
    this.pmems = createPartMems(this);
  }

  get lastCol(): number {
    return this.startCol + this.numCols - 1;
  }

  get isReleased(): boolean {
    return this.released;
  }

  containsTile(loc: Location): boolean {
    return loc.col >= this.startCol && loc.col <= this.lastCol && loc.row >= 0 && loc.row < this.array.rows;
  }

  /** dev_warn/dev_err of the partition device, named as the driver names it. */
  warn(text: string): void {
    this.array.sim.printk(`aiepart_${this.startCol}_${this.numCols}: ${text}`);
  }

  // ---- register access (AIE_REG_IOCTL) ----------------------------------------------------

  read(address: number): number {
    return this.array.readReg(this.checkReg(address));
  }

  write(address: number, value: number): void {
    this.array.writeReg(this.checkReg(address), value);
  }

  /** Writes only the bits in `mask`: new = (old & ~mask) | (value & mask). */
  maskWrite(address: number, mask: number, value: number): void {
    const a = this.checkReg(address);
    const old = this.array.readReg(a);
    this.array.writeReg(a, ((old & ~mask) | (value & mask)) >>> 0);
  }

  /**
   * Reads `address` now and then every aie.reg.pollIntervalNs until (value & mask) ===
   * (expected & mask), or until `timeoutNs` has passed (-ETIMEDOUT). `done` is always called
   * from an event, never synchronously.
   */
  poll(address: number, mask: number, expected: number, timeoutNs: number, done: (r: PollResult) => void): void {
    const a = this.checkReg(address);
    if (!(timeoutNs >= 0)) throw new AieError('EINVAL', `poll timeout must be ≥ 0 ns, got ${timeoutNs}`);
    const sim = this.array.sim;
    const interval = sim.params.get('aie.reg.pollIntervalNs');
    const begin = sim.now;
    const want = (expected & mask) >>> 0;
    const check = () => {
      if (this.released) return done({ ok: false, error: new AieError('ENODEV', `partition '${this.name}' was released during a poll`) });
      const v = this.array.readReg(a);
      const waited = sim.now - begin;
      if (((v & mask) >>> 0) === want) return done({ ok: true, value: v, waitedNs: waited });
      if (waited >= timeoutNs)
        return done({ ok: false, error: new AieError('ETIMEDOUT', `poll of ${hex(a)} timed out after ${waited} ns: value ${hex(v)}, mask ${hex(mask >>> 0)}, expected ${hex(want)}`) });
      sim.after(Math.min(interval, timeoutNs - waited), Priority.DEFAULT, check, 'aie.poll');
    };
    sim.after(0, Priority.DEFAULT, check, 'aie.poll');
  }

  /** The seed's aie_part_reg_validation, plus 32-bit alignment: an address must be in this partition's columns. */
  private checkReg(address: number): number {
    this.checkLive();
    if (!Number.isSafeInteger(address) || address < 0) throw new AieError('EINVAL', `invalid reg offset ${address}`);
    const { col, row } = decodeAddress(address);
    if (col < this.startCol || col > this.lastCol)
      throw new AieError('EINVAL', `invalid reg offset ${hex(address)}: column ${col} is outside partition '${this.name}' (columns ${this.startCol}..${this.lastCol})`);
    if (row >= this.array.rows) throw new AieError('EINVAL', `invalid reg offset ${hex(address)}: row ${row} is outside the array (rows 0..${this.array.rows - 1})`);
    if (address % 4) throw new AieError('EINVAL', `invalid reg offset ${hex(address)}: not 4-byte aligned`);
    return address;
  }

  /** Array address of `offset` in tile `loc` (convenience). */
  address(loc: Location, offset = 0): number {
    return tileAddress(loc, offset);
  }

  // ---- memories (AIE_GET_MEM_IOCTL) --------------------------------------------------------

  /**
   * The two-step query of the seed's aie_mem_get_info. With `numMems` 0, sets `numMems` to the
   * number of memory types. Otherwise `numMems` must equal that number and `mems` must be an
   * array (-EINVAL); it is filled with one entry per type, each with the partition's dma-buf
   * for that memory type (created on first request, then the same one until it is released).
   */
  getMemInfo(args: AieMemArgs): void {
    this.checkLive();
    const num = this.pmems.length;
    if (num <= 0) throw new AieError('EINVAL', `partition '${this.name}' has no tile memories (SHIM row only)`);
    if (!args.numMems) {
      args.numMems = num;
      return;
    }
    if (args.numMems !== num) {
      this.warn(`failed to get mem info, invalid num of mems ${num},${args.numMems}.`);
      throw new AieError('EINVAL', `failed to get mem info, invalid num of mems ${num},${args.numMems}`);
    }
    if (!args.mems) {
      this.warn('failed to get mem info, mems pointer is NULL.');
      throw new AieError('EINVAL', 'failed to get mem info, mems pointer is NULL');
    }
    const buffers: AieMemBuffer[] = [];
    for (const pmem of this.pmems) buffers.push(pmem.exportBuffer()); // all or nothing: throws before any entry is written
    args.mems.length = 0;
    this.pmems.forEach((pmem, i) => args.mems!.push({ ...pmem.info(), buffer: buffers[i] }));
  }

  /** Both steps of the query in one call: one entry per memory type. */
  memories(): AieMem[] {
    const args: AieMemArgs = { numMems: 0, mems: null };
    this.getMemInfo(args);
    args.mems = [];
    this.getMemInfo(args);
    return args.mems;
  }

  // ---- release -----------------------------------------------------------------------------

  /**
   * Releases the partition and cleans it as the seed's aie_part_clean does: SHIM reset
   * asserted then released, every tile memory zeroed, column clocks gated. Kernels running
   * or queued on its cores are dropped.
   */
  release(): void {
    this.checkLive();
    const sim = this.array.sim;
    for (let c = this.startCol; c <= this.lastCol; c++)
      for (let r = 1; r < this.array.rows; r++) {
        const t = this.array.tile({ col: c, row: r });
        if (t.hasCore) t.core.halt();
      }
    this.array.resetShim(this.startCol, this.numCols);
    for (const pmem of this.pmems) {
      pmem.forEachTile((loc) => this.array.tile(loc).memory(pmem.kind).clear());
      sim.trace.emit(sim.now, 'aie.mem.clear', { partition: this.name, mem: pmem.kind, tiles: pmem.tileCount, bytes: pmem.size });
    }
    for (let c = this.startCol; c <= this.lastCol; c++) this.array.setColumnClock(c, false);
    this.released = true;
    this.array.forget(this);
    sim.trace.emit(sim.now, 'aie.partition.release', { name: this.name, startCol: this.startCol, numCols: this.numCols });
  }

  private checkLive(): void {
    if (this.released) throw new AieError('ENODEV', `partition '${this.name}' is released`);
  }
}
