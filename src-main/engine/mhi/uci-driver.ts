import { Priority, type Simulation } from '../core';
import { Completion } from './completion';
import type { MhiDevice } from './device';
import { EIO, ENOENT, ENOSPC, ENOTCONN, LOOPBACK_MTU, MAX_UCI_MINORS, MHI_EOT, MHI_MAX_MTU, UCI_BUF_HEADER_BYTES } from './errno';
import type { MhiTiming } from './params';
import { UciDev } from './uci-dev';
import { UciFile } from './uci-file';
import type { MhiClientDriver, MhiResult } from './types';

/**
 * The UCI client driver of the seed (mhi_uci): binds to LOOPBACK devices, creates the node
 * /dev/mhi_<controller>_<device> with a minor from an IDR (0..127), and implements open and
 * the transfer callbacks; read/write/poll/release live in UciFile.
 *
 * Kernel log lines (dev_info/dev_err/pr_err of the seed, prefixed as Linux prints them):
 *   mhi_uci <ctrl>_<dev>: probed uci dev: minor N
 *   mhi_uci <ctrl>_<dev>: Node exists, but is not in active state!
 *   mhi_uci <ctrl>_<dev>: Error starting transfer channels
 *   mhi_uci <ctrl>_<dev>: Failed to queue buffer N
 *   mhi_uci <ctrl>_<dev>: Failed to recycle element: -5
 */
export class UciDriver implements MhiClientDriver {
  private readonly idr = new Map<number, UciDev>();
  private readonly nodes = new Map<string, UciDev>();

  constructor(
    readonly sim: Simulation,
    readonly t: MhiTiming,
    /** .driver_data of the match table: the LOOPBACK channel's max MTU. */
    readonly driverMtu = LOOPBACK_MTU,
  ) {}

  /** Device nodes that exist now. */
  get paths(): string[] {
    return [...this.nodes.keys()].sort();
  }

  devLog(udev: { mhiDev: MhiDevice }, text: string): void {
    this.sim.printk(`mhi_uci ${udev.mhiDev.devName}: ${text}`);
  }

  probe(dev: MhiDevice): number {
    let minor = 0;
    while (this.idr.has(minor)) minor++;
    if (minor >= MAX_UCI_MINORS) return -ENOSPC;
    const mtu = Math.min(dev.controller.config.mtu ?? this.driverMtu, MHI_MAX_MTU);
    const path = `/dev/mhi_${dev.controller.name}_${dev.name}`;
    const udev = new UciDev(this.sim, this.t, minor, dev, path, mtu, mtu - UCI_BUF_HEADER_BYTES);
    this.idr.set(minor, udev);
    this.nodes.set(path, udev);
    dev.drvdata = udev;
    this.devLog(udev, `probed uci dev: minor ${minor}`);
    this.sim.trace.emit(this.sim.now, 'uci.probe', { path, minor });
    return 0;
  }

  /** Disable the node, wake blocked readers and writers, delete the node, drop the probe reference. */
  remove(dev: MhiDevice, done: () => void): void {
    const udev = dev.drvdata as UciDev | null;
    if (!udev) return done();
    udev.lock.lock(() => {
      udev.enabled = false;
      udev.dl.wq.wakeUp();
      udev.ul.wq.wakeUp();
      if (this.nodes.get(udev.path) === udev) this.nodes.delete(udev.path);
      this.idr.delete(udev.minor);
      udev.lock.unlock();
      this.sim.trace.emit(this.sim.now, 'uci.remove', { path: udev.path, unread: udev.unreadBytes });
      this.put(udev);
      done();
    });
  }

  put(udev: UciDev): void {
    if (--udev.refCount === 0 && udev.mhiDev.drvdata === udev) udev.mhiDev.drvdata = null;
  }

  ulXferCb(dev: MhiDevice, r: MhiResult): void {
    const udev = dev.drvdata as UciDev | null;
    // kfree(buf_addr): the UL copy is garbage now.
    r.buf.data = null;
    if (udev && r.status === 0) udev.ul.wq.wakeUp();
  }

  dlXferCb(dev: MhiDevice, r: MhiResult): void {
    const udev = dev.drvdata as UciDev | null;
    if (!udev || r.status === -ENOTCONN) return;
    udev.dl.pending.push({ buf: r.buf, len: r.bytesXferd });
    udev.stats.dlBytesReceived += r.bytesXferd;
    udev.dl.wq.wakeUp();
  }

  /**
   * open(2) of a node. Resolves to the open file or a negative errno: -ENOENT when the node
   * does not exist (removed or never probed), -EIO when it exists but is disabled or the
   * channels fail to start. A second open shares the already prepared channels.
   */
  open(path: string): Completion<UciFile | number> {
    const done = new Completion<UciFile | number>();
    this.sim.after(this.t.syscallNs, Priority.DEFAULT, () => {
      const udev = this.nodes.get(path);
      if (!udev) return done.resolve(-ENOENT);
      udev.refCount++;
      udev.lock.lock(() => {
        const fail = (ret: number) => {
          udev.lock.unlock();
          this.put(udev);
          done.resolve(ret);
        };
        if (udev.refCount > 2) {
          udev.lock.unlock();
          return done.resolve(new UciFile(this, udev));
        }
        if (!udev.enabled) {
          this.devLog(udev, 'Node exists, but is not in active state!');
          return fail(-EIO);
        }
        const ctrl = udev.mhiDev.controller;
        ctrl.prepareForTransfer(udev.mhiDev).whenDone((ret) => {
          if (ret) {
            this.devLog(udev, 'Error starting transfer channels');
            return fail(ret);
          }
          this.queueInbound(udev, (qret) => {
            if (qret) {
              ctrl.unprepareFromTransfer(udev.mhiDev);
              udev.dl.pending = [];
              return fail(qret);
            }
            udev.lock.unlock();
            this.sim.trace.emit(this.sim.now, 'uci.open', { path, minor: udev.minor });
            done.resolve(new UciFile(this, udev));
          });
        });
      });
    }, 'uci.open');
    return done;
  }

  /** mhi_queue_inbound: one actual_mtu buffer per free DL descriptor (-EIO if there is none). */
  private queueInbound(udev: UciDev, then: (ret: number) => void): void {
    const ctrl = udev.mhiDev.controller;
    const n = ctrl.freeDescriptors(udev.mhiDev, 'DL');
    this.sim.after(n * (this.t.kmallocNs + this.t.queueNs), Priority.DEFAULT, () => {
      let ret = -EIO;
      for (let i = 0; i < n; i++) {
        ret = ctrl.queueBuf(udev.mhiDev, 'DL', { data: null, len: udev.actualMtu }, udev.actualMtu, MHI_EOT);
        if (ret) {
          this.devLog(udev, `Failed to queue buffer ${i}`);
          break;
        }
      }
      then(ret);
    }, 'uci.queue-inbound');
  }
}
