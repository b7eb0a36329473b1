/**
 * One tile memory (data or program): bytes plus access counters. Kernels, register access
 * and the dma-buf mmap view all go through it, so reads and writes are counted in one place.
 * Words are little-endian (the AI Engine is a little-endian machine).
 */
export interface MemCounters {
  reads: number;
  writes: number;
  bytesRead: number;
  bytesWritten: number;
}

export class TileMemory {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  readonly counters: MemCounters = { reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0 };

  constructor(readonly size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  readWord(offset: number): number {
    this.check(offset, 4);
    this.count('read', 4);
    return this.view.getUint32(offset, true);
  }

  writeWord(offset: number, value: number): void {
    this.check(offset, 4);
    this.count('write', 4);
    this.view.setUint32(offset, value >>> 0, true);
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    this.count('read', length);
    return this.bytes.slice(offset, offset + length);
  }

  write(offset: number, data: Uint8Array): void {
    this.check(offset, data.length);
    this.count('write', data.length);
    this.bytes.set(data, offset);
  }

  /** memset_io(…, 0, size) of the seed's aie_part_clear_mems. */
  clear(): void {
    this.count('write', this.size);
    this.bytes.fill(0);
  }

  /** A copy of the contents, not counted (inspection by the workbench, not by the model). */
  snapshot(): Uint8Array {
    return this.bytes.slice();
  }

  private check(offset: number, length: number): void {
    if (!Number.isInteger(offset) || offset < 0 || length < 0 || offset + length > this.size)
      throw new RangeError(`access [0x${offset.toString(16)}, +${length}) is outside a ${this.size}-byte tile memory`);
  }

  private count(kind: 'read' | 'write', n: number): void {
    if (kind === 'read') {
      this.counters.reads++;
      this.counters.bytesRead += n;
    } else {
      this.counters.writes++;
      this.counters.bytesWritten += n;
    }
  }
}
