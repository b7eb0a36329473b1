/**
 * AI Engine partition memories as dma-bufs (seed ai-engine-mem.c) — the API the dma-buf
 * model builds its AIE exporter on.
 *
 *   const part = array.requestPartition({ startCol: 1, numCols: 3 });
 *   const [data, program] = part.memories();      // AIE_GET_MEM_IOCTL, both steps
 *   const buf: AieMemBuffer = data.buffer;        // one per memory type per partition
 *   buf.size                                      // mem size × columns × core rows
 *   buf.read(offset, length) / buf.write(offset, bytes)   // the partition memory as one byte view
 *   const m = buf.mmap(offset, length);           // page-aligned offset; -EINVAL past the end
 *   m.read(pos, n) / m.write(pos, bytes) / m.segments    // one segment per tile, like remap_pfn_range
 *   buf.mapDmaBuf()                               // null: not implemented in the seed; the
 *                                                 // exporter prints MAP_DMA_BUF_WARNING and fails
 *   buf.release()                                 // the last reference went: aie_mem_dmabuf_release
 *
 * Layout of the byte view (and of mmap): tiles in column order, and within a column by row
 * (the seed's aie_mem_mmap loop); each tile contributes its whole memory. Every access goes
 * through the tile's TileMemory, so the reads and writes are counted there. A buffer outlives
 * its partition's release the way a mapping of physical tile memory would: it then shows the
 * zeroed memories.
 */
import { AieError } from './errors';
import { PAGE_SIZE, hex, tileAddress, type Location, type MemKind } from './geometry';
import type { AiePartition } from './partition';
import type { TileMemory } from './tile-memory';

/** The seed's dev_warn texts for the dma_buf_ops it leaves unimplemented. */
export const MAP_DMA_BUF_WARNING = 'AI engine memory map dma buf is not implemented.';
export const UNMAP_DMA_BUF_WARNING = 'AI engine memory unmap dma buf is not implemented.';

/** struct aie_range: tiles from `start`, `size` columns by `size` rows. */
export interface AieRange {
  start: Location;
  size: { col: number; row: number };
}

/** struct aie_mem, with the dma-buf itself in place of its file descriptor. */
export interface AieMem {
  kind: MemKind;
  range: AieRange;
  /** Offset of this memory within a tile. */
  offset: number;
  /** Bytes of this memory in one tile. */
  size: number;
  buffer: AieMemBuffer;
}

/** One memory type of one partition (struct aie_part_mem). */
export class AiePartMem {
  private dbuf: AieMemBuffer | null = null;
  /** Total bytes: memory size × columns × core rows. */
  readonly size: number;

  constructor(
    readonly partition: AiePartition,
    readonly kind: MemKind,
    readonly range: AieRange,
    readonly offset: number,
    readonly memSize: number,
  ) {
    this.size = memSize * range.size.col * range.size.row;
  }

  get tileCount(): number {
    return this.range.size.col * this.range.size.row;
  }

  info(): Omit<AieMem, 'buffer'> {
    return { kind: this.kind, range: { start: { ...this.range.start }, size: { ...this.range.size } }, offset: this.offset, size: this.memSize };
  }

  /** Tiles in the buffer's order: columns, then rows within a column. */
  forEachTile(fn: (loc: Location, index: number) => void): void {
    let i = 0;
    for (let col = this.range.start.col; col < this.range.start.col + this.range.size.col; col++)
      for (let row = this.range.start.row; row < this.range.start.row + this.range.size.row; row++) fn({ col, row }, i++);
  }

  tileAt(index: number): Location {
    const rows = this.range.size.row;
    return { col: this.range.start.col + Math.floor(index / rows), row: this.range.start.row + (index % rows) };
  }

  /** aie_mem_create_dmabuf: refuses a memory whose size is not page aligned; reuses the live buffer. */
  exportBuffer(): AieMemBuffer {
    if (this.memSize % PAGE_SIZE) {
      this.partition.warn(`no dmabuf for mem(${hex(this.offset)}, ${hex(this.memSize)}), not aligned with page size.`);
      throw new AieError('EINVAL', `no dmabuf for ${this.kind} memory (${hex(this.offset)}, ${hex(this.memSize)}): size not aligned with page size ${PAGE_SIZE}`);
    }
    return (this.dbuf ??= new AieMemBuffer(this));
  }

  get buffer(): AieMemBuffer | null {
    return this.dbuf;
  }

  /** Called by AieMemBuffer.release. */
  dropBuffer(b: AieMemBuffer): void {
    if (this.dbuf === b) this.dbuf = null;
  }
}

/** aie_get_mem_info for a partition: no memories when only the SHIM row is present; else data, program. */
export function createPartMems(part: AiePartition): AiePartMem[] {
  const rows = part.array.rows;
  if (rows <= 1) return [];
  const range = (): AieRange => ({ start: { col: part.startCol, row: 1 }, size: { col: part.numCols, row: rows - 1 } });
  const { data, program } = part.array.layout;
  return [new AiePartMem(part, 'data', range(), data.offset, data.size), new AiePartMem(part, 'program', range(), program.offset, program.size)];
}

/** One remap_pfn_range of an mmap: `length` bytes of tile `loc` from `tileOffset`, at `mapOffset` in the mapping. */
export interface MapSegment {
  loc: Location;
  tileOffset: number;
  /** Array address (the physical address less the array base). */
  address: number;
  mapOffset: number;
  length: number;
}

/** The dma-buf of one memory type of one partition. */
export class AieMemBuffer {
  readonly kind: MemKind;
  readonly size: number;
  private releasedFlag = false;

  constructor(readonly pmem: AiePartMem) {
    this.kind = pmem.kind;
    this.size = pmem.size;
  }

  get partition(): AiePartition {
    return this.pmem.partition;
  }

  get released(): boolean {
    return this.releasedFlag;
  }

  /** `length` bytes from `offset` of the linear view. */
  read(offset: number, length: number): Uint8Array {
    this.checkRange(offset, length);
    const out = new Uint8Array(length);
    this.walk(offset, length, (mem, tileOffset, pos, n) => out.set(mem.read(tileOffset, n), pos));
    return out;
  }

  write(offset: number, data: Uint8Array): void {
    this.checkRange(offset, data.length);
    this.walk(offset, data.length, (mem, tileOffset, pos, n) => mem.write(tileOffset, data.subarray(pos, pos + n)));
  }

  /**
   * aie_mem_mmap: maps `length` bytes (rounded up to pages) from `offset` (a page multiple,
   * like vm_pgoff × PAGE_SIZE). -EINVAL when the range runs past the end of the buffer.
   */
  mmap(offset: number, length: number): AieMemMapping {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset % PAGE_SIZE)
      throw new AieError('EINVAL', `mmap offset ${offset} is not a multiple of the page size ${PAGE_SIZE}`);
    if (!Number.isSafeInteger(length) || length <= 0) throw new AieError('EINVAL', `mmap length must be > 0, got ${length}`);
    const len = Math.ceil(length / PAGE_SIZE) * PAGE_SIZE;
    if (offset + len > this.size)
      throw new AieError('EINVAL', `mmap of ${len} bytes at offset ${hex(offset)} runs past the end of the ${this.size}-byte ${this.kind} memory buffer`);
    return new AieMemMapping(this, offset, len, this.segments(offset, len));
  }

  /** The seed's mmap walk: columns, then rows; tiles wholly before `offset` skipped; the last one cut at `length`. */
  segments(offset: number, length: number): MapSegment[] {
    const out: MapSegment[] = [];
    const msize = this.pmem.memSize;
    let moffset = 0;
    let pos = offset;
    let remainder = length;
    this.pmem.forEachTile((loc) => {
      if (remainder > 0 && moffset + msize > pos) {
        const tileOffset = pos - moffset;
        const n = Math.min(msize - tileOffset, remainder);
        out.push({ loc, tileOffset, address: tileAddress(loc, this.pmem.offset + tileOffset), mapOffset: pos - offset, length: n });
        pos += n;
        remainder -= n;
      }
      moffset += msize;
    });
    return out;
  }

  /** map_dma_buf is not implemented by the seed driver: always null. The exporter warns with MAP_DMA_BUF_WARNING. */
  mapDmaBuf(): null {
    return null;
  }

  /** aie_mem_dmabuf_release: the partition forgets this buffer; the next query exports a new one. */
  release(): void {
    if (this.releasedFlag) return;
    this.releasedFlag = true;
    this.pmem.dropBuffer(this);
  }

  private checkRange(offset: number, length: number): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size)
      throw new AieError('EINVAL', `range [${hex(Math.max(0, offset))}, +${length}) is outside the ${this.size}-byte ${this.kind} memory buffer`);
  }

  private walk(offset: number, length: number, fn: (mem: TileMemory, tileOffset: number, pos: number, n: number) => void): void {
    const msize = this.pmem.memSize;
    let pos = 0;
    while (pos < length) {
      const at = offset + pos;
      const index = Math.floor(at / msize);
      const tileOffset = at % msize;
      const n = Math.min(msize - tileOffset, length - pos);
      fn(this.partition.array.tile(this.pmem.tileAt(index)).memory(this.kind), tileOffset, pos, n);
      pos += n;
    }
  }
}

/** A user mapping of part of an AIE memory buffer. Access outside it is an error (SIGBUS). */
export class AieMemMapping {
  constructor(
    readonly buffer: AieMemBuffer,
    readonly offset: number,
    readonly length: number,
    readonly segments: readonly MapSegment[],
  ) {}

  read(pos: number, n: number): Uint8Array {
    this.check(pos, n);
    return this.buffer.read(this.offset + pos, n);
  }

  write(pos: number, data: Uint8Array): void {
    this.check(pos, data.length);
    this.buffer.write(this.offset + pos, data);
  }

  private check(pos: number, n: number): void {
    if (!Number.isSafeInteger(pos) || pos < 0 || n < 0 || pos + n > this.length)
      throw new RangeError(`access [${pos}, +${n}) is outside the ${this.length}-byte mapping`);
  }
}
