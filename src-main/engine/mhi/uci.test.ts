import { describe, expect, it } from 'vitest';
import { EBADF, EINVAL, EIO, ENODEV, ENOENT, EPOLLERR, EPOLLIN, EPOLLOUT, EPOLLRDNORM, EPOLLWRNORM, MHI_CHAIN, MHI_EOT } from './errno';
import { harness, pattern } from './test-harness';
import { UciFile } from './uci-file';

const cat = (parts: Uint8Array[]) => Buffer.concat(parts);

describe('UCI open', () => {
  it('prepares the channels and queues one actual_mtu buffer per free DL descriptor', () => {
    const h = harness({ ringSize: 16 });
    const f = h.open();
    const dev = f.udev.mhiDev;
    expect(f.udev.mtu).toBe(0x1000);
    expect(f.udev.actualMtu).toBe(0x1000 - 32);
    expect(dev.ul.state).toBe('RUNNING');
    expect(dev.dl.ring.used).toBe(15);
    expect(dev.dl.ring.full).toBe(true);
    expect(dev.dl.ring.slots.filter(Boolean).every((t) => t!.len === 4064 && t!.flags === MHI_EOT)).toBe(true);
    expect(f.udev.refCount).toBe(2);
  });

  it('a second open shares the node; the last release resets the channels', () => {
    const h = harness();
    const a = h.open();
    const b = h.open();
    expect(b.udev).toBe(a.udev);
    expect(a.udev.refCount).toBe(3);
    expect(h.value(a.release())).toBe(0);
    expect(b.udev.mhiDev.ul.state).toBe('RUNNING');
    h.value(b.write(pattern(10)));
    expect(b.udev.unreadBytes).toBe(10);
    expect(h.value(b.release())).toBe(0);
    expect(b.udev.mhiDev.ul.state).toBe('DISABLED');
    expect(b.udev.unreadBytes).toBe(0);
    expect(b.udev.refCount).toBe(1);
    // and it can be opened again
    const c = h.open();
    expect(c.udev.mhiDev.dl.ring.used).toBe(31);
  });

  it('fails with -ENOENT for a missing node and -EIO when the channels cannot start', () => {
    const h = harness();
    expect(h.value(h.drv.open('/dev/mhi_mhi0_DIAG'))).toBe(-ENOENT);
    h.value(h.ctrl.moveTo('M3'));
    expect(h.value(h.drv.open(h.path))).toBe(-EIO);
    expect(h.sim.log.format()).toContain('mhi_uci mhi0_LOOPBACK: Error starting transfer channels');
    h.value(h.ctrl.moveTo('M0'));
    expect(h.open()).toBeInstanceOf(UciFile);
  });
});

describe('UCI write', () => {
  it('rejects null and empty buffers with -EINVAL', () => {
    const h = harness();
    const f = h.open();
    expect(h.value(f.write(null))).toBe(-EINVAL);
    expect(h.value(f.write(new Uint8Array(0)))).toBe(-EINVAL);
  });

  it('forces EOT when the ring is about to fill and blocks while no UL descriptor is free', () => {
    const h = harness({ ringSize: 4 });
    const f = h.open();
    const flags: number[] = [];
    const orig = h.ctrl.queueBuf.bind(h.ctrl);
    h.ctrl.queueBuf = (d, dir, b, l, fl) => (dir === 'UL' && flags.push(fl), orig(d, dir, b, l, fl));
    h.value(h.ctrl.moveTo('M3')); // the device stops consuming
    const data = pattern(5 * 4064);
    const w = f.write(data);
    h.settle();
    expect(w.settled).toBe(false);
    expect(flags).toEqual([MHI_CHAIN, MHI_CHAIN, MHI_EOT]);
    expect(f.poll() & EPOLLOUT).toBe(0);
    expect(f.udev.stats.ulStalls).toBe(1);
    h.ctrl.moveTo('M0');
    expect(h.value(w)).toBe(5 * 4064);
    expect(flags).toEqual([MHI_CHAIN, MHI_CHAIN, MHI_EOT, MHI_CHAIN, MHI_EOT]);
    // the reader gets everything back in DL buffers of actual_mtu
    const out: Uint8Array[] = [];
    const buf = new Uint8Array(8192);
    for (let i = 0; i < 5; i++) {
      const n = h.value(f.read(buf));
      expect(n).toBe(4064);
      out.push(buf.slice(0, n));
    }
    expect(Buffer.compare(cat(out), Buffer.from(data))).toBe(0);
  });

  it('splits by the full MTU when mhi.uci.writeSplit = mtu (the seed literally); the device spans DL buffers', () => {
    const h = harness({}, { 'mhi.uci.writeSplit': 'mtu' });
    const f = h.open();
    const data = pattern(8192);
    h.value(f.write(data));
    expect(f.udev.dl.pending.map((b) => b.len)).toEqual([4064, 32, 4064, 32]);
    expect(Buffer.compare(cat(f.udev.unreadData()), Buffer.from(data))).toBe(0);
  });
});

describe('UCI read', () => {
  it('rejects a null buffer with -EINVAL', () => {
    const h = harness();
    const f = h.open();
    expect(h.value(f.read(null))).toBe(-EINVAL);
  });

  it('blocks until data arrives; partial reads continue the buffer; a drained buffer is re-queued', () => {
    const h = harness({ ringSize: 8 });
    const f = h.open();
    const small = new Uint8Array(1000);
    const r = f.read(small);
    h.settle();
    expect(r.settled).toBe(false);
    const data = pattern(3000);
    h.value(f.write(data));
    expect(r.result).toBe(1000);
    expect(Buffer.compare(Buffer.from(small), Buffer.from(data.subarray(0, 1000)))).toBe(0);
    expect(f.udev.mhiDev.dl.ring.used).toBe(6); // the buffer being read is out of the ring
    expect(h.value(f.read(small))).toBe(1000);
    expect(Buffer.compare(Buffer.from(small), Buffer.from(data.subarray(1000, 2000)))).toBe(0);
    const big = new Uint8Array(5000);
    expect(h.value(f.read(big))).toBe(1000); // at most the rest of the current buffer
    expect(Buffer.compare(Buffer.from(big.subarray(0, 1000)), Buffer.from(data.subarray(2000)))).toBe(0);
    expect(f.udev.dl.curBuf).toBeNull();
    expect(f.udev.mhiDev.dl.ring.used).toBe(7); // recycled
  });

  it('a zero-length read with data pending returns 0 and consumes nothing', () => {
    const h = harness();
    const f = h.open();
    h.value(f.write(pattern(10)));
    expect(h.value(f.read(new Uint8Array(0)))).toBe(0);
    expect(f.udev.unreadBytes).toBe(10);
  });
});

describe('UCI poll', () => {
  it('reports EPOLLOUT with a free UL descriptor, EPOLLIN with data, EPOLLERR after remove', () => {
    const h = harness();
    const f = h.open();
    expect(f.poll()).toBe(EPOLLOUT | EPOLLWRNORM);
    const p = f.pollWait(EPOLLIN);
    h.settle();
    expect(p.settled).toBe(false);
    h.value(f.write(pattern(10)));
    expect(p.result).toBe(EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM);
    const q = f.pollWait(0);
    h.settle();
    expect(q.settled).toBe(false);
    h.value(h.ctrl.removeDevice());
    expect(q.result).toBe(EPOLLERR);
    expect(f.poll()).toBe(EPOLLERR);
  });
});

describe('UCI remove', () => {
  it('wakes blocked readers and writers with -ENODEV; later calls fail with -ENODEV; the node is gone', () => {
    const h = harness({ ringSize: 4 });
    const f = h.open();
    const r = f.read(new Uint8Array(100));
    h.value(h.ctrl.moveTo('M3'));
    const w = f.write(pattern(4 * 4064));
    h.settle();
    expect([r.settled, w.settled]).toEqual([false, false]);
    const rm = h.ctrl.removeDevice();
    h.settle();
    expect(rm.result).toBe(0);
    expect(r.result).toBe(-ENODEV);
    expect(w.result).toBe(-ENODEV);
    expect(h.value(f.read(new Uint8Array(10)))).toBe(-ENODEV);
    expect(h.value(f.write(pattern(10)))).toBe(-ENODEV);
    expect(h.drv.paths).toEqual([]);
    expect(h.value(h.drv.open(h.path))).toBe(-ENOENT);
    expect(h.value(f.release())).toBe(0);
    expect(h.value(f.release())).toBe(-EBADF);
    expect(h.value(f.read(new Uint8Array(1)))).toBe(-EBADF);
    // bus rescan (in M0) probes the device again and the node can be reopened
    expect(h.ctrl.rescan()).toBe(-EIO);
    h.value(h.ctrl.moveTo('M0'));
    expect(h.ctrl.rescan()).toBe(0);
    const g = h.open();
    h.value(g.write(pattern(10)));
    expect(g.udev.unreadBytes).toBe(10);
  });

  it('release waits for the calls in progress', () => {
    const h = harness();
    const f = h.open();
    const r = f.read(new Uint8Array(10));
    const c = f.release();
    h.settle();
    expect([r.settled, c.settled]).toEqual([false, false]);
    expect(f.udev.refCount).toBe(2);
    h.value(h.ctrl.removeDevice());
    expect(r.result).toBe(-ENODEV);
    expect(c.result).toBe(0);
  });
});

describe('faults mid-transfer', () => {
  for (const fault of ['sys_err', 'remove'] as const) {
    it(`${fault}: the client learns of it, nothing echoed is lost, and the node reopens after recovery`, () => {
      const h = harness({ ringSize: 8 });
      const f = h.open();
      const data = pattern(256 * 1024);
      const got: Uint8Array[] = [];
      let writerErr = 0;
      let readerErr = 0;
      const writer = (off: number) => {
        if (off >= data.length) return;
        f.write(data.subarray(off, off + 65536)).whenDone((n) => (n < 0 ? (writerErr = n) : writer(off + n)));
      };
      const buf = new Uint8Array(65536);
      const reader = () =>
        f.read(buf).whenDone((n) => {
          if (n < 0) return (readerErr = n);
          got.push(buf.slice(0, n));
          reader();
        });
      writer(0);
      reader();
      h.sim.runUntil(h.sim.now + 100_000); // mid-transfer
      expect(got.length).toBeGreaterThan(0);
      if (fault === 'sys_err') h.ctrl.sysErr();
      else h.ctrl.removeDevice();
      h.settle();
      expect([writerErr, readerErr]).toEqual([-ENODEV, -ENODEV]);
      const echoed = f.udev.stats.dlBytesReceived;
      expect(echoed).toBeLessThan(data.length);
      // read + still pending = exactly the first `echoed` bytes written
      const all = cat([...got, ...f.udev.unreadData()]);
      expect(all.length).toBe(echoed);
      expect(Buffer.compare(all, Buffer.from(data.subarray(0, echoed)))).toBe(0);
      h.value(f.release());
      if (fault === 'sys_err') expect(h.value(h.ctrl.recover())).toBe(0);
      else expect(h.ctrl.rescan()).toBe(0);
      const g = h.open();
      expect(h.value(g.write(pattern(5000)))).toBe(5000);
      expect(g.udev.unreadBytes).toBe(5000);
      // event-ring bookkeeping is consistent: nothing from before the fault was counted
      expect(h.ctrl.events.hostRp).toBe(h.ctrl.events.claimed);
      expect(h.ctrl.events.deviceSeenRp).toBe(h.ctrl.events.claimed);
    });
  }
});
