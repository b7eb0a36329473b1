import { describe, expect, it } from 'vitest';
import { Simulation, type ParamValues } from '../core';
import { resolveParams } from '../params';
import { MhiController } from './controller';
import { EINVAL, EIO, ENOTCONN, MHI_CHAIN, MHI_EOT } from './errno';
import { mhiTiming } from './params';
import { harness, pattern } from './test-harness';
import type { Direction, MhiBuf } from './types';
import type { MhiDevice } from './device';
import { isLegalTransition, MHI_STATES, type MhiState } from './state';

describe('MhiController states', () => {
  it('powers up RESET → READY → M0 and probes LOOPBACK', () => {
    const h = harness();
    expect(h.ctrl.state).toBe('M0');
    expect(h.drv.paths).toEqual(['/dev/mhi_mhi0_LOOPBACK']);
    expect(h.sim.log.format()).toMatch(/mhi mhi0: Device in READY State\n.*mhi_uci mhi0_LOOPBACK: probed uci dev: minor 0\n.*mhi mhi0: Device in M0 State/);
    // the READY step takes mhi.state.resetNs, M0 mhi.state.transitionNs more
    expect(h.sim.log.lines[0].timeNs).toBe(h.t.resetNs);
    expect(h.sim.log.lines[2].timeNs).toBe(h.t.resetNs + h.t.transitionNs);
  });

  it('refuses illegal transitions with -EINVAL and leaves the state alone', () => {
    const h = harness();
    expect(h.ctrl.setState('READY')).toBe(-EINVAL);
    expect(h.ctrl.setState('M2')).toBe(-EINVAL);
    expect(h.ctrl.state).toBe('M0');
    expect(h.value(h.ctrl.moveTo('RESET' === h.ctrl.state ? 'M0' : 'M2'))).toBe(-EINVAL);
    expect(h.value(h.ctrl.powerUp())).toBe(-EINVAL);
    expect(h.ctrl.setState('M1')).toBe(0);
    expect(h.ctrl.setState('M2')).toBe(0);
    expect(h.ctrl.setState('M3')).toBe(-EINVAL);
    expect(h.ctrl.setState('M0')).toBe(0);
    expect(h.ctrl.setState('M3')).toBe(0);
    expect(h.ctrl.setState('M0')).toBe(0);
    expect(h.ctrl.sysErr()).toBe(0);
    expect(h.ctrl.setState('M0')).toBe(-EINVAL);
    expect(h.ctrl.sysErr()).toBe(-EINVAL);
    h.settle();
    expect(h.value(h.ctrl.recover())).toBe(0);
    expect(h.ctrl.state).toBe('M0');
  });

  it('moveTo takes mhi.state.transitionNs', () => {
    const h = harness();
    const t0 = h.sim.now;
    const c = h.ctrl.moveTo('M3');
    expect(h.value(c)).toBe(0);
    expect(h.ctrl.state).toBe('M3');
    expect(h.sim.now - t0).toBe(h.t.transitionNs);
  });

  it('SYS_ERR makes queueing fail with -EIO and removes the device; recover brings it back', () => {
    const h = harness();
    const f = h.open();
    h.ctrl.sysErr();
    h.settle();
    expect(h.ctrl.queueBuf(f.udev.mhiDev, 'UL', { data: pattern(8), len: 8 }, 8, MHI_EOT)).toBe(-EIO);
    expect(h.sim.log.format()).toContain('mhi mhi0: System error detected');
    expect(h.drv.paths).toEqual([]);
    expect(h.ctrl.device).toBeNull();
    expect(h.value(h.ctrl.recover())).toBe(0);
    expect(h.drv.paths).toEqual(['/dev/mhi_mhi0_LOOPBACK']);
    expect(h.sim.log.format()).toContain('mhi mhi0: Device reset');
  });
});

describe('MhiController transfers', () => {
  /** Records every queueBuf the client makes. */
  function spy(h: ReturnType<typeof harness>) {
    const calls: { dir: Direction; len: number; flags: number }[] = [];
    const orig = h.ctrl.queueBuf.bind(h.ctrl);
    h.ctrl.queueBuf = (dev: MhiDevice, dir: Direction, buf: MhiBuf, len: number, flags: number) => {
      calls.push({ dir, len, flags });
      return orig(dev, dir, buf, len, flags);
    };
    return calls;
  }

  it('rings a channel doorbell per queued TRE and completes chains on the EOT event', () => {
    const h = harness({ ringSize: 8 });
    const f = h.open();
    const calls = spy(h);
    const dev = f.udev.mhiDev;
    expect(h.value(f.write(pattern(3 * 4064 + 10)))).toBe(3 * 4064 + 10);
    expect(calls.filter((c) => c.dir === 'UL').map((c) => [c.len, c.flags])).toEqual([
      [4064, MHI_CHAIN],
      [4064, MHI_CHAIN],
      [4064, MHI_CHAIN],
      [10, MHI_EOT],
    ]);
    // one UL completion event for the whole chain, one DL event per echoed buffer
    expect(h.ctrl.eventsProcessed).toBe(1 + 4);
    expect(dev.ul.doorbells).toBe(4);
    expect(dev.ul.ring.empty).toBe(true);
    expect(f.udev.dl.pending.map((b) => b.len)).toEqual([4064, 4064, 4064, 10]);
  });

  it('defers doorbells in M3 until M0, and a doorbell in M1 wakes the device to M0', () => {
    const h = harness();
    const f = h.open();
    h.value(h.ctrl.moveTo('M3'));
    const w = f.write(pattern(100));
    h.settle();
    expect(w.result).toBe(100);
    expect(f.udev.dl.pending.length).toBe(0);
    expect(f.udev.mhiDev.ul.doorbellOwed).toBe(true);
    h.value(h.ctrl.moveTo('M0'));
    expect(f.udev.dl.pending.map((b) => b.len)).toEqual([100]);
    h.ctrl.setState('M1');
    h.value(f.write(pattern(50)));
    expect(h.ctrl.state).toBe('M0');
    expect(f.udev.dl.pending.map((b) => b.len)).toEqual([100, 50]);
  });

  it('stalls the device when the event ring is full until the event doorbell frees space', () => {
    // MTU 132: 100-byte inbound buffers, so one write makes 40 DL completions in a burst
    const h = harness({ ringSize: 64, mtu: 132 }, { 'mhi.eventRingElements': 4 });
    const f = h.open();
    const data = pattern(40 * 100);
    expect(h.value(f.write(data))).toBe(4000);
    expect(h.ctrl.events.fullStalls).toBeGreaterThan(0);
    expect(f.udev.unreadBytes).toBe(4000);
    expect(Buffer.compare(Buffer.concat(f.udev.unreadData()), Buffer.from(data))).toBe(0);
  });
});

describe('MhiController snapshot', () => {
  it('describes state, rings and counters as plain data', () => {
    const h = harness({ ringSize: 8 });
    const f = h.open();
    h.value(f.write(pattern(100)));
    const s = h.ctrl.snapshot();
    expect(s).toMatchObject({ name: 'mhi0', state: 'M0', device: 'LOOPBACK', ul: { channel: 0, state: 'RUNNING', free: 7 }, dl: { channel: 1, free: 1 } }); // one DL buffer is with the reader
    expect(s.linkMBps).toBeCloseTo(((8 * 128) / 130 / 8) * (256 / 280) * 1000, 0);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('every state transition', () => {
  /** A legal path from RESET (after power-up the controller is in M0) to each state. */
  const pathTo: Record<MhiState, MhiState[]> = {
    RESET: ['RESET'],
    READY: ['RESET', 'READY'],
    M0: [],
    M1: ['M1'],
    M2: ['M1', 'M2'],
    M3: ['M3'],
    SYS_ERR: ['SYS_ERR'],
  };
  for (const from of MHI_STATES) {
    for (const to of MHI_STATES) {
      const legal = isLegalTransition(from, to);
      it(`${from} → ${to} is ${legal ? 'allowed' : 'refused with -EINVAL'}`, () => {
        const h = harness();
        for (const s of pathTo[from]) expect(h.ctrl.setState(s)).toBe(0);
        expect(h.ctrl.state).toBe(from);
        const before = h.sim.trace.count;
        expect(h.ctrl.setState(to)).toBe(legal ? 0 : -EINVAL);
        expect(h.ctrl.state).toBe(legal ? to : from);
        expect(h.sim.trace.count).toBe(before + (legal ? 1 : 0));
      });
    }
  }
});

describe('work still in flight across a reset is dropped', () => {
  /** A controller in M0 with a client that records its completions (no UCI), channels started. */
  function started(overrides: ParamValues = {}) {
    const sim = new Simulation({ seed: 1, params: resolveParams(overrides) });
    const t = mhiTiming(sim.params);
    const ctrl = new MhiController(sim, { name: 'mhi0', pcieGen: 3, pcieWidth: 1, ringSize: 8 }, t);
    const done: { dir: Direction; len: number; status: number }[] = [];
    ctrl.registerDriver({
      probe: () => 0,
      remove: (_dev, finish) => finish(),
      ulXferCb: (_dev, r) => done.push({ dir: 'UL', len: r.bytesXferd, status: r.status }),
      dlXferCb: (_dev, r) => done.push({ dir: 'DL', len: r.bytesXferd, status: r.status }),
    });
    ctrl.powerUp();
    sim.runUntil(Infinity);
    const dev = ctrl.device!;
    const start = ctrl.prepareForTransfer(dev);
    sim.runUntil(Infinity);
    expect(start.result).toBe(0);
    return { sim, t, ctrl, dev, done, settle: () => sim.runUntil(Infinity) };
  }
  const buf = (n: number): MhiBuf => ({ data: pattern(n), len: n });

  it('a channel doorbell crossing the link when its channel is reset never reaches the device', () => {
    const h = started();
    expect(h.ctrl.queueBuf(h.dev, 'DL', buf(100), 100, MHI_EOT)).toBe(0);
    h.ctrl.unprepareFromTransfer(h.dev);
    h.settle();
    expect(h.dev.dl.dbWp).toBe(0);
    expect(h.dev.dl.doorbells).toBe(1);
    expect(h.done).toEqual([{ dir: 'DL', len: 0, status: -ENOTCONN }]);
  });

  it('an event write crossing the link when the controller resets does not land (no MSI)', () => {
    const h = started();
    h.ctrl.postEvent(h.dev.dl, 0, 100);
    const reset = h.ctrl.reset();
    h.settle();
    expect(reset.result).toBe(0);
    expect(h.ctrl.irqs).toBe(0);
    expect(h.ctrl.events.landed).toEqual([]);
    expect(h.ctrl.eventsProcessed).toBe(0);
  });

  it('an event doorbell crossing the link when the controller resets does not reach the new event ring', () => {
    const h = started();
    expect(h.ctrl.queueBuf(h.dev, 'DL', buf(100), 100, MHI_EOT)).toBe(0);
    h.ctrl.postEvent(h.dev.dl, 0, 100);
    // The event lands, its MSI runs the handler, which finds no more and rings the event doorbell.
    h.sim.runUntil(h.sim.now + h.t.postedLatencyNs + h.t.irqEntryNs + h.t.eventNs);
    expect(h.ctrl.eventsProcessed).toBe(1);
    expect(h.ctrl.events.deviceSeenRp).toBe(0);
    h.ctrl.reset();
    h.settle();
    expect(h.ctrl.events.deviceSeenRp).toBe(0);
  });

  it('an event of a channel reset since it was written is stale: it completes no buffer queued after the reset', () => {
    // Channel commands take no time here, so the channel is reset, started and refilled while
    // the old event is still crossing the link (mhi_mark_stale_events in the kernel).
    const h = started({ 'mhi.host.commandNs': 0 });
    expect(h.ctrl.queueBuf(h.dev, 'DL', buf(100), 100, MHI_EOT)).toBe(0);
    h.ctrl.postEvent(h.dev.dl, 0, 100);
    h.ctrl.unprepareFromTransfer(h.dev);
    const start = h.ctrl.prepareForTransfer(h.dev);
    h.sim.runUntil(h.sim.now);
    expect(start.result).toBe(0);
    expect(h.ctrl.queueBuf(h.dev, 'DL', buf(200), 200, MHI_EOT)).toBe(0);
    h.sim.runUntil(h.sim.now + h.t.postedLatencyNs + h.t.irqEntryNs + h.t.eventNs);
    expect(h.ctrl.eventsProcessed).toBe(1);
    expect(h.done).toEqual([{ dir: 'DL', len: 0, status: -ENOTCONN }]);
    expect(h.dev.dl.ring.free).toBe(6);
  });
});
