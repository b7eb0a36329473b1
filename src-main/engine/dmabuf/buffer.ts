import { Priority, type Simulation } from '../core';
import { DmabufError } from './errors';
import { waitAll } from './fence';
import { ReservationObject } from './reservation';

/** enum dma_data_direction, in words. */
export const DMA_DIRECTIONS = ['to-device', 'from-device', 'bidirectional'] as const;
export type DmaDirection = (typeof DMA_DIRECTIONS)[number];
/** A direction that lets the device or CPU write (from-device, bidirectional) needs the exclusive slot. */
export const isWrite = (d: DmaDirection) => d !== 'to-device';

/** One entry of an sg_table: a DMA address and a length in bytes. */
export interface SgEntry {
  dmaAddress: number;
  length: number;
}
export type ScatterList = SgEntry[];

/** A window onto bytes (a vmap, an mmap, an AIE memory walked tile by tile). */
export interface ByteView {
  readonly length: number;
  read(offset: number, length: number): Uint8Array;
  write(offset: number, bytes: Uint8Array): void;
}

/** A ByteView over one array (optionally a window of it). */
export function arrayView(bytes: Uint8Array, start = 0, length = bytes.length - start): ByteView {
  const check = (off: number, len: number) => {
    if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > length)
      throw new DmabufError('EINVAL', `range ${off}+${len} is outside the ${length}-byte view`);
  };
  return {
    length,
    read(off, len) {
      check(off, len);
      return bytes.slice(start + off, start + off + len);
    },
    write(off, data) {
      check(off, data.length);
      bytes.set(data, start + off);
    },
  };
}

/** The importing side of an attachment: a device with a name (used in dev_warn lines). */
export interface DeviceRef {
  readonly name: string;
}

/** dma_buf_ops: what an exporter implements. A missing vmap is refused with EINVAL. */
export interface DmaBufOps {
  /** map_dma_buf: a scatter list for the attachment's device, or null when the exporter cannot. */
  map(att: Attachment, dir: DmaDirection): ScatterList | null;
  unmap(att: Attachment, sg: ScatterList, dir: DmaDirection): void;
  /** A view of [offset, offset+length): both already checked against the buffer's size and page alignment. */
  mmap(offset: number, length: number): ByteView;
  vmap?(): ByteView;
  beginCpuAccess?(dir: DmaDirection): void;
  endCpuAccess?(dir: DmaDirection): void;
  release(): void;
}

/** dma_buf_attachment: one importing device's link to a buffer. */
export class Attachment {
  readonly mappings: { sg: ScatterList; dir: DmaDirection }[] = [];
  detached = false;
  constructor(
    readonly dmabuf: DmaBuf,
    readonly device: DeviceRef,
  ) {}
}

/** Inode numbers per simulation, so names (and traces) do not depend on earlier runs in the process. */
const inodes = new WeakMap<Simulation, number>();
function nextInode(sim: Simulation): number {
  const n = (inodes.get(sim) ?? 0) + 1;
  inodes.set(sim, n);
  return n;
}

/**
 * struct dma_buf: an exporter's buffer shared with importers. Refcounted like its file: the
 * export holds one reference, each attachment one more (importers get before attach, put after
 * detach), and the exporter's release runs when the last goes. Reservation and fences live in
 * `resv`. Every operation on a released buffer is an error.
 */
export class DmaBuf {
  readonly resv: ReservationObject;
  readonly attachments: Attachment[] = [];
  readonly inode: number;
  private refs = 1;
  private cpuAccess: DmaDirection[] = [];
  private vmaps = 0;

  constructor(
    readonly sim: Simulation,
    /** The exporter's name, as /sys/kernel/debug/dma_buf/bufinfo shows it. */
    readonly exporter: string,
    readonly size: number,
    readonly ops: DmaBufOps,
  ) {
    if (!Number.isSafeInteger(size) || size <= 0) throw new DmabufError('EINVAL', `${exporter}: export size must be a positive integer, got ${size}`);
    this.inode = nextInode(sim);
    this.resv = new ReservationObject(`${exporter}:${this.inode}`, (fn) => sim.after(0, Priority.DEFAULT, fn, 'dmabuf wake'));
  }

  get name(): string {
    return this.resv.name;
  }
  get refcount(): number {
    return this.refs;
  }
  get released(): boolean {
    return this.refs === 0;
  }
  get cpuAccessDepth(): number {
    return this.cpuAccess.length;
  }
  get vmapCount(): number {
    return this.vmaps;
  }

  /** get_dma_buf. */
  get(): this {
    this.assertAlive('get');
    this.refs++;
    return this;
  }

  /** dma_buf_put: the last reference releases the buffer (exporter release, fences dropped). */
  put(): void {
    this.assertAlive('put');
    if (this.refs === 1) {
      if (this.resv.reserved) throw new DmabufError('EINVAL', `${this.name} released while reserved`);
      if (this.vmaps) throw new DmabufError('EINVAL', `${this.name} released with ${this.vmaps} vmap(s) outstanding`);
      this.refs = 0;
      this.ops.release();
      this.resv.dropFences();
      this.sim.trace.emit(this.sim.now, 'dmabuf.release', { buf: this.name });
      return;
    }
    this.refs--;
  }

  /** dma_buf_attach: takes a reference for the importer. */
  attach(device: DeviceRef): Attachment {
    this.assertAlive('attach to');
    const att = new Attachment(this, device);
    this.attachments.push(att);
    this.refs++;
    return att;
  }

  /** dma_buf_detach: every mapping must be unmapped first; drops the importer's reference. */
  detach(att: Attachment): void {
    this.assertAttached(att, 'detach');
    if (att.mappings.length) throw new DmabufError('EINVAL', `${att.device.name}: detach from ${this.name} with ${att.mappings.length} mapping(s) still mapped`);
    this.attachments.splice(this.attachments.indexOf(att), 1);
    att.detached = true;
    this.put();
  }

  /** dma_buf_map_attachment: an exporter returning no table fails with ENOMEM, as the dma-buf core does. */
  map(att: Attachment, dir: DmaDirection): ScatterList {
    this.assertAttached(att, 'map');
    const sg = this.ops.map(att, dir);
    if (!sg) throw new DmabufError('ENOMEM', `${att.device.name}: ${this.name} could not be mapped (the exporter returned no scatter list)`);
    att.mappings.push({ sg, dir });
    return sg;
  }

  /** dma_buf_unmap_attachment of a table `map` returned. */
  unmap(att: Attachment, sg: ScatterList): void {
    this.assertAttached(att, 'unmap');
    const i = att.mappings.findIndex((m) => m.sg === sg);
    if (i < 0) throw new DmabufError('EINVAL', `${att.device.name}: unmap of a scatter list not mapped on ${this.name}`);
    const [m] = att.mappings.splice(i, 1);
    this.ops.unmap(att, m.sg, m.dir);
  }

  /**
   * dma_buf_begin_cpu_access: first syncs with the fences left by devices (a reader waits for
   * the exclusive fence, a writer for the shared ones or else the exclusive one), then lets the
   * exporter prepare caches; `ready` runs when the CPU may touch the bytes.
   */
  beginCpuAccess(dir: DmaDirection, ready: () => void): void {
    this.assertAlive('begin CPU access to');
    const fences = this.resv.fencesFor(isWrite(dir));
    for (const f of fences) f.get();
    waitAll(fences, () => {
      for (const f of fences) f.put();
      if (this.released) return;
      this.ops.beginCpuAccess?.(dir);
      this.cpuAccess.push(dir);
      ready();
    });
  }

  /** dma_buf_end_cpu_access: must match a begin with the same direction. */
  endCpuAccess(dir: DmaDirection): void {
    this.assertAlive('end CPU access to');
    const i = this.cpuAccess.lastIndexOf(dir);
    if (i < 0) throw new DmabufError('EINVAL', `end of CPU access (${dir}) to ${this.name} without a matching begin`);
    this.cpuAccess.splice(i, 1);
    this.ops.endCpuAccess?.(dir);
  }

  /** dma_buf_vmap: the whole buffer in the kernel's address space, if the exporter can. */
  vmap(): ByteView {
    this.assertAlive('vmap');
    if (!this.ops.vmap) throw new DmabufError('EINVAL', `${this.exporter} does not implement vmap`);
    const v = this.ops.vmap();
    this.vmaps++;
    return v;
  }

  vunmap(): void {
    this.assertAlive('vunmap');
    if (this.vmaps === 0) throw new DmabufError('EINVAL', `vunmap of ${this.name}, which is not vmapped`);
    this.vmaps--;
  }

  /** dma_buf_mmap of `length` bytes from page-aligned `offset` (vm_pgoff × PAGE_SIZE); past the end is EINVAL. */
  mmap(offset: number, length: number): ByteView {
    this.assertAlive('mmap');
    const page = this.sim.params.get('dmabuf.pageBytes');
    if (!Number.isSafeInteger(offset) || offset < 0 || offset % page !== 0)
      throw new DmabufError('EINVAL', `mmap offset ${offset} of ${this.name} is not a multiple of the page size ${page}`);
    if (!Number.isSafeInteger(length) || length <= 0) throw new DmabufError('EINVAL', `mmap length ${length} of ${this.name} must be positive`);
    if (offset + length > this.size)
      throw new DmabufError('EINVAL', `mmap of ${this.name} [${offset}, ${offset + length}) runs past its end (${this.size} bytes)`);
    return this.ops.mmap(offset, length);
  }

  private assertAlive(what: string): void {
    if (this.refs === 0) throw new DmabufError('EINVAL', `cannot ${what} ${this.name}: it was released`);
  }
  private assertAttached(att: Attachment, what: string): void {
    this.assertAlive(what);
    if (att.dmabuf !== this || att.detached) throw new DmabufError('EINVAL', `${att.device.name}: cannot ${what} ${this.name}: not attached`);
  }
}
