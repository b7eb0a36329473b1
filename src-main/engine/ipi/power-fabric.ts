/**
 * The IPI fabric of the POWER9 host (docs/models/ipi.md): implements the IpiFabric contract
 * (fabric.ts) with the handshake of handshake.ts run in time under the memory model
 * (episode.ts), the host kernel's queues and stuck tasks (power9/host-kernel.ts), rescues, and
 * the lockup detectors (detectors.ts).
 *
 * Which handshakes run in detail (docs/architecture.md §3.4). A handshake can only go wrong when
 * IPIs to one target in the guest come close together: a single one cannot be lost (the explorer
 * finds no losing outcome with one sender, in any variant), and a target in the host runs
 * doorbell_exception whatever host_ipi says. So, per CPU in the guest, from the rates of every
 * kind of IPI and kick reaching it:
 *  - `fast`: pairs arriving within `window` of each other are drawn as a Poisson process of
 *    rate (A² − C² − K²)·window (A: all arrivals, C: CALL_FUNCTIONs of either kind, K: kicks) —
 *    two CALL_FUNCTIONs share the call_single_queue and its fully ordered llist_del_all, which
 *    the explorer proves cannot lose in any variant, and two kicks carry no message. The pair's
 *    target is in the host with its residency share (nothing to lose); a pair the explorer
 *    proves safe in this variant (the generated table of pair-verdicts.ts) needs no run;
 *    otherwise both run as one timed episode. Every other IPI is counted from its rate.
 *  - `detailed`: every IPI and kick to a CPU in the guest is an event; each group closer than
 *    `window` runs as one episode, whatever its kinds. Used to validate `fast`.
 * `window` is computed, not chosen: long enough for two whole handshakes and a store stalled 40
 * mean stalls (e^-40 of stalls last longer), so widening it only costs time.
 *
 * What a loss does is the kernel's: a stranded csd keeps the target's call_single_queue
 * non-empty, so every later smp_call_function_many to it queues behind and its caller spins in
 * csd_lock_wait holding its path's locks (the HostKernel runs those paths as discrete events while
 * anything is stuck); a stranded wakeup keeps the task on the wake_list. A later IPI that gets
 * through — a host IPI of another kind, or any doorbell while the vCPU thread is in the host —
 * runs the demux and drains it all.
 */
import { EventGroup, Priority, type Rng } from '../core';
import type { DeliveryListener, FabricContext, FabricFactory, IpiFabric, IpiKind, IpiStats, IpiStream, IpiTraffic, Lockup, LostIpi, PathSource } from './fabric';
import { LockupDetectors } from './detectors';
import { opDelays } from './calibration';
import { runEpisode, type EpisodeSender, type EpisodeTiming } from './episode';
import { recordEpisode } from './episode-record';
import type { SenderKind } from './handshake';
import type { MachineEvent } from '../memory-model';
import { pairCanLose } from './pair-verdicts';
import type { Task } from '../power9/tasks';
import { callTrace } from '../power9/call-trace';

/** The kinds arriving at a CPU, in a fixed order for deterministic draws. */
const KINDS = ['CALL_FUNCTION', 'CALL_FUNCTION_SINGLE', 'RESCHEDULE', 'RESCHEDULE_WAKE', 'KICK'] as const satisfies readonly SenderKind[];
type Kind = (typeof KINDS)[number];

const STREAM_KIND: Record<IpiStream['kind'], Kind> = {
  reschedule: 'RESCHEDULE',
  reschedule_wake: 'RESCHEDULE_WAKE',
  call_function_single: 'CALL_FUNCTION_SINGLE',
  vcpu_kick: 'KICK',
};

/** How a kind is reported (a ttwu_queue_remote RESCHEDULE is a RESCHEDULE). */
const REPORTED: Record<Kind, string> = { CALL_FUNCTION: 'CALL_FUNCTION', CALL_FUNCTION_SINGLE: 'CALL_FUNCTION_SINGLE', RESCHEDULE: 'RESCHEDULE', RESCHEDULE_WAKE: 'RESCHEDULE', KICK: 'KICK' };

const cfLike = (k: Kind) => k === 'CALL_FUNCTION' || k === 'CALL_FUNCTION_SINGLE';

/**
 * The interaction window: one whole handshake (a sender's syncs, the doorbell, the guest exit,
 * the handlers, the entry) and a store stalled 40 mean stalls. Two IPIs farther apart than this
 * find the first handshake finished, with nothing of it still pending, when the second starts.
 */
export function interactionWindow(t: EpisodeTiming, stallNs: number): number {
  const c = t.costs;
  const one = t.deliveryNs + c.guest_exit + 2 * (c.csd_work + c.ttwu_work) + c.host_tail + c.guest_entry + 6 * t.syncNs;
  return Math.ceil(one + 40 * stallNs);
}

export function episodeTiming(p: FabricContext['sim']['params']): EpisodeTiming {
  return {
    stepNs: p.get('ipi.step_ns'),
    syncNs: p.get('ipi.sync_ns'),
    lwsyncNs: p.get('ipi.lwsync_ns'),
    deliveryNs: p.get('ipi.delivery_ns'),
    costs: { guest_exit: p.get('ipi.guest_exit_ns'), reenter: p.get('ipi.reenter_ns'), csd_work: p.get('ipi.csd_func_ns'), ttwu_work: p.get('ipi.ttwu_ns'), host_tail: p.get('ipi.host_tail_ns'), guest_entry: p.get('ipi.guest_entry_ns') },
    delays: opDelays({
      stepNs: p.get('ipi.step_ns'),
      syncNs: p.get('ipi.sync_ns'),
      lwsyncNs: p.get('ipi.lwsync_ns'),
      storeNs: p.get('ipi.store_visible_ns'),
      stallFraction: p.get('ipi.store_stall_fraction'),
      stallNs: p.get('ipi.store_stall_ns'),
      loadNs: p.get('ipi.load_ns'),
    }),
  };
}

/** Per CPU: the rate of each kind arriving (per ns) and who sends it. */
interface Arrivals {
  rate: Float64Array[];
  /** Broadcast paths that include the CPU, and the RESCHEDULE_WAKE streams to it (for the lost one's sender). */
  paths: PathSource[][];
  wakes: IpiStream[][];
}

export class PowerIpiFabric implements IpiFabric {
  readonly name = 'ipi';
  private readonly timing: EpisodeTiming;
  readonly window: number;
  private readonly detailed: boolean;
  private readonly rngEpisode: Rng;
  private readonly rngDraw: Rng;
  /** Only for naming the CPUs of an episode's other senders when it lost something (a stream of its own: no other draw moves). */
  private readonly rngNames: Rng;
  readonly detectors: LockupDetectors;
  private readonly listeners: DeliveryListener[] = [];

  private traffic: IpiTraffic = { streams: [], paths: [], residency: [] };
  private arrivals: Arrivals;
  private hostShare: Float64Array;
  /** Fast mode: per CPU, the rate of candidate pairs (per ns), and their sum. */
  private pairRate: Float64Array;
  private pairTotal = 0;
  /** Everything drawn from the current traffic, cancelled when it changes. */
  private readonly drawn: EventGroup;
  private trafficSince = 0;

  // Accounting (floats from rates; rounded when reported).
  private sentIpis = 0;
  private broadcastCount = 0;
  private readonly lost: LostIpi[] = [];
  episodes = 0;

  /** Detailed mode: recent arrivals per CPU ({t, kind}), waiting for their group to close. */
  private readonly group = new Map<number, { t: number; kind: Kind }[]>();

  constructor(private readonly ctx: FabricContext) {
    const p = ctx.sim.params;
    this.timing = episodeTiming(p);
    this.window = interactionWindow(this.timing, p.get('ipi.store_stall_ns'));
    this.detailed = p.get('ipi.fidelity') === 'detailed';
    this.rngEpisode = ctx.sim.rng('ipi.episode');
    this.rngDraw = ctx.sim.rng('ipi.draw');
    this.rngNames = ctx.sim.rng('ipi.episode.senders');
    this.detectors = new LockupDetectors(ctx.sim, ctx.cpus, ctx.sim.rng('ipi.detectors'));
    this.detectors.traceOf = (task) => {
      const run = ctx.kernel.runOf(task);
      return run ? callTrace(task, run) : null;
    };
    this.drawn = new EventGroup(ctx.sim);
    const n = ctx.cpus.count;
    this.arrivals = emptyArrivals(n);
    this.hostShare = new Float64Array(n);
    this.pairRate = new Float64Array(n);
    ctx.kernel.listen({
      stuck: (task, run) => {
        const st = task.state;
        if (st.kind === 'spinning') this.detectors.spinStart(st.cpu, task);
        else if (st.kind === 'blocked') this.detectors.block(task, run.cpu);
        this.ctx.sim.trace.emit(this.ctx.sim.now, st.kind === 'spinning' ? 'task.spin' : 'task.block', { task: task.label, path: run.path.name, on: describeState(task) });
      },
      resumed: (task, run, was) => {
        if (was.kind === 'blocked') this.detectors.unblock(task);
        if (was.kind === 'spinning') this.detectors.spinEnd(was.cpu);
        this.ctx.sim.trace.emit(this.ctx.sim.now, 'task.resume', { task: task.label, path: run.path.name });
      },
      queue: (cpu, which, lost) => this.ctx.sim.trace.emit(this.ctx.sim.now, lost ? 'ipi.queue_lost' : 'ipi.rescued', { cpu, queue: which }),
    });
  }

  // ---- traffic ------------------------------------------------------------------------------

  setTraffic(traffic: IpiTraffic): void {
    this.flush();
    this.traffic = traffic;
    this.drawn.cancelAll();
    // A group still open belongs to the old rates; its arrivals are gone with them.
    this.group.clear();
    this.index();
    if (this.detailed) this.scheduleDetailed();
    else this.scheduleNextPair();
    this.scheduleRescues();
    this.schedulePathAttempts();
  }

  /** Arrival rates per CPU and kind, residency, and the fast mode's pair rates. */
  private index(): void {
    const n = this.ctx.cpus.count;
    const a = (this.arrivals = emptyArrivals(n));
    const perNs = (r: number) => r / 1e9;
    for (const s of this.traffic.streams) {
      const k = STREAM_KIND[s.kind];
      a.rate[KINDS.indexOf(k)][s.to] += perNs(s.ratePerSec);
      if (k === 'RESCHEDULE_WAKE') a.wakes[s.to].push(s);
    }
    const cf = a.rate[0];
    for (const p of this.traffic.paths) {
      if (!p.targets) continue;
      for (const t of p.targets) {
        if (t === p.cpu) continue;
        cf[t] += perNs(p.ratePerSec);
        a.paths[t].push(p);
      }
    }
    this.hostShare = new Float64Array(n);
    for (const r of this.traffic.residency) this.hostShare[r.cpu] = Math.min(1, r.hostShare);
    this.pairTotal = 0;
    this.pairRate = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      if (!this.inGuest(t)) continue;
      let all = 0;
      for (let k = 0; k < KINDS.length; k++) all += a.rate[k][t];
      const c = a.rate[0][t] + a.rate[1][t];
      const kick = a.rate[4][t];
      const r = (all * all - c * c - kick * kick) * this.window;
      this.pairRate[t] = r;
      this.pairTotal += r;
    }
  }

  private inGuest(cpu: number): boolean {
    return this.ctx.cpus.get(cpu).kind === 'guest';
  }

  private rateOf(k: Kind, cpu: number): number {
    return this.arrivals.rate[KINDS.indexOf(k)][cpu];
  }

  // ---- fast mode: pairs --------------------------------------------------------------------

  private scheduleNextPair(): void {
    if (this.pairTotal <= 0) return;
    this.drawn.after(Math.max(1, this.rngDraw.exp(1 / this.pairTotal)), Priority.INTERRUPT, () => {
      this.pair();
      this.scheduleNextPair();
    }, 'ipi.pair');
  }

  private pair(): void {
    const t = pick(this.pairRate, this.pairTotal, this.rngDraw);
    // The two kinds, in arrival order, in proportion to rate × rate, except two CALL_FUNCTIONs (the explorer
    // proves they never race) or two kicks (the POWER machine's exhaustive search does: explore-ipi.test.ts).
    let first: Kind;
    let second: Kind;
    for (;;) {
      first = this.pickKind(t);
      second = this.pickKind(t);
      if (!(cfLike(first) && cfLike(second)) && !(first === 'KICK' && second === 'KICK')) break;
    }
    if (this.rngDraw.chance(this.hostShare[t])) return; // its vCPU thread is in the host: doorbells are handled there
    if (!pairCanLose(this.ctx.barriers, first, second)) return;
    this.episode(t, [
      { kind: first, at: 0 },
      { kind: second, at: this.rngDraw.float() * this.window },
    ]);
  }

  private pickKind(t: number): Kind {
    let total = 0;
    for (let k = 0; k < KINDS.length; k++) total += this.arrivals.rate[k][t];
    let x = this.rngDraw.float() * total;
    for (let k = 0; k < KINDS.length; k++) {
      x -= this.arrivals.rate[k][t];
      if (x < 0) return KINDS[k];
    }
    return KINDS[KINDS.length - 1];
  }

  // ---- detailed mode: every arrival to a CPU in the guest -------------------------------------

  private scheduleDetailed(): void {
    for (let t = 0; t < this.ctx.cpus.count; t++) {
      if (!this.inGuest(t)) continue;
      for (const k of KINDS) if (this.rateOf(k, t) > 0) this.scheduleArrival(t, k);
    }
  }

  private scheduleArrival(t: number, k: Kind): void {
    this.drawn.after(Math.max(1, this.rngDraw.exp(1 / this.rateOf(k, t))), Priority.INTERRUPT, () => {
      this.arrive(t, k);
      this.scheduleArrival(t, k);
    }, 'ipi.arrival');
  }

  private arrive(t: number, k: Kind): void {
    const now = this.ctx.sim.now;
    let g = this.group.get(t);
    if (!g) {
      this.group.set(t, (g = []));
      // The group closes `window` after its last arrival.
      this.closeLater(t);
    }
    g.push({ t: now, kind: k });
  }

  private closeLater(t: number): void {
    const check = () => {
      const g = this.group.get(t);
      if (!g) return;
      const last = g[g.length - 1].t;
      if (this.ctx.sim.now < last + this.window) {
        this.drawn.at(last + this.window, Priority.INTERRUPT, check, 'ipi.group');
        return;
      }
      this.group.delete(t);
      // One arrival, or kicks alone, strand nothing in any variant (the POWER machine's exhaustive search, explore-ipi.test.ts).
      if (g.length < 2 || g.every((x) => x.kind === 'KICK')) return;
      if (this.rngDraw.chance(this.hostShare[t])) return;
      this.episode(
        t,
        g.map((x) => ({ kind: x.kind, at: x.t - g[0].t })),
      );
    };
    this.drawn.after(this.window, Priority.INTERRUPT, check, 'ipi.group');
  }

  // ---- one episode and what it strands --------------------------------------------------------

  private episode(t: number, senders: EpisodeSender[]): void {
    this.episodes++;
    // Every operation in performed order, kept only if the episode strands something (episode-record.ts).
    const events: MachineEvent[] = [];
    const r = runEpisode(this.ctx.barriers, senders, this.timing, this.rngEpisode, (e) => events.push(e));
    this.ctx.sim.trace.emit(this.ctx.sim.now, 'ipi.episode', { cpu: t, kinds: senders.map((s) => s.kind).join(','), stuck: r.stuck.join(',') });
    const cpus: (number | null)[] = senders.map(() => null);
    const losses: LostIpi[] = [];
    for (const i of r.stuck) {
      const kind = senders[i].kind as Kind;
      const partners = senders.filter((_, j) => j !== i).map((s) => REPORTED[s.kind as Kind]);
      const lost = this.strand(t, kind, partners);
      if (!lost) continue;
      losses.push(lost);
      if (lost.senderCpu !== undefined) cpus[i] = lost.senderCpu;
    }
    if (losses.length === 0) return;
    const names = senders.map((s, i) => String(cpus[i] ?? this.senderCpuOf(t, s.kind as Kind) ?? 'X'));
    const rec = recordEpisode(this.ctx.barriers, t, senders.map((s, i) => ({ cpu: names[i], kind: s.kind, atNs: Math.round(s.at) })), r.stuck, events, r.storage);
    for (const l of losses) l.episode = rec;
  }

  /** A CPU that sends `kind` to `t` at this placement, in proportion to its rate (null: none known). */
  private senderCpuOf(t: number, kind: Kind): number | null {
    if (kind === 'CALL_FUNCTION') return pickBy(this.arrivals.paths[t], (p) => p.ratePerSec, this.rngNames)?.cpu ?? null;
    const want = Object.entries(STREAM_KIND).find(([, k]) => k === kind)?.[0];
    return pickBy(this.traffic.streams.filter((s) => s.to === t && s.kind === want), (s) => s.ratePerSec, this.rngNames)?.from ?? null;
  }

  private strand(t: number, kind: Kind, partners: string[]): LostIpi | undefined {
    const k = this.ctx.kernel;
    let sender: string | undefined;
    let senderCpu: number | undefined;
    if (kind === 'CALL_FUNCTION') {
      // The broadcast this IPI belonged to: a path through t that could have run just now.
      const cands = this.arrivals.paths[t].filter((p) => p.task.state.kind === 'active' && !k.wouldStick({ ...p.path, steps: p.path.steps.filter((s) => s.op === 'lock') }, p.cpu));
      const p = pickBy(cands, (x) => x.ratePerSec, this.rngDraw);
      if (!p) return; // every sender that could have sent it is stuck already: this broadcast did not happen
      sender = p.task.label;
      senderCpu = p.cpu;
      this.broadcastCount++;
      k.run(p.task, p.path, p.cpu, () => k.loseCallFunction(t));
    } else if (kind === 'CALL_FUNCTION_SINGLE') {
      k.loseCallFunction(t);
    } else if (kind === 'RESCHEDULE_WAKE') {
      const s = pickBy(this.arrivals.wakes[t], (x) => x.ratePerSec, this.rngDraw);
      sender = s?.wakee?.label;
      senderCpu = s?.from;
      k.loseWakeup(t, s?.wakee ?? null);
    } else return;
    const lost: LostIpi = { t: this.ctx.sim.now / 1e9, cpu: t, kind: REPORTED[kind], partners, ...(sender ? { sender } : {}), ...(senderCpu !== undefined ? { senderCpu } : {}) };
    this.lost.push(lost);
    this.ctx.sim.trace.emit(this.ctx.sim.now, 'ipi.lost', { cpu: t, kind: lost.kind, partners: partners.join(','), sender: sender ?? '' });
    this.scheduleRescues();
    return lost;
  }

  // ---- rescue ---------------------------------------------------------------------------------

  /**
   * The rate of IPIs that get through to `t` while its queue or wake_list is stranded: host IPIs
   * that still send (a CALL_FUNCTION queues behind a stranded csd and sends nothing; a wakeup
   * behind a stranded wake_list likewise), and any doorbell — kicks included — while the vCPU
   * thread is in the host, or always once the CPU no longer runs the guest.
   */
  private rescueRate(t: number): number {
    const k = this.ctx.kernel;
    const csdLost = k.isLost(t);
    const wakeLost = k.isWakeListStuck(t);
    let r = this.rateOf('RESCHEDULE', t);
    if (!wakeLost) r += this.rateOf('RESCHEDULE_WAKE', t);
    if (!csdLost) r += this.rateOf('CALL_FUNCTION', t) + this.rateOf('CALL_FUNCTION_SINGLE', t);
    r += this.rateOf('KICK', t) * (this.inGuest(t) ? this.hostShare[t] : 1);
    return r;
  }

  private scheduleRescues(): void {
    const k = this.ctx.kernel;
    for (let t = 0; t < this.ctx.cpus.count; t++) {
      if (!k.isLost(t) && !k.isWakeListStuck(t)) continue;
      const rate = this.rescueRate(t);
      if (rate <= 0) continue;
      this.drawn.after(Math.max(1, this.rngDraw.exp(1 / rate)), Priority.INTERRUPT, () => k.demux(t), 'ipi.rescue');
    }
  }

  // ---- paths that cannot run through while something is stuck ---------------------------------

  private schedulePathAttempts(): void {
    const k = this.ctx.kernel;
    if (k.quiet) return;
    for (const p of this.traffic.paths) {
      if (p.ratePerSec <= 0 || p.task.state.kind !== 'active' || !k.wouldStick(p.path, p.cpu)) continue;
      this.drawn.after(Math.max(1, this.rngDraw.exp(1e9 / p.ratePerSec)), Priority.DEFAULT, () => {
        if (p.task.state.kind !== 'active') return;
        if (p.targets) this.broadcastCount++;
        k.run(p.task, p.path, p.cpu);
      }, 'path.attempt');
    }
  }

  // ---- accounting ---------------------------------------------------------------------------

  onDelivered(listener: DeliveryListener): void {
    this.listeners.push(listener);
  }

  settle(): void {
    this.flush();
  }

  stats(): IpiStats {
    const { sent, broadcasts } = this.pendingCounts();
    const total = Math.round(this.sentIpis + sent);
    return { sent: total, delivered: total - this.lost.length, lost: this.lost.length, broadcasts: Math.round(this.broadcastCount + broadcasts) };
  }

  lockups(): Lockup[] {
    return [...this.detectors.lockups];
  }

  losses(): LostIpi[] {
    return [...this.lost];
  }

  snapshot() {
    return { lost: this.lost.length, episodes: this.episodes, window: this.window, stuck: this.ctx.kernel.stuckTasks().map((t) => t.label) };
  }

  /** Stream IPIs and broadcasts since the traffic was last set, from their rates. */
  private pendingCounts(): { sent: number; broadcasts: number } {
    const dt = Math.max(0, this.ctx.sim.now - this.trafficSince) / 1e9;
    let sent = 0;
    let broadcasts = 0;
    for (const s of this.traffic.streams) sent += s.ratePerSec * dt;
    for (const p of this.traffic.paths) {
      if (!p.targets || p.task.state.kind !== 'active') continue;
      broadcasts += p.ratePerSec * dt;
      sent += p.ratePerSec * p.targets.length * dt;
    }
    return { sent, broadcasts };
  }

  private flush(): void {
    const now = this.ctx.sim.now;
    const dt = (now - this.trafficSince) / 1e9;
    const { sent, broadcasts } = this.pendingCounts();
    this.trafficSince = now;
    if (dt <= 0) return;
    this.sentIpis += sent;
    this.broadcastCount += broadcasts;
    for (const l of this.listeners) {
      for (const s of this.traffic.streams) l(s.to, s.kind as IpiKind, s.ratePerSec * dt);
      for (const p of this.traffic.paths) if (p.targets && p.task.state.kind === 'active') for (const t of p.targets) if (t !== p.cpu) l(t, 'call_function', p.ratePerSec * dt);
    }
  }
}

function emptyArrivals(n: number): Arrivals {
  return {
    rate: KINDS.map(() => new Float64Array(n)),
    paths: Array.from({ length: n }, () => []),
    wakes: Array.from({ length: n }, () => []),
  };
}

function pick(weights: Float64Array, total: number, rng: Rng): number {
  let x = rng.float() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return 0;
}

function pickBy<T>(items: readonly T[], weight: (x: T) => number, rng: Rng): T | undefined {
  const total = items.reduce((a, x) => a + weight(x), 0);
  if (total <= 0) return undefined;
  let x = rng.float() * total;
  for (const it of items) {
    x -= weight(it);
    if (x < 0) return it;
  }
  return items[items.length - 1];
}

function describeState(task: Task): string {
  const st = task.state;
  if (st.kind !== 'spinning' && st.kind !== 'blocked') return st.kind;
  const on = st.on;
  switch (on.kind) {
    case 'csd':
      return `csd_lock_wait(cpu ${on.target})`;
    case 'spinlock':
      return `spinlock ${on.lock.name}`;
    case 'rwsem':
      return `${on.mode === 'write' ? 'down_write' : 'down_read'} ${on.lock.name}`;
    default:
      return on.kind;
  }
}

export const createPowerFabric: FabricFactory = (ctx) => new PowerIpiFabric(ctx);
