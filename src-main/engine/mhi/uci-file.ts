import { Priority } from '../core';
import { Completion } from './completion';
import { EBADF, EINVAL, EIO, ENODEV, EPOLLERR, EPOLLIN, EPOLLOUT, EPOLLRDNORM, EPOLLWRNORM, MHI_CHAIN, MHI_EOT } from './errno';
import type { UciDev } from './uci-dev';
import type { UciDriver } from './uci-driver';

/**
 * An open file on a UCI node: the seed's read, write, poll and release. Blocking calls return
 * a Completion resolving to the byte count or a negative errno at the simulated time the call
 * returns. Like Linux, close() waits for the file's calls in progress before release runs.
 */
export class UciFile {
  private inflight = 0;
  private closing: Completion<number> | null = null;
  private released = false;

  constructor(
    private readonly drv: UciDriver,
    readonly udev: UciDev,
  ) {}

  private get sim() {
    return this.drv.sim;
  }
  private get t() {
    return this.drv.t;
  }
  private get ctrl() {
    return this.udev.mhiDev.controller;
  }

  /** Syscall entry: -EBADF once closed, else run `body` after the entry cost. */
  private syscall(label: string, body: (done: (ret: number) => void) => void): Completion<number> {
    const c = new Completion<number>();
    if (this.closing) {
      c.resolve(-EBADF);
      return c;
    }
    this.inflight++;
    this.sim.after(this.t.syscallNs, Priority.DEFAULT, () =>
      body((ret) => {
        this.inflight--;
        c.resolve(ret);
        if (this.inflight === 0 && this.closing) this.doRelease(this.closing);
      }),
    label);
    return c;
  }

  /**
   * write(2): copies `buf` in pieces of the split size (actual_mtu or mtu, see
   * mhi.uci.writeSplit), flagging MHI_CHAIN while more follows and more than one descriptor
   * is free, else MHI_EOT; sleeps while no UL descriptor is free. -EINVAL for a null or empty
   * buffer, -ENODEV once the node is disabled.
   */
  write(buf: Uint8Array | null): Completion<number> {
    if (!buf || buf.length === 0) return this.syscall('uci.write', (done) => done(-EINVAL));
    return this.syscall('uci.write', (done) => {
      const u = this.udev;
      const split = this.t.writeSplit === 'mtu' ? u.mtu : u.actualMtu;
      let off = 0;
      let nrAvail = 0;
      const fail = (ret: number) => {
        u.lock.unlock();
        done(ret);
      };
      const next = () => {
        if (off === buf.length) {
          u.lock.unlock();
          return done(off);
        }
        u.lock.unlock();
        const slept = u.ul.wq.waitEvent(
          () => !u.enabled || (nrAvail = this.ctrl.freeDescriptors(u.mhiDev, 'UL')) > 0,
          () => u.lock.lock(chunk),
        );
        if (slept) u.stats.ulStalls++;
      };
      const chunk = () => {
        if (!u.enabled) return fail(-ENODEV);
        const xfer = Math.min(buf.length - off, split);
        const cost = this.t.kmallocNs + xfer / this.t.copyBytesPerNs + this.t.queueNs;
        this.sim.after(cost, Priority.DEFAULT, () => {
          const kbuf = buf.slice(off, off + xfer);
          const flags = nrAvail > 1 && buf.length - off - xfer > 0 ? MHI_CHAIN : MHI_EOT;
          const ret = u.enabled ? this.ctrl.queueBuf(u.mhiDev, 'UL', { data: kbuf, len: xfer }, xfer, flags) : -ENODEV;
          if (ret) return fail(ret);
          u.stats.ulBytesQueued += xfer;
          off += xfer;
          next();
        }, 'uci.write-chunk');
      };
      u.lock.lock(() => {
        if (!u.enabled) return fail(-ENODEV);
        next();
      });
    });
  }

  /**
   * read(2) into `buf`: sleeps until a received buffer is pending, copies at most the rest of
   * the current buffer (a partial read leaves the remainder for the next call) and re-queues the
   * buffer to the DL ring once drained. -EINVAL for a null buffer, -ENODEV once disabled.
   */
  read(buf: Uint8Array | null): Completion<number> {
    if (!buf) return this.syscall('uci.read', (done) => done(-EINVAL));
    return this.syscall('uci.read', (done) => {
      const u = this.udev;
      const ch = u.dl;
      const fail = (ret: number) => {
        u.lock.unlock();
        done(ret);
      };
      const copy = () => {
        if (!ch.curBuf) {
          const ubuf = ch.pending.shift();
          if (!ubuf) return fail(-EIO);
          ch.curBuf = ubuf;
          ch.rxSize = ubuf.len;
        }
        const ubuf = ch.curBuf;
        const toCopy = Math.min(buf.length, ch.rxSize);
        const from = ubuf.len - ch.rxSize;
        this.sim.after(toCopy / this.t.copyBytesPerNs, Priority.DEFAULT, () => {
          buf.set(ubuf.buf.data!.subarray(from, from + toCopy));
          ch.rxSize -= toCopy;
          if (ch.rxSize === 0) {
            ch.curBuf = null;
            ubuf.buf.data = null;
            const ret = u.enabled ? this.ctrl.queueBuf(u.mhiDev, 'DL', ubuf.buf, u.actualMtu, MHI_EOT) : -ENODEV;
            if (ret) {
              this.drv.devLog(u, `Failed to recycle element: ${ret}`);
              return fail(ret);
            }
          }
          u.lock.unlock();
          done(toCopy);
        }, 'uci.read-copy');
      };
      u.lock.lock(() => {
        if (!u.enabled) return fail(-ENODEV);
        if (ch.curBuf || ch.pending.length > 0) return copy();
        u.lock.unlock();
        ch.wq.waitEvent(
          () => !u.enabled || ch.pending.length > 0,
          () =>
            u.lock.lock(() => {
              if (!u.enabled) return fail(-ENODEV);
              copy();
            }),
        );
      });
    });
  }

  /** The poll file operation: EPOLLIN|EPOLLRDNORM with data to read, EPOLLOUT|EPOLLWRNORM with a free UL descriptor, EPOLLERR once disabled. */
  poll(): number {
    const u = this.udev;
    if (!u.enabled) return EPOLLERR;
    let mask = 0;
    if (u.dl.pending.length > 0 || u.dl.curBuf) mask |= EPOLLIN | EPOLLRDNORM;
    if (this.ctrl.freeDescriptors(u.mhiDev, 'UL') > 0) mask |= EPOLLOUT | EPOLLWRNORM;
    return mask;
  }

  /** poll(2) on this one file: sleeps on both wait queues until a requested event (or EPOLLERR) is ready; resolves to the mask. */
  pollWait(events: number): Completion<number> {
    return this.syscall('uci.poll', (done) => {
      const want = events | EPOLLERR;
      let fired = false;
      const ready = () => fired || (this.poll() & want) !== 0;
      const resume = () => {
        if (fired) return;
        const mask = this.poll();
        if ((mask & want) === 0) return sleep();
        fired = true;
        done(mask);
      };
      const sleep = () => {
        this.udev.dl.wq.waitEvent(ready, resume);
        if (!fired) this.udev.ul.wq.waitEvent(ready, resume);
      };
      sleep();
    });
  }

  /**
   * close(2). Release runs once calls in progress have returned: the last opener (kref ≤ 2)
   * resets the channels when the node is still enabled and frees every received buffer.
   */
  release(): Completion<number> {
    const c = new Completion<number>();
    if (this.closing) {
      c.resolve(-EBADF);
      return c;
    }
    this.closing = c;
    if (this.inflight === 0) this.doRelease(c);
    return c;
  }

  private doRelease(c: Completion<number>): void {
    if (this.released) return;
    this.released = true;
    const u = this.udev;
    if (u.refCount > 2) {
      this.drv.put(u);
      this.sim.after(this.t.syscallNs, Priority.DEFAULT, () => c.resolve(0), 'uci.release');
      return;
    }
    let cost = this.t.syscallNs;
    if (u.enabled) {
      this.ctrl.unprepareFromTransfer(u.mhiDev);
      cost += this.t.commandNs;
    }
    u.dl.pending = [];
    u.dl.curBuf = null;
    u.dl.rxSize = 0;
    this.drv.put(u);
    this.sim.after(cost, Priority.DEFAULT, () => c.resolve(0), 'uci.release');
  }
}
