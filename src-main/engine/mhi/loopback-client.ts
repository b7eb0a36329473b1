import type { Simulation } from '../core';
import { ENODEV } from './errno';
import type { UciFile } from './uci-file';

export interface LoopbackClientHooks {
  /** Called before each write (the CLI injects its fault here). */
  beforeWrite?: () => void;
  /** Each chunk read, in order (a view: consume before returning). */
  onRead?: (chunk: Uint8Array) => void;
}

/**
 * A userspace client of a UCI node in the seed's loopback pattern: one thread writes `data` in
 * `writeBytes` calls while another reads it back in `readBytes` calls; when both are done (or
 * failed) the file is released. Shared by `twb mhi loopback` and the Devices view.
 */
export class LoopbackClient {
  bytesRead = 0;
  enodevSeen = false;
  readonly errors: string[] = [];
  started = 0;
  lastRead = 0;
  /** Echoed bytes still unread when the client finished (views, in order). */
  unread: Uint8Array[] = [];
  done = false;
  private running = 0;
  private readonly readBuf: Uint8Array;

  constructor(
    private readonly sim: Simulation,
    readonly file: UciFile,
    readonly data: Uint8Array,
    private readonly writeBytes: number,
    readBytes: number,
    private readonly hooks: LoopbackClientHooks = {},
  ) {
    this.readBuf = new Uint8Array(readBytes);
  }

  start(): void {
    this.started = this.sim.now;
    this.running = 2;
    this.writeFrom(0);
    this.readNext();
  }

  /** Simulated read throughput, 10^6 bytes per simulated second. */
  get throughputMBps(): number {
    const ns = this.transferNs;
    return ns > 0 ? (this.bytesRead / ns) * 1000 : 0;
  }

  /** Simulated ns from the first write to the last successful read. */
  get transferNs(): number {
    return Math.max(0, this.lastRead - this.started);
  }

  private failed(who: string, ret: number): void {
    if (ret === -ENODEV) this.enodevSeen = true;
    this.errors.push(`${who}: ${ret}`);
  }

  private finished(): void {
    if (--this.running > 0) return;
    this.unread = this.file.udev.unreadData();
    this.file.release();
    this.done = true;
  }

  private writeFrom(off: number): void {
    this.hooks.beforeWrite?.();
    if (off >= this.data.length) return this.finished();
    this.file.write(this.data.subarray(off, Math.min(this.data.length, off + this.writeBytes))).whenDone((ret) => {
      if (ret < 0) {
        this.failed('write', ret);
        return this.finished();
      }
      this.writeFrom(off + ret);
    });
  }

  private readNext(): void {
    if (this.bytesRead >= this.data.length) return this.finished();
    this.file.read(this.readBuf).whenDone((ret) => {
      if (ret < 0) {
        this.failed('read', ret);
        return this.finished();
      }
      this.hooks.onRead?.(this.readBuf.subarray(0, ret));
      this.bytesRead += ret;
      this.lastRead = this.sim.now;
      this.readNext();
    });
  }
}
