/**
 * The IPI fabric of the POWER9 host: implements the IpiFabric contract (fabric.ts) with the
 * host_ipi/doorbell handshake executed under the memory model (episode.ts), per-CPU
 * call_single_queues, csd locks, and the consequences of a lost IPI (detectors.ts).
 *
 * Fidelity (docs/architecture.md §3.4). A handshake can only go wrong when IPIs to one target overlap:
 * an isolated IPI cannot be lost (`twb explore ipi` with one sender finds no losing outcome in
 * any variant), and a target in the host runs doorbell_exception whatever host_ipi says. So:
 *  - `fast`: for each CALL_FUNCTION IPI to a CPU in a guest, the other host IPIs to that CPU
 *    within ±ipi.overlap_window_ns are sampled from the stream rates (Poisson); with none it is
 *    delivered, otherwise the whole group runs as one timed episode under the memory model.
 *    Isolated stream IPIs are accounted from their rates.
 *  - `detailed`: every stream IPI is generated as an event, and every IPI's handshake runs as
 *    an episode with whatever actually falls in its window. Used to validate `fast`.
 *
 * Rules of the kernel that make a loss permanent or not:
 *  - smp_call_function_many queues a csd on each target's call_single_queue and sends
 *    CALL_FUNCTION only if that queue was empty. Once a CALL_FUNCTION is lost, the queue stays
 *    non-empty: later broadcasts queue behind it and send nothing, and their senders wait too.
 *  - The message word stays set, so the next host IPI that does get through (host_ipi set, the
 *    target exits and demuxes) processes the queue: a rescue. vCPU kicks do not rescue: KVM
 *    kicks a running vCPU with a bare msgsnd (kvmppc_fast_vcpu_kick_hv → kvmppc_ipi_thread),
 *    without host_ipi, so the guest treats it as a wake.
 *  - Two CALL_FUNCTIONs to one target never race in the handshake: the second is only sent
 *    after the target emptied its queue (llist_del_all, a fully ordered atomic after its
 *    demux), so it starts after the first handshake is complete.
 */
import { Priority, type Rng } from '../core';
import type { DeliveryListener, FabricContext, FabricFactory, IpiFabric, IpiKind, IpiStats, IpiStream, IpiTraffic, LockDemand, Lockup } from './fabric';
import { LockupDetectors } from './detectors';
import { episodeTiming, runEpisode, type EpisodeSender, type EpisodeTiming } from './episode';
import type { Message, SenderKind } from './handshake';

interface Broadcast {
  from: number;
  heldLocks: readonly string[];
  onDone: () => void;
  /** Targets whose csd has not run yet. */
  pending: Set<number>;
}

/** The host IPIs among the background streams: everything but vCPU kicks (see above). */
export function isHostIpi(s: IpiStream): boolean {
  return s.kind !== 'vcpu_kick';
}

/** What a background IPI does at its target: a vCPU kick, or a host IPI with its message. */
const ARRIVALS = ['KICK', 'RESCHEDULE', 'CALL_FUNCTION'] as const satisfies readonly SenderKind[];
type Arrival = (typeof ARRIVALS)[number];
const arrivalOf = (s: IpiStream): Arrival => (!isHostIpi(s) ? 'KICK' : s.kind === 'reschedule' ? 'RESCHEDULE' : 'CALL_FUNCTION');

export class PowerIpiFabric implements IpiFabric {
  readonly name = 'ipi';
  private readonly timing: EpisodeTiming;
  private readonly window: number;
  private readonly detailed: boolean;
  private readonly rngOverlap: Rng;
  private readonly rngEpisode: Rng;
  private readonly rngLocks: Rng;
  private readonly detectors: LockupDetectors;
  private readonly listeners: DeliveryListener[] = [];

  private traffic: IpiTraffic = { streams: [], locks: [] };
  /** Stream rate to each CPU (per ns), by what arrives. */
  private readonly rate: Record<Arrival, Float64Array>;
  /** Per CPU: P(at least one other IPI within ±window) and that Poisson mean (cached per traffic). */
  private overlapP: Float64Array;
  private overlapMean: Float64Array;
  private trafficSince = 0;
  private trafficGen = 0;

  /** Targets whose CALL_FUNCTION was lost: the broadcasts waiting on each. */
  private readonly lostAt = new Map<number, Broadcast[]>();
  /** Senders stuck in csd_lock_wait. */
  private readonly stuck = new Map<number, Broadcast>();
  /** Locks held by stuck senders → holder CPU. */
  private readonly held = new Map<string, number>();
  /** CPUs spinning on a held lock → the lock. */
  private readonly lockSpinners = new Map<number, string>();
  /** Tasks asleep on a held lock: pid → lock. */
  private readonly sleepers = new Map<number, string>();

  /** Detailed mode: per target, stream arrivals drawn ahead ({t, kind}) and recent ones. */
  private readonly ahead = new Map<number, { t: number; kind: Arrival }[]>();
  private readonly recent = new Map<number, { t: number; kind: Arrival }[]>();

  private sentDiscrete = 0;
  private streamed = 0;
  private lost = 0;
  private broadcasts = 0;
  episodes = 0;
  lostCallFunction = 0;

  constructor(private readonly ctx: FabricContext) {
    const p = ctx.sim.params;
    this.timing = episodeTiming(p);
    this.window = p.get('ipi.overlap_window_ns');
    this.detailed = p.get('ipi.fidelity') === 'detailed';
    this.rngOverlap = ctx.sim.rng('ipi.overlap');
    this.rngEpisode = ctx.sim.rng('ipi.episode');
    this.rngLocks = ctx.sim.rng('ipi.locks');
    this.detectors = new LockupDetectors(ctx.sim, ctx.cpus, ctx.sim.rng('ipi.detectors'));
    this.rate = { KICK: new Float64Array(ctx.cpus.count), RESCHEDULE: new Float64Array(ctx.cpus.count), CALL_FUNCTION: new Float64Array(ctx.cpus.count) };
    this.overlapP = new Float64Array(ctx.cpus.count);
    this.overlapMean = new Float64Array(ctx.cpus.count);
  }

  // ---- traffic ------------------------------------------------------------------------------

  setTraffic(traffic: IpiTraffic): void {
    this.flushStreams();
    this.traffic = traffic;
    this.trafficGen++;
    for (const a of ARRIVALS) this.rate[a].fill(0);
    for (const s of traffic.streams) this.rate[arrivalOf(s)][s.to] += s.ratePerSec / 1e9;
    for (let t = 0; t < this.ctx.cpus.count; t++) {
      this.overlapMean[t] = this.totalRate(t) * 2 * this.window;
      this.overlapP[t] = 1 - Math.exp(-this.overlapMean[t]);
    }
    // Rates changed: redraw everything that was drawn from them (Poisson: memoryless, exact).
    for (const t of this.lostAt.keys()) this.scheduleRescue(t);
    this.scheduleLockAttempts();
    if (this.detailed) {
      this.ahead.clear();
      for (let t = 0; t < this.ctx.cpus.count; t++) if (this.totalRate(t) > 0) this.scheduleArrival(t);
    }
  }

  sendReschedule(from: number, to: number): void {
    this.sentDiscrete++;
    const lost = this.handshake(to, 'RESCHEDULE');
    if (lost) this.lost++;
    else this.deliver(to, 'reschedule', 1);
    void from;
  }

  callFunctionMany(from: number, targets: readonly number[], heldLocks: readonly string[], onDone: () => void): void {
    this.broadcasts++;
    const b: Broadcast = { from, heldLocks, onDone, pending: new Set() };
    for (const t of targets) {
      const waiting = this.lostAt.get(t);
      if (waiting) {
        // call_single_queue was not empty: queue the csd, send nothing.
        waiting.push(b);
        b.pending.add(t);
        continue;
      }
      this.sentDiscrete++;
      if (this.handshake(t, 'CALL_FUNCTION')) {
        this.lost++;
        this.lostCallFunction++;
        this.lostAt.set(t, [b]);
        b.pending.add(t);
        this.ctx.sim.trace.emit(this.ctx.sim.now, 'ipi.lost', { from, to: t, msg: 'CALL_FUNCTION' });
        this.scheduleRescue(t);
      } else this.deliver(t, 'call_function', 1);
    }
    if (b.pending.size === 0) {
      this.ctx.sim.after(this.timing.deliveryNs + this.ctx.sim.params.get('ipi.call_function_ns'), Priority.INTERRUPT, onDone, 'ipi.csd_done');
    } else this.stick(b);
  }

  onDelivered(listener: DeliveryListener): void {
    this.listeners.push(listener);
  }

  /** Pure: live updates call it at wall-clock moments, so it must not move the stream accounting. */
  stats(): IpiStats {
    const sent = this.sentDiscrete + Math.round(this.streamed + this.streamedSinceFlush());
    return { sent, delivered: sent - this.lost, lost: this.lost, broadcasts: this.broadcasts };
  }

  lockups(): Lockup[] {
    return [...this.detectors.lockups];
  }

  snapshot() {
    return { lost: this.lost, lostCallFunction: this.lostCallFunction, episodes: this.episodes, stuck: [...this.stuck.keys()], lostTargets: [...this.lostAt.keys()] };
  }

  // ---- the handshake ------------------------------------------------------------------------

  /** One IPI of `msg` to `to`, now; true if it was lost. */
  private handshake(to: number, msg: SenderKind): boolean {
    // In the host, doorbell_exception runs whatever host_ipi says: nothing can be lost.
    if (this.ctx.cpus.get(to).kind !== 'guest') return false;
    const others = this.detailed ? this.actualOverlaps(to) : this.sampledOverlaps(to);
    if (others.length === 0 && !this.detailed) return false;
    const senders: EpisodeSender[] = [{ msg, at: 0 }, ...others];
    this.episodes++;
    const r = runEpisode(this.ctx.barriers, senders, this.timing, this.rngEpisode);
    this.ctx.sim.trace.emit(this.ctx.sim.now, 'ipi.episode', { to, n: senders.length, lost: r.lost.join(',') });
    return r.lost.includes(0);
  }

  private totalRate(to: number): number {
    return this.rate.KICK[to] + this.rate.RESCHEDULE[to] + this.rate.CALL_FUNCTION[to];
  }

  private hostRate(to: number): number {
    return this.rate.RESCHEDULE[to] + this.rate.CALL_FUNCTION[to];
  }

  /** Which kind of stream IPI arrives, in proportion to the rates (`host`: host IPIs only). */
  private pick(to: number, host: boolean): Arrival {
    const kinds = host ? (['RESCHEDULE', 'CALL_FUNCTION'] as const) : ARRIVALS;
    let x = this.rngOverlap.float() * (host ? this.hostRate(to) : this.totalRate(to));
    for (const k of kinds) {
      x -= this.rate[k][to];
      if (x < 0) return k;
    }
    return kinds[kinds.length - 1];
  }

  /** Other IPIs and kicks to `to` within ±window, drawn from the stream rates. */
  private sampledOverlaps(to: number): EpisodeSender[] {
    // Usually none: one uniform draw decides, then the count given at least one.
    if (!(this.rngOverlap.float() < this.overlapP[to])) return [];
    const n = poissonAtLeastOne(this.rngOverlap, this.overlapMean[to]);
    const out: EpisodeSender[] = [];
    for (let i = 0; i < n; i++) out.push({ msg: this.pick(to, false), at: (this.rngOverlap.float() * 2 - 1) * this.window });
    return out;
  }

  // ---- detailed mode: every stream IPI as an event -------------------------------------------

  private draw(to: number, after: number): { t: number; kind: Arrival } {
    return { t: after + this.rngOverlap.exp(1 / this.totalRate(to)), kind: this.pick(to, false) };
  }

  private aheadUntil(to: number, until: number): { t: number; kind: Arrival }[] {
    let q = this.ahead.get(to);
    if (!q) this.ahead.set(to, (q = []));
    if (q.length === 0) q.push(this.draw(to, this.ctx.sim.now));
    while (q[q.length - 1].t <= until) q.push(this.draw(to, q[q.length - 1].t));
    return q;
  }

  private scheduleArrival(to: number): void {
    const gen = this.trafficGen;
    const q = this.aheadUntil(to, this.ctx.sim.now);
    this.ctx.sim.at(Math.ceil(q[0].t), Priority.INTERRUPT, () => {
      if (gen !== this.trafficGen) return;
      const a = this.ahead.get(to)!.shift()!;
      this.streamArrival(to, a.kind);
      const rec = this.recent.get(to) ?? [];
      rec.push(a);
      while (rec.length > 0 && rec[0].t < this.ctx.sim.now - 2 * this.window) rec.shift();
      this.recent.set(to, rec);
      this.scheduleArrival(to);
    }, 'ipi.stream');
  }

  /** Stream IPIs to `to` within ±window of now, except one arriving exactly now. */
  private actualOverlaps(to: number): EpisodeSender[] {
    const now = this.ctx.sim.now;
    const out: EpisodeSender[] = [];
    for (const a of this.recent.get(to) ?? []) if (a.t < now && a.t >= now - this.window) out.push({ msg: a.kind, at: a.t - now });
    if (this.totalRate(to) > 0)
      for (const a of this.aheadUntil(to, now + this.window)) if (a.t > now && a.t <= now + this.window) out.push({ msg: a.kind, at: a.t - now });
    return out;
  }

  private streamArrival(to: number, kind: Arrival): void {
    if (kind === 'KICK') {
      // A kick alone cannot lose anything, and cannot rescue (it does not set host_ipi).
      return;
    }
    this.sentDiscrete++;
    if (this.handshake(to, kind)) this.lost++;
    else if (this.lostAt.has(to)) this.rescue(to);
  }

  // ---- lost CALL_FUNCTION: stuck senders, rescue -----------------------------------------------

  private stick(b: Broadcast): void {
    const now = this.ctx.sim.now;
    this.stuck.set(b.from, b);
    for (const l of b.heldLocks) if (!this.held.has(l)) this.held.set(l, b.from);
    const on = `csd_lock_wait(cpu ${[...b.pending][0]})`;
    this.ctx.sim.trace.emit(now, 'ipi.csd_wait', { cpu: b.from, on, locks: b.heldLocks.join(',') });
    this.detectors.spinStart(b.from, on);
    this.ctx.cpus.spin(b.from, on, now);
    this.scheduleLockAttempts();
  }

  /** A host IPI got through to `to`: its demux sees the stale CALL_FUNCTION and runs the queue. */
  private rescue(to: number): void {
    const waiting = this.lostAt.get(to);
    if (!waiting) return;
    this.lostAt.delete(to);
    this.ctx.sim.trace.emit(this.ctx.sim.now, 'ipi.rescued', { to, waiting: waiting.length });
    for (const b of waiting) {
      b.pending.delete(to);
      if (b.pending.size === 0) this.unstick(b);
    }
  }

  private scheduleRescue(to: number): void {
    if (this.detailed) return; // the generated stream arrivals do it
    const rate = this.hostRate(to);
    if (rate <= 0) return;
    const gen = this.trafficGen;
    const msg = this.pick(to, true) as Message;
    this.ctx.sim.after(Math.max(1, this.rngOverlap.exp(1 / rate)), Priority.INTERRUPT, () => {
      if (gen !== this.trafficGen || !this.lostAt.has(to)) return;
      if (this.handshake(to, msg)) {
        this.lost++;
        this.scheduleRescue(to);
      } else this.rescue(to);
    }, 'ipi.rescue');
  }

  private unstick(b: Broadcast): void {
    if (this.stuck.get(b.from) !== b) return;
    this.stuck.delete(b.from);
    this.ctx.sim.trace.emit(this.ctx.sim.now, 'ipi.csd_done', { cpu: b.from });
    for (const [lock, holder] of [...this.held]) {
      if (holder !== b.from) continue;
      this.held.delete(lock);
      for (const [cpu, l] of [...this.lockSpinners]) {
        if (l !== lock) continue;
        this.lockSpinners.delete(cpu);
        this.detectors.spinEnd(cpu);
        this.ctx.cpus.release(cpu);
      }
      for (const [pid, l] of [...this.sleepers]) {
        if (l !== lock) continue;
        this.sleepers.delete(pid);
        this.detectors.unblock(pid);
      }
    }
    this.detectors.spinEnd(b.from);
    this.ctx.cpus.release(b.from);
    b.onDone();
  }

  // ---- lock waiters ---------------------------------------------------------------------------

  /** Each task that takes a held lock will try at its rate: then spins, or sleeps. */
  private scheduleLockAttempts(): void {
    if (this.held.size === 0) return;
    const gen = this.trafficGen;
    for (const d of this.traffic.locks) {
      const holder = this.held.get(d.lock);
      if (holder === undefined || holder === d.cpu || d.ratePerSec <= 0) continue;
      if (this.waiting(d)) continue;
      this.ctx.sim.after(Math.max(1, this.rngLocks.exp(1e9 / d.ratePerSec)), Priority.DEFAULT, () => {
        if (gen === this.trafficGen) this.attempt(d);
      }, 'lock.attempt');
    }
  }

  /** Is the task already stuck (spinning on its CPU, or asleep), or its CPU taken by a spinner? */
  private waiting(d: LockDemand): boolean {
    if (this.sleepers.has(d.task.pid)) return true;
    const st = this.ctx.cpus.get(d.cpu);
    if (st.kind !== 'spinning') return false;
    // A spinning CPU runs nothing else: a spinlock taker there is stuck; a sleeper's task is the spinner itself.
    return d.mode === 'spin' || st.task?.pid === d.task.pid;
  }

  private attempt(d: LockDemand): void {
    const holder = this.held.get(d.lock);
    if (holder === undefined || this.waiting(d)) return;
    const on = `${d.mode === 'spin' ? 'spinlock' : 'sleeping lock'} ${d.lock} held by CPU ${holder}`;
    this.ctx.sim.trace.emit(this.ctx.sim.now, 'lock.wait', { cpu: d.cpu, pid: d.task.pid, on });
    if (d.mode === 'spin') {
      this.lockSpinners.set(d.cpu, d.lock);
      this.detectors.spinStart(d.cpu, on);
      this.ctx.cpus.spin(d.cpu, on, this.ctx.sim.now);
    } else {
      this.sleepers.set(d.task.pid, d.lock);
      this.detectors.block(d.task, d.cpu, on);
    }
  }

  // ---- accounting -----------------------------------------------------------------------------

  private deliver(to: number, kind: IpiKind, count: number): void {
    for (const l of this.listeners) l(to, kind, count);
  }

  settle(): void {
    this.flushStreams();
  }

  /** Stream IPIs counted as sent since the last flush, without flushing. */
  private streamedSinceFlush(): number {
    const dtSec = Math.max(0, this.ctx.sim.now - this.trafficSince) / 1e9;
    let n = 0;
    for (const s of this.traffic.streams) if (!this.detailed || !isHostIpi(s)) n += s.ratePerSec * dtSec;
    return n;
  }

  /** Stream IPIs not simulated one by one are counted (and reported delivered) from their rates. */
  private flushStreams(): void {
    const now = this.ctx.sim.now;
    const dtSec = (now - this.trafficSince) / 1e9;
    this.trafficSince = now;
    if (dtSec <= 0) return;
    for (const s of this.traffic.streams) {
      const n = s.ratePerSec * dtSec;
      // In detailed mode host-IPI streams are generated one by one and counted as sent there.
      if (!this.detailed || !isHostIpi(s)) this.streamed += n;
      for (const l of this.listeners) l(s.to, s.kind, n);
    }
  }
}

/** Poisson variate conditioned on being ≥ 1 (inversion over the truncated distribution). */
function poissonAtLeastOne(rng: Rng, mean: number): number {
  const p0 = Math.exp(-mean);
  const u = p0 + rng.float() * (1 - p0);
  let k = 0;
  let p = p0;
  let cum = p;
  while (u > cum && k < 1000) {
    k++;
    p *= mean / k;
    cum += p;
  }
  return Math.max(1, k);
}

export const createPowerFabric: FabricFactory = (ctx) => new PowerIpiFabric(ctx);
