import { EventGroup, Priority, type Component, type Simulation } from '../core';
import type { MhiChannel } from './channel';
import { Completion } from './completion';
import { MhiDevice } from './device';
import { EINVAL, EIO, ENOMEM, ENOTCONN } from './errno';
import { EventRing, type MhiEvent } from './event-ring';
import { LoopbackEngine } from './loopback-engine';
import type { MhiTiming } from './params';
import { linkBytesPerNs } from './pcie';
import { isLegalTransition, type MhiState } from './state';
import type { Direction, MhiBuf, MhiClientDriver, MhiResult } from './types';
import type { DevicesMhiRing } from '../../../src-common/bridge/areas/devices';

export type MhiRingSnapshot = DevicesMhiRing;

export interface MhiControllerSnapshot {
  name: string;
  state: MhiState;
  /** Data bandwidth per direction, MB/s (10^6 bytes). */
  linkMBps: number;
  device: string | null;
  ul: MhiRingSnapshot | null;
  dl: MhiRingSnapshot | null;
  irqs: number;
  events: number;
  eventRingFullStalls: number;
}

export interface MhiControllerConfig {
  name: string;
  pcieGen: number;
  pcieWidth: number;
  ringSize: number;
  /** The LOOPBACK MTU for this controller (workspace `mtu`); else the UCI match table's 0x1000. */
  mtu?: number;
}

/**
 * An MHI controller: the host's view of one PCIe MHI device — its state (RESET, READY,
 * M0–M3, SYS_ERR), the LOOPBACK mhi_device with its channel pair, the shared event ring, the
 * doorbells, the MSI handler that processes events, and the device's loopback firmware.
 * Host-side calls mirror the MHI core API the UCI seed uses (mhi_prepare_for_transfer,
 * mhi_queue_buf, mhi_get_no_free_descriptors, mhi_unprepare_from_transfer).
 */
export class MhiController implements Component {
  state: MhiState = 'RESET';
  readonly bytesPerNs: number;
  readonly events: EventRing;
  device: MhiDevice | null = null;
  engine: LoopbackEngine | null = null;
  private driver: MhiClientDriver | null = null;
  /** Event writes and event doorbells crossing the link; a controller reset cancels them with the ring. */
  private readonly eventRingWrites: EventGroup;
  private irqRunning = false;
  private eventsSinceDoorbell = 0;
  /** Guards against overlapping asynchronous transitions (reset, power-up). */
  private transitioning = false;
  /** The host's error state (pm_state in error): set once SYS_ERR handling removed the clients. */
  private pmError = false;
  irqs = 0;
  eventsProcessed = 0;

  constructor(
    readonly sim: Simulation,
    readonly config: MhiControllerConfig,
    readonly t: MhiTiming,
  ) {
    this.bytesPerNs = linkBytesPerNs(config.pcieGen, config.pcieWidth, t.maxPayloadBytes, t.tlpOverheadBytes);
    this.events = new EventRing(t.eventRingElements);
    this.eventRingWrites = new EventGroup(sim);
  }

  get name(): string {
    return this.config.name;
  }

  /** Plain data for views and reports: state, ring pointers, counters. */
  snapshot(): MhiControllerSnapshot {
    const dev = this.device;
    const ring = (dir: Direction) => {
      if (!dev) return null;
      const ch = dir === 'UL' ? dev.ul : dev.dl;
      return { channel: ch.id, state: ch.state, rp: ch.ring.rp, wp: ch.ring.wp, free: ch.ring.free, doorbells: ch.doorbells };
    };
    return {
      name: this.name,
      state: this.state,
      linkMBps: Math.round(this.bytesPerNs * 1000 * 10) / 10,
      device: dev ? dev.name : null,
      ul: ring('UL'),
      dl: ring('DL'),
      irqs: this.irqs,
      events: this.eventsProcessed,
      eventRingFullStalls: this.events.fullStalls,
    };
  }

  private log(text: string): void {
    this.sim.printk(`mhi ${this.name}: ${text}`);
  }

  /** Registers the client driver for LOOPBACK (mhi_driver_register); probes an existing device. */
  registerDriver(driver: MhiClientDriver): void {
    this.driver = driver;
    if (this.device && !this.device.driver) this.bind(this.device);
  }

  /**
   * A legal state change, taking effect now (the timed sequences below use it). Returns 0, or
   * -EINVAL for a transition the MHI state machine does not have.
   */
  setState(to: MhiState): number {
    if (!isLegalTransition(this.state, to)) return -EINVAL;
    const from = this.state;
    this.state = to;
    this.sim.trace.emit(this.sim.now, 'mhi.state', { ctrl: this.name, from, to });
    if (to === 'M0') this.onM0();
    return 0;
  }

  /** A timed transition (MHICTRL write + state-change event). Resolves 0 or -errno. */
  moveTo(to: MhiState): Completion<number> {
    const done = new Completion<number>();
    if (!isLegalTransition(this.state, to) || this.transitioning) {
      done.resolve(-EINVAL);
      return done;
    }
    const from = this.state;
    this.transitioning = true;
    this.sim.after(this.t.transitionNs, Priority.HARDWARE, () => {
      this.transitioning = false;
      done.resolve(this.state === from ? this.setState(to) : -EIO);
    }, 'mhi.transition');
    return done;
  }

  /** Power-up from RESET: READY after the device initialises, then M0; the device is created and probed. */
  powerUp(): Completion<number> {
    const done = new Completion<number>();
    if (this.state !== 'RESET' || this.transitioning) {
      done.resolve(-EINVAL);
      return done;
    }
    this.transitioning = true;
    this.sim.after(this.t.resetNs, Priority.HARDWARE, () => {
      this.transitioning = false;
      if (this.state !== 'RESET') return done.resolve(-EIO);
      this.setState('READY');
      this.log('Device in READY State');
      this.moveTo('M0').whenDone((r) => {
        if (r === 0) this.log('Device in M0 State');
        done.resolve(r);
      });
    }, 'mhi.power-up');
    return done;
  }

  /** Host reset (MHI_RESET) from any state but RESET; the device is torn down first. */
  reset(): Completion<number> {
    const done = new Completion<number>();
    if (!isLegalTransition(this.state, 'RESET') || this.transitioning) {
      done.resolve(-EINVAL);
      return done;
    }
    this.teardown(() => {
      this.setState('RESET');
      this.pmError = false;
      this.events.reset();
      this.eventRingWrites.cancelAll();
      this.log('Device reset');
      done.resolve(0);
    });
    return done;
  }

  /** reset → READY → M0, then the device is probed again and its node can be reopened. */
  recover(): Completion<number> {
    const done = new Completion<number>();
    this.reset().whenDone((r) => (r !== 0 ? done.resolve(r) : this.powerUp().whenDone((p) => done.resolve(p))));
    return done;
  }

  /**
   * The device raises SYS_ERR (a firmware fault): its engines stop at once. After the host
   * notices, it processes the completions already in the event ring (nothing the device
   * echoed is dropped by the host), removes the client devices, and only then enters its
   * error state in which mhi_queue_buf fails — so a reader in the middle of a copy still
   * re-queues its buffer and gets its bytes, and every later call sees -ENODEV.
   */
  sysErr(): number {
    const r = this.setState('SYS_ERR');
    if (r !== 0) return r;
    this.sim.after(this.t.sysErrDetectNs, Priority.INTERRUPT, () => {
      this.log('System error detected');
      this.drainEvents();
      this.teardown(() => {
        if (this.state === 'SYS_ERR') this.pmError = true;
      });
    }, 'mhi.syserr');
    return 0;
  }

  /** Hot removal of the LOOPBACK device (driver unbind): client remove, then channel reset. */
  removeDevice(): Completion<number> {
    const done = new Completion<number>();
    if (!this.device) done.resolve(-EINVAL);
    else this.teardown(() => done.resolve(0));
    return done;
  }

  /** Re-creates and probes the LOOPBACK device (bus rescan); needs M0. */
  rescan(): number {
    if (this.state !== 'M0') return -EIO;
    if (!this.device) this.onM0();
    return 0;
  }

  private onM0(): void {
    if (!this.device) {
      const dev = new MhiDevice(this, 'LOOPBACK', 0, this.config.ringSize);
      this.device = dev;
      this.engine = new LoopbackEngine(this.sim, this, dev, this.t, this.bytesPerNs);
      if (this.driver) this.bind(dev);
    }
    for (const ch of [this.device.ul, this.device.dl]) if (ch.doorbellOwed) this.ringDoorbell(ch);
    this.engine!.kick();
  }

  private bind(dev: MhiDevice): void {
    dev.driver = this.driver;
    if (this.driver!.probe(dev) !== 0) dev.driver = null;
  }

  /** mhi_driver_remove: stop the channels, client remove, then reset channels (buffers → -ENOTCONN). */
  private teardown(then: () => void): void {
    const dev = this.device;
    if (!dev) return then();
    this.device = null;
    dev.removed = true;
    for (const ch of [dev.ul, dev.dl]) if (ch.state === 'RUNNING') ch.state = 'STOPPED';
    const finish = () => {
      this.resetChannels(dev);
      this.engine = null;
      then();
    };
    if (dev.driver) dev.driver.remove(dev, finish);
    else finish();
  }

  private resetChannels(dev: MhiDevice): void {
    this.engine?.flush();
    for (const ch of [dev.ul, dev.dl]) {
      const cb = ch.dir === 'UL' ? 'ulXferCb' : 'dlXferCb';
      this.events.markStale(ch);
      for (const tre of ch.reset()) dev.driver?.[cb](dev, { buf: tre.buf, bytesXferd: 0, status: -ENOTCONN });
    }
  }

  // ---- host API used by the client driver -------------------------------------------------

  /** mhi_prepare_for_transfer: START both channels (a command round trip). Resolves 0 or -errno. */
  prepareForTransfer(dev: MhiDevice): Completion<number> {
    const done = new Completion<number>();
    if (dev.removed || this.state !== 'M0') {
      done.resolve(-EIO);
      return done;
    }
    if (dev.ul.state !== 'DISABLED' || dev.dl.state !== 'DISABLED') {
      done.resolve(-EINVAL);
      return done;
    }
    this.sim.after(this.t.commandNs, Priority.HARDWARE, () => {
      if (dev.removed || this.state !== 'M0') return done.resolve(-EIO);
      dev.ul.state = dev.dl.state = 'RUNNING';
      done.resolve(0);
    }, 'mhi.chan-start');
    return done;
  }

  /** mhi_unprepare_from_transfer: reset both channels; queued buffers come back with -ENOTCONN. */
  unprepareFromTransfer(dev: MhiDevice): void {
    if (!dev.removed) this.resetChannels(dev);
  }

  /** mhi_get_no_free_descriptors. */
  freeDescriptors(dev: MhiDevice, dir: Direction): number {
    return (dir === 'UL' ? dev.ul : dev.dl).ring.free;
  }

  /**
   * mhi_queue_buf: write a TRE at WP and ring the channel doorbell. -EIO in the host's error
   * state, in RESET or on a channel not started; -ENOMEM when the ring is full.
   */
  queueBuf(dev: MhiDevice, dir: Direction, buf: MhiBuf, len: number, flags: number): number {
    if (this.pmError || this.state === 'RESET') return -EIO;
    const ch = dir === 'UL' ? dev.ul : dev.dl;
    if (ch.state === 'DISABLED') return -EIO;
    if (ch.ring.full) return -ENOMEM;
    ch.ring.push({ buf, len, flags });
    if (ch.state !== 'RUNNING') return 0;
    if (this.state === 'M0') this.ringDoorbell(ch);
    else {
      ch.doorbellOwed = true;
      // A doorbell in M1/M2 makes the host assert device wake: back to M0.
      if (this.state === 'M1' || this.state === 'M2') this.moveTo('M0');
    }
    return 0;
  }

  /** Channel doorbell: a posted MMIO write of the new WP, seen by the device after the link latency. */
  private ringDoorbell(ch: MhiChannel): void {
    ch.doorbellOwed = false;
    ch.doorbells++;
    const wp = ch.ring.wp;
    ch.doorbellsInFlight.after(this.t.postedLatencyNs, Priority.HARDWARE, () => {
      ch.dbWp = wp;
      this.engine?.kick();
    }, 'mhi.chan-db');
  }

  // ---- device → host: events and interrupts --------------------------------------------------

  /** Device side: write a completion event (posted), then raise the MSI. */
  postEvent(chan: MhiChannel, slot: number, len: number): void {
    const ev: MhiEvent = { chan, slot, len, stale: false };
    if (this.events.claim(ev)) this.writeEvent(ev);
  }

  private writeEvent(ev: MhiEvent): void {
    this.events.writing.add(ev);
    this.eventRingWrites.after(this.t.postedLatencyNs, Priority.HARDWARE, () => {
      this.events.writing.delete(ev);
      this.events.landed.push(ev);
      this.msi();
    }, 'mhi.event');
  }

  /** The MSI: start the event-ring handler unless it is already running (it will see the new event). */
  private msi(): void {
    if (this.irqRunning) return;
    this.irqRunning = true;
    this.irqs++;
    this.sim.after(this.t.irqEntryNs, Priority.INTERRUPT, () => this.processNextEvent(), 'mhi.irq');
  }

  private processNextEvent(): void {
    const ev = this.events.landed.shift();
    if (!ev) {
      this.irqRunning = false;
      if (this.eventsSinceDoorbell > 0) this.ringEventDoorbell();
      return;
    }
    this.handleEvent(ev);
    this.sim.after(this.t.eventNs, Priority.INTERRUPT, () => this.processNextEvent(), 'mhi.event-proc');
  }

  /** SYS_ERR handling: process every event already in host memory, at once. */
  private drainEvents(): void {
    for (let ev = this.events.landed.shift(); ev; ev = this.events.landed.shift()) this.handleEvent(ev);
  }

  /** Event doorbell: tells the device how far the host has read, freeing event-ring space. */
  private ringEventDoorbell(): void {
    this.eventsSinceDoorbell = 0;
    const rp = this.events.hostRp;
    this.eventRingWrites.after(this.t.postedLatencyNs, Priority.HARDWARE, () => {
      const ring = this.events;
      if (rp <= ring.deviceSeenRp) return;
      ring.deviceSeenRp = rp;
      while (ring.backlog.length > 0 && !ring.deviceSeesFull) {
        ring.claimed++;
        this.writeEvent(ring.backlog.shift()!);
      }
      this.engine?.kick();
    }, 'mhi.ev-db');
  }

  /** parse_xfer_event: an EOT on UL completes every TRE up to its slot; on DL, the one buffer. */
  private handleEvent(ev: MhiEvent): void {
    this.events.hostRp++;
    this.eventsSinceDoorbell++;
    this.eventsProcessed++;
    const ch = ev.chan;
    if (ev.stale || ch.ring.empty) return;
    this.sim.trace.emit(this.sim.now, 'mhi.event', { ctrl: this.name, ch: ch.id, slot: ev.slot, len: ev.len });
    const owner = ch.owner;
    if (!owner) return;
    const driver = owner.driver;
    if (ch.dir === 'UL') {
      for (;;) {
        const at = ch.ring.rp;
        const tre = ch.ring.shift();
        const r: MhiResult = { buf: tre.buf, bytesXferd: tre.len, status: 0 };
        driver?.ulXferCb(owner, r);
        if (at === ev.slot || ch.ring.empty) break;
      }
    } else {
      const tre = ch.ring.shift();
      driver?.dlXferCb(owner, { buf: tre.buf, bytesXferd: ev.len, status: 0 });
    }
  }
}
