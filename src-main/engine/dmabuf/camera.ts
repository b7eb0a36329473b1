import { Priority, type Simulation } from '../core';
import { arrayView, DmaBuf } from './buffer';
import { DmabufError } from './errors';
import { FenceContext, type DmaFence } from './fence';

/**
 * A camera-like producer: exports physically contiguous (CMA) frame buffers and captures
 * frames into them. A capture reserves the buffer without a ticket, installs an exclusive
 * fence, releases the reservation and signals the fence once the frame is written, so
 * consumers sync through the fence, not through the reservation.
 */
export class CameraProducer {
  readonly fences: FenceContext;
  private nextBase = 0x8000_0000;
  private readonly frames = new Map<DmaBuf, Uint8Array>();
  /** Frames whose buffer was reserved by someone else at capture time (dropped, as a camera would). */
  dropped = 0;

  constructor(
    readonly sim: Simulation,
    readonly name = 'camera',
  ) {
    this.fences = new FenceContext(name, () => sim.now);
  }

  /** A contiguous frame buffer of `size` bytes (rounded up to whole pages). */
  allocate(size: number): DmaBuf {
    const page = this.sim.params.get('dmabuf.pageBytes');
    if (!Number.isSafeInteger(size) || size <= 0) throw new DmabufError('EINVAL', `${this.name}: frame size must be a positive integer, got ${size}`);
    const bytes = new Uint8Array(Math.ceil(size / page) * page);
    const base = this.nextBase;
    this.nextBase += bytes.length;
    const buf = new DmaBuf(this.sim, this.name, bytes.length, {
      map: () => [{ dmaAddress: base, length: bytes.length }],
      unmap: () => {},
      mmap: (offset, length) => arrayView(bytes, offset, length),
      vmap: () => arrayView(bytes),
      release: () => this.frames.delete(buf),
    });
    this.frames.set(buf, bytes);
    return buf;
  }

  /**
   * Starts capturing frame `frameNo` into `buf`: returns the frame's fence, or 'EBUSY' when the
   * buffer is reserved by another user (the frame is dropped). Byte i of the frame becomes
   * (frameNo + i) mod 256 when the fence signals.
   */
  capture(buf: DmaBuf, frameNo: number): DmaFence | 'EBUSY' {
    const bytes = this.frames.get(buf);
    if (!bytes) throw new DmabufError('EINVAL', `${buf.name} is not a live ${this.name} frame buffer`);
    if (buf.resv.tryLock() === 'EBUSY') {
      this.dropped++;
      return 'EBUSY';
    }
    const fence = this.fences.create();
    buf.resv.addExclusiveFence(fence);
    buf.resv.unlock();
    this.sim.after(this.sim.params.get('dmabuf.cameraFrameNs'), Priority.HARDWARE, () => {
      for (let i = 0; i < bytes.length; i++) bytes[i] = (frameNo + i) & 0xff;
      fence.signal();
      fence.put();
    }, 'camera frame done');
    return fence;
  }
}
