import type { Simulation } from '../core';
import { arrayView, DmaBuf, type ScatterList } from './buffer';
import { DmabufError } from './errors';

/** Longest run of physically contiguous pages the heap hands out (its free lists are fragmented). */
const MAX_RUN_PAGES = 8;

/**
 * The system heap exporter (dma-heap "system"): page-sized allocations scattered over memory,
 * so its scatter lists have several entries; CPU-coherent, vmap and mmap of the backing pages.
 */
export class SystemHeap {
  private nextPfn = 0x1000;

  constructor(
    readonly sim: Simulation,
    readonly name = 'system',
  ) {}

  /** Allocates and exports `size` bytes (rounded up to whole pages). */
  allocate(size: number): DmaBuf {
    const page = this.sim.params.get('dmabuf.pageBytes');
    if (!Number.isSafeInteger(size) || size <= 0) throw new DmabufError('EINVAL', `${this.name}: allocation size must be a positive integer, got ${size}`);
    const pages = Math.ceil(size / page);
    const bytes = new Uint8Array(pages * page);
    const sg = this.scatter(pages, page);
    return new DmaBuf(this.sim, this.name, bytes.length, {
      map: () => sg.map((e) => ({ ...e })),
      unmap: () => {},
      mmap: (offset, length) => arrayView(bytes, offset, length),
      vmap: () => arrayView(bytes),
      release: () => {},
    });
  }

  /** Page runs of random length at random gaps, drawn from the heap's own PRNG stream. */
  private scatter(pages: number, page: number): ScatterList {
    const rng = this.sim.rng(`dmabuf.heap.${this.name}`);
    const sg: ScatterList = [];
    for (let left = pages; left > 0; ) {
      const run = Math.min(left, 1 + rng.int(MAX_RUN_PAGES));
      this.nextPfn += rng.int(4) + 1; // a hole: another allocation's pages
      sg.push({ dmaAddress: this.nextPfn * page, length: run * page });
      this.nextPfn += run;
      left -= run;
    }
    return sg;
  }
}
