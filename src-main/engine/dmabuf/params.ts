import { defineParams } from '../core';

/** Model parameters of the dma-buf framework and its stress workload. */
export const DMABUF_PARAMS = defineParams([
  {
    key: 'dmabuf.pageBytes',
    unit: 'bytes',
    default: 4096,
    doc: 'page size: mmap offsets and exported sizes must be multiples of it',
    source: 'seed xilinx-aie-tile-memories-dmabuf (PAGE_ALIGNED check, vm_pgoff * PAGE_SIZE)',
    min: 512,
    max: 65536,
  },
  {
    key: 'dmabuf.lockAttemptNs',
    unit: 'ns',
    default: 200,
    doc: 'CPU time of one reservation attempt (spinlock + cmpxchg + sequence compare)',
    source: 'model choice: order of an uncontended spinlock round trip plus bookkeeping',
    min: 1,
    max: 1_000_000,
  },
  {
    key: 'dmabuf.submitNs',
    unit: 'ns',
    default: 2000,
    doc: 'CPU time to build a job and attach its fence once its dependencies have signalled',
    source: 'model choice: a small command-buffer submission',
    min: 0,
    max: 1_000_000_000,
  },
  {
    key: 'dmabuf.jobMeanNs',
    unit: 'ns',
    default: 50_000,
    doc: 'mean device execution time of one stress job (exponentially distributed)',
    source: 'model choice: a short GPU/AIE batch',
    min: 1,
    max: 1_000_000_000,
  },
  {
    key: 'dmabuf.thinkMeanNs',
    unit: 'ns',
    default: 10_000,
    doc: 'mean CPU time a stress worker spends between two jobs (exponentially distributed)',
    source: 'model choice',
    min: 0,
    max: 1_000_000_000,
  },
  {
    key: 'dmabuf.buffersPerJobMax',
    unit: 'count',
    default: 4,
    doc: 'a stress job reserves 1..this many distinct buffers (capped by the buffer count)',
    source: 'model choice: small multi-buffer batches as in test-ww_mutex stress',
    min: 1,
    max: 64,
  },
  {
    key: 'dmabuf.writeFraction',
    unit: 'fraction',
    default: 0.3,
    doc: 'probability that a stress job accesses a reserved buffer for writing (exclusive fence)',
    source: 'model choice',
    min: 0,
    max: 1,
  },
]);

export const CAMERA_PARAMS = defineParams([
  {
    key: 'dmabuf.cameraFrameNs',
    unit: 'ns',
    default: 16_666_667,
    doc: 'time a camera-like producer takes to expose and write one frame into its buffer',
    source: 'model choice: 60 frames per second',
    min: 1,
    max: 10_000_000_000,
  },
]);
