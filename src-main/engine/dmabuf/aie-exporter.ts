import type { Simulation } from '../core';
import { MAP_DMA_BUF_WARNING, UNMAP_DMA_BUF_WARNING, type AieMem } from '../aie/mem-buffer';
import { DmaBuf, type ByteView } from './buffer';
import { DmabufError } from './errors';

/**
 * One memory type of an AI Engine partition, as the AIE model exposes it: the memory's offset
 * and size inside a tile, and a view of all the partition's tile memories of that type,
 * walked columns first, then rows within a column (tileSize × columns × core rows bytes).
 */
export interface AiePartitionMemory {
  partition: string;
  /** 'data' or 'program'. */
  kind: string;
  /** Offset of the memory inside a tile (0x0 data, 0x20000 program). */
  offset: number;
  /** Bytes of this memory in one tile. */
  tileSize: number;
  view: ByteView;
  /** The exporter's release (aie_mem_dmabuf_release), if any. */
  release?(): void;
}

/** Adapts one memory of the AIE model's memory-info query (AiePartition.memories()) to the exporter. */
export function aiePartitionMemory(mem: AieMem): AiePartitionMemory {
  const b = mem.buffer;
  return {
    partition: b.partition.name,
    kind: mem.kind,
    offset: mem.offset,
    tileSize: mem.size,
    view: { length: b.size, read: (off, len) => b.read(off, len), write: (off, bytes) => b.write(off, bytes) },
    release: () => b.release(),
  };
}

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * The AIE partition-memory exporter (seed ai-engine-mem.c): one dma-buf per memory type per
 * partition. mmap walks the tile memories; map_dma_buf is not implemented in the seed, so
 * mapping warns and fails, and unmapping only warns.
 */
export function exportAieMemory(sim: Simulation, mem: AiePartitionMemory): DmaBuf {
  const page = sim.params.get('dmabuf.pageBytes');
  if (mem.tileSize % page !== 0) {
    sim.printk(`aie ${mem.partition}: no dmabuf for mem(${hex(mem.offset)}, ${hex(mem.tileSize)}), not aligned with page size.`);
    throw new DmabufError('EINVAL', `AIE ${mem.kind} memory of ${mem.partition}: tile size ${mem.tileSize} is not a multiple of the page size ${page}`);
  }
  const size = mem.view.length;
  return new DmaBuf(sim, `aie-${mem.partition}-${mem.kind}`, size, {
    map: (att) => {
      sim.printk(`${att.device.name}: ${MAP_DMA_BUF_WARNING}`);
      return null;
    },
    unmap: (att) => sim.printk(`${att.device.name}: ${UNMAP_DMA_BUF_WARNING}`),
    mmap: (offset, length) => windowOf(mem.view, offset, length),
    release: () => mem.release?.(),
  });
}

/** [offset, offset+length) of a view, as a view. */
function windowOf(view: ByteView, offset: number, length: number): ByteView {
  const check = (off: number, len: number) => {
    if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > length)
      throw new DmabufError('EINVAL', `range ${off}+${len} is outside the ${length}-byte mapping`);
  };
  return {
    length,
    read(off, len) {
      check(off, len);
      return view.read(offset + off, len);
    },
    write(off, bytes) {
      check(off, bytes.length);
      view.write(offset + off, bytes);
    },
  };
}
