/**
 * RunView — the renderer's state of runs (one per bridge): the toolbar's choices, and per
 * workspace the run shown with it — progress, the latest per-CPU state, the kernel log as
 * produced, the chart series, the time/CPU the user jumped to. A run belongs to its workspace:
 * opening another workspace shows that workspace's own last run (the one this window saw, else
 * the newest stored one) or none, while a run still executing elsewhere keeps streaming into its
 * own workspace's slot (`elsewhere` names it for the toolbar). Components read the getters;
 * actions call the `runs` bridge area. Stored runs opened in the Runs tab live here too, so the
 * Charts tab can replay them. `dispose()` releases the bridge subscriptions.
 */
import type { BridgeClient } from '../../src-common/bridge/client';
import type { OpenedRun, RunCounters, RunLiveUpdate, RunProgress } from '../../src-common/bridge/areas/runs';
import { topologyKey } from '../../src-common/workspace/topology-key';
import type { WorkspaceStore } from '../lib/workspace-store.svelte';
import { appendCapped, type LogLine } from './log-filter';
import { cpusOfTasks, overlayOf, type Overlay } from './overlay';
import { chartOf, pointOf, SeriesBuffer, type ChartData } from './series';
import { cpusAt, markersOf, waitingAt, type Marker, type Replay } from './replay';

/** Kernel-log lines kept per workspace: the Console windows them (LogList), so a 20 h log is read whole. */
const MAX_LOG = 500_000;

export interface Barriers {
  beforeSet: boolean;
  afterClear: boolean;
}

/** What a workspace shows of its run; replaced whole on every change ($state.raw). */
interface Slot {
  progress: RunProgress | null;
  cpus: { state: string[]; busy: number[] } | null;
  counters: RunCounters | null;
  log: LogLine[];
  chart: ChartData;
  waiting: ReadonlyMap<number, string>;
  /** The CPU of each task the lockup reports named (lock holders are named by task). */
  taskCpu: ReadonlyMap<string, number>;
  focus: { t: number; cpu: number | null } | null;
  /** The topology the run ran on (topologyKey), null when unknown (a run re-attached after a reload). */
  topology: string | null;
  /** From the store (the newest stored run), not seen live in this window. */
  stored: boolean;
  /** What the timeline scrubber replays: per-CPU changes, lockups, lost IPIs (grown by live updates). */
  replay: Replay | null;
}

const EMPTY: Slot = { progress: null, cpus: null, counters: null, log: [], chart: chartOf([]), waiting: new Map(), taskCpu: new Map(), focus: null, topology: null, stored: false, replay: null };

function emptyReplay(): Replay {
  return { timeline: { tNs: [], cpu: [], state: [], busy: [], task: [], tasks: [] }, lockups: [], losses: [], endNs: 0, truncatedAtNs: null };
}

const isActive = (p: RunProgress | null | undefined) => p?.state === 'running' || p?.state === 'paused';

export class RunView {
  // Toolbar choices.
  barriers = $state<Barriers>({ beforeSet: true, afterClear: true });
  duration = $state('2h');
  seed = $state(1);
  /** Simulated seconds per wall second; null = as fast as possible. */
  speed = $state<number | null>(null);
  /** Run until: '' (the duration), a condition name or a simulated time (src-common/parse/until.ts). */
  until = $state('');

  // Replaced whole, never mutated in place ($state.raw), so a plain Map is right here.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #slots = $state.raw<ReadonlyMap<number, Slot>>(new Map());
  /** The run executing on the host (one at a time), wherever it belongs. */
  #live = $state.raw<RunProgress | null>(null);
  /** The workspace whose run is being built (runs.start not yet answered), and whether Stop was asked for it. */
  #building = $state.raw<{ workspaceId: number; stopAsked: boolean } | null>(null);
  #error = $state<string | null>(null);
  #opened = $state.raw<OpenedRun | null>(null);
  /** The workspace open when that run was opened: runs are listed per workspace. */
  #openedIn = $state<number | null>(null);
  #finishedCount = $state(0);
  /** The scrubbed time of the shown run (null: its latest state), and which run that time is of. */
  #scrub = $state.raw<{ runId: number; tNs: number } | null>(null);
  /** The lost IPI whose interleaving is open (index into the shown replay's losses). */
  #interleaving = $state.raw<{ runId: number; loss: number } | null>(null);
  // Bookkeeping, not shown: plain (non-reactive) collections on purpose.
  /* eslint-disable svelte/prefer-svelte-reactivity */
  #series = new Map<number, SeriesBuffer>();
  /** Runs started or seen live, by id → the workspace they belong to. */
  #runWorkspace = new Map<number, number>();
  /** Workspaces whose stored last run was asked for (once each). */
  #asked = new Set<number>();
  /** The topology of a run whose first progress has not arrived yet. */
  #pendingTopology = new Map<number, string>();
  /* eslint-enable svelte/prefer-svelte-reactivity */
  #seq = 0;
  #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly bridge: BridgeClient,
    private readonly store: WorkspaceStore,
  ) {
    this.#unsubscribe.push(
      bridge.on('onRunProgress', (p) => this.#onProgress(p)),
      bridge.on('onRunUpdate', (u) => this.#onUpdate(u)),
    );
    // A reloaded window re-attaches to a run still going.
    void bridge
      .call('runs.active')
      .then((p) => p && this.#onProgress(p))
      .catch(() => {});
  }

  /** Releases the bridge subscriptions (the view stops following runs). */
  dispose(): void {
    for (const off of this.#unsubscribe.splice(0)) off?.();
  }

  get #slot(): Slot {
    const id = this.store.id;
    return (id !== null && this.#slots.get(id)) || EMPTY;
  }

  /** The open workspace (runs are of it). */
  get workspaceId() {
    return this.store.id;
  }
  /** The open document's kernel variant (the toolbar's toggles start from it). */
  get workspaceBarriers(): Barriers | null {
    return this.store.current?.kernel.barriers ?? null;
  }
  /** Progress of the open workspace's run (live, or the last one). */
  get progress() {
    return this.#slot.progress;
  }
  /** A run is executing on the host (in this workspace or another): no second one may start. */
  get active() {
    return isActive(this.#live);
  }
  /** The open workspace's run is executing. */
  get activeHere() {
    return isActive(this.#live) && this.#live?.workspaceId === this.store.id;
  }
  /** Stop applies: the open workspace's run executes, or is still being built. */
  get canStop() {
    return this.activeHere || (this.#building !== null && this.#building.workspaceId === this.store.id && !this.#building.stopAsked);
  }
  /** The run executing in another workspace: its progress and that workspace's name. */
  get elsewhere(): { progress: RunProgress; name: string } | null {
    const p = this.#live;
    if (!isActive(p) || !p || p.workspaceId === this.store.id) return null;
    return { progress: p, name: this.store.list.find((w) => w.id === p.workspaceId)?.name ?? `workspace #${p.workspaceId}` };
  }
  get cpus() {
    return this.#slot.cpus;
  }
  get counters() {
    return this.#slot.counters;
  }
  get log() {
    return this.#slot.log;
  }
  get chart() {
    return this.#slot.chart;
  }
  /** Whether the shown results are a stored run's (not seen live in this window). */
  get fromStore() {
    return this.#slot.stored;
  }
  get error() {
    return this.#error;
  }
  get focus() {
    return this.#slot.focus;
  }
  /** The stored run shown instead of the live one; null once another workspace is open (it is not one of its runs). */
  get opened() {
    return this.#openedIn === this.store.id ? this.#opened : null;
  }
  /** Bumps when a run ends (the Runs tab refreshes its list). */
  get finishedCount() {
    return this.#finishedCount;
  }
  get overlay(): Overlay | null {
    const at = this.scrubbedCpus;
    if (at) return overlayOf(at, waitingAt(this.replay!.replay, this.scrubNs!, at.state), cpusOfTasks(at.task, this.replay!.replay.lockups));
    const o = this.opened;
    if (o && o.timeline.tNs.length) {
      const r = replayOfOpened(o);
      const end = cpusAt(r, r.endNs);
      return overlayOf(end, waitingAt(r, r.endNs, end.state), cpusOfTasks(end.task, r.lockups));
    }
    const s = this.#slot;
    return s.cpus ? overlayOf(s.cpus, s.waiting, s.taskCpu) : null;
  }

  /** The run the scrubber replays: a stored run opened from Runs, else the open workspace's run. */
  get replay(): { runId: number; replay: Replay; markers: Marker[] } | null {
    const o = this.opened;
    if (o) return o.timeline.tNs.length ? { runId: o.run.id, replay: replayOfOpened(o), markers: markersOf(replayOfOpened(o)) } : null;
    const s = this.#slot;
    if (!s.replay || !s.progress || s.replay.timeline.tNs.length === 0) return null;
    return { runId: s.progress.runId, replay: s.replay, markers: markersOf(s.replay) };
  }
  /** The scrubbed simulated time (ns) of the replayed run, or null (its latest state). */
  get scrubNs(): number | null {
    const r = this.replay;
    return r && this.#scrub?.runId === r.runId ? this.#scrub.tNs : null;
  }
  /** Every CPU at the scrubbed time, or null when not scrubbed. */
  get scrubbedCpus() {
    const r = this.replay;
    const t = this.scrubNs;
    return r && t !== null ? cpusAt(r.replay, t) : null;
  }
  /** Moves the replay to `tNs` (clamped to the run); null returns to its latest state. */
  scrubTo(tNs: number | null): void {
    const r = this.replay;
    if (!r) return;
    this.#scrub = tNs === null ? null : { runId: r.runId, tNs: Math.max(0, Math.min(r.replay.endNs, Math.round(tNs))) };
  }
  /** The lost IPI whose interleaving is shown, or null. */
  get interleaving() {
    const r = this.replay;
    const i = this.#interleaving;
    if (!r || !i || i.runId !== r.runId) return null;
    const loss = r.replay.losses[i.loss];
    return loss ? { index: i.loss, of: r.replay.losses.length, loss } : null;
  }
  /**
   * Find by task name: the CPU running (or spinning in) the task named `query` — exactly
   * (`worker:19560`), by comm (`ksmd`, `CPU 52/KVM`) or pid — at the scrubbed time, else at the
   * shown run's latest; null when no run is shown or no CPU runs it.
   */
  findTask = (query: string): { cpu: number; task: string } | null => {
    const r = this.replay;
    if (!r) return null;
    const q = query.trim().toLowerCase();
    const tasks = cpusAt(r.replay, this.scrubNs ?? r.replay.endNs).task;
    const hit = (name: string) => {
      const n = name.toLowerCase();
      const i = n.lastIndexOf(':');
      return n === q || n.slice(0, i) === q || n.slice(i + 1) === q;
    };
    const cpu = tasks.findIndex((name) => name !== null && hit(name));
    return cpu < 0 ? null : { cpu, task: tasks[cpu]! };
  };

  openInterleaving(loss: number | null): void {
    const r = this.replay;
    this.#interleaving = r && loss !== null ? { runId: r.runId, loss } : null;
  }
  /**
   * Whether the overlay shows the topology it ran on: 'current', or 'previous' once an edit
   * changed the host or the pins (the overlay is dimmed and says so); null without results.
   */
  get overlayTopology(): 'current' | 'previous' | null {
    const s = this.#slot;
    if (!s.cpus) return null;
    const cur = this.store.current;
    return s.topology === null || !cur || s.topology === topologyKey(cur) ? 'current' : 'previous';
  }
  /** There are results to clear (not while the run executes). */
  get hasResults() {
    const s = this.#slot;
    return (s.progress !== null || s.cpus !== null) && !this.activeHere;
  }

  /** Drops the open workspace's shown results (the stored run stays in Runs). */
  clearResults(): void {
    const id = this.store.id;
    if (id === null || this.activeHere) return;
    this.#put(id, { ...EMPTY });
    this.#series.delete(id);
    this.#asked.add(id);
  }

  /**
   * Called when a workspace is shown: without a run seen in this window, it shows its newest
   * stored run (figures, log, charts; the overlay only with the final CPU states it stored).
   */
  async showLastRun(workspaceId: number | null): Promise<void> {
    if (workspaceId === null || this.#slots.has(workspaceId) || this.#asked.has(workspaceId)) return;
    this.#asked.add(workspaceId);
    try {
      const [last] = await this.bridge.call('runs.list', { workspaceId, limit: 1 });
      if (!last || this.#slots.has(workspaceId) || last.status === 'running') return;
      const run = await this.bridge.call('runs.open', { runId: last.id });
      if (this.#slots.has(workspaceId)) return;
      this.#put(workspaceId, slotOfStored(run, workspaceId, ++this.#seq));
      this.#seq += run.log.length;
    } catch {
      // Nothing shown is better than a wrong run; the Runs tab still lists them.
    }
  }

  async start(): Promise<void> {
    this.#error = null;
    const id = this.store.id;
    const doc = this.store.current;
    if (id === null || !doc) {
      this.#error = 'Open a workspace first.';
      return;
    }
    this.#building = { workspaceId: id, stopAsked: false };
    try {
      await this.store.flush();
      const { runId } = await this.bridge.call('runs.start', {
        workspaceId: id,
        doc,
        barriers: { ...this.barriers },
        duration: this.duration.trim(),
        seed: this.seed,
        speed: this.speed,
        ...(this.until.trim() ? { until: this.until.trim() } : {}),
      });
      this.#runWorkspace.set(runId, id);
      const slot = this.#slots.get(id);
      if (slot?.progress?.runId === runId) this.#put(id, { ...slot, topology: topologyKey(doc) });
      else this.#pendingTopology.set(runId, topologyKey(doc));
    } catch (e) {
      // Stopped while it was being built: what the user asked for, not an error.
      if (!this.#building?.stopAsked) this.#error = (e as Error).message;
    } finally {
      this.#building = null;
    }
  }
  pause = () => this.#control('runs.pause');
  resume = () => this.#control('runs.resume');
  stop = async () => {
    const b = this.#building;
    if (b && !this.activeHere && b.workspaceId === this.store.id) {
      this.#building = { ...b, stopAsked: true };
      await this.bridge.call('runs.stop', { workspaceId: b.workspaceId }).catch((e: Error) => {
        // Built meanwhile: stop the run it became.
        if (e.name === 'NotFoundError') return this.#control('runs.stop');
        this.#error = e.message;
      });
      return;
    }
    await this.#control('runs.stop');
  };

  async setSpeed(speed: number | null): Promise<void> {
    this.speed = speed;
    const p = this.#live;
    if (p && isActive(p)) await this.bridge.call('runs.setSpeed', { runId: p.runId, speed }).catch((e: Error) => (this.#error = e.message));
  }

  /** A console line was picked: the charts mark the time, the drawing selects the CPU. */
  jumpTo(t: number, cpu: number | null): void {
    const id = this.store.id;
    if (id !== null) this.#put(id, { ...this.#slot, focus: { t, cpu } });
  }

  /** Shows a stored run in the Console and Charts tabs (null: back to the live run). */
  async openStored(runId: number | null): Promise<void> {
    if (runId === null) {
      this.#opened = null;
      return;
    }
    try {
      const workspaceId = this.store.id;
      this.#opened = await this.bridge.call('runs.open', { runId });
      this.#openedIn = workspaceId;
    } catch (e) {
      this.#error = (e as Error).message;
    }
  }

  async #control(method: 'runs.pause' | 'runs.resume' | 'runs.stop'): Promise<void> {
    const p = this.#live;
    if (!p) return;
    try {
      await this.bridge.call(method, { runId: p.runId });
    } catch (e) {
      // The run ended between the click and the call: nothing to control any more.
      if ((e as Error).name === 'NotFoundError') return;
      this.#error = (e as Error).message;
    }
  }

  #put(workspaceId: number, slot: Slot): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a fresh copy, then assigned whole
    const next = new Map(this.#slots);
    next.set(workspaceId, slot);
    this.#slots = next;
  }

  #onProgress(p: RunProgress): void {
    const id = p.workspaceId;
    this.#runWorkspace.set(p.runId, id);
    this.#live = p;
    let slot = this.#slots.get(id);
    if (!slot || slot.progress?.runId !== p.runId) {
      // A new run of this workspace: its figures start empty.
      slot = { ...EMPTY, topology: this.#pendingTopology.get(p.runId) ?? null };
      this.#pendingTopology.delete(p.runId);
      this.#series.set(id, new SeriesBuffer());
      if (this.#openedIn === id) this.#opened = null;
      if (id === this.store.id) this.#error = null;
    }
    this.#put(id, { ...slot, progress: p });
    if (p.error && id === this.store.id) this.#error = `Run ${p.runId} ${p.state}: ${p.error}`;
    if (p.state === 'finished' || p.state === 'failed' || p.state === 'cancelled' || p.state === 'stopped-at') this.#finishedCount++;
  }

  #onUpdate(u: RunLiveUpdate): void {
    const id = this.#runWorkspace.get(u.runId);
    const slot = id === undefined ? undefined : this.#slots.get(id);
    if (id === undefined || !slot || slot.progress?.runId !== u.runId) return;
    const log = u.newLog.length ? appendCapped(slot.log, u.newLog.map((l) => ({ seq: this.#seq++, t: l.t, text: l.text })), MAX_LOG) : slot.log;
    // What each CPU waits on, as the detectors report it; kept while the CPU still spins.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a fresh copy, then assigned whole
    const waiting = new Map(slot.waiting);
    for (const l of u.newLockups) if (l.kind !== 'hung_task') waiting.set(l.cpu, l.waitingOn);
    for (const cpu of [...waiting.keys()]) if (u.cpus.state[cpu] !== 'spinning') waiting.delete(cpu);
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a fresh copy, then assigned whole
    const taskCpu = u.newLockups.length ? new Map([...slot.taskCpu, ...cpusOfTasks(undefined, u.newLockups)]) : slot.taskCpu;
    let series = this.#series.get(id);
    if (!series) this.#series.set(id, (series = new SeriesBuffer()));
    // The run's own grid samples (what the stored run keeps), then this update's point.
    for (const s of u.samples ?? []) series.push({ t: s.t, busy: s.busy, ipisSent: s.ipisSent, lostIpis: s.lostIpis, exits: s.exits });
    series.push(pointOf(u));
    this.#put(id, { ...slot, cpus: u.cpus, counters: u.counters, log, waiting, taskCpu, chart: series.chart(), replay: grown(slot.replay, u) });
  }
}

/** A stored run as a workspace's shown run: its progress as it ended, figures, log, charts, final CPU states. */
function slotOfStored(r: OpenedRun, workspaceId: number, seq0: number): Slot {
  const run = r.run;
  const state = run.status === 'interrupted' ? 'failed' : run.status === 'running' ? 'finished' : run.status;
  const cpus = r.cpus.length ? { state: r.cpus.map((c) => c.state), busy: r.cpus.map((c) => c.busy) } : null;
  const last = r.samples.at(-1);
  return {
    progress: { runId: run.id, workspaceId, state, simNs: run.simulatedNs, durationNs: run.durationNs ?? run.simulatedNs, wallSeconds: 0, etaSeconds: null, speed: null, ...(run.stoppedAt ? { stoppedAt: run.stoppedAt } : {}) },
    cpus,
    counters: { broadcasts: 0, ipisSent: last?.ipisSent ?? 0, lostIpis: run.lostIpis ?? last?.lostIpis ?? 0, lockups: run.lockups ?? last?.lockups ?? 0, logLines: r.log.length },
    log: r.log.slice(-MAX_LOG).map((l, i) => ({ seq: seq0 + i, t: l.t, text: l.text })),
    chart: chartOf(r.samples),
    waiting: new Map(r.lockups.filter((l) => l.kind !== 'hung_task').map((l) => [l.cpu, l.waitingOn])),
    taskCpu: cpusOfTasks(undefined, r.lockups),
    focus: null,
    topology: r.topologyKey,
    stored: true,
    replay: r.timeline.tNs.length ? replayOfOpened(r) : null,
  };
}

/** The replay of a stored run (made once per opened run). */
const replays = new WeakMap<OpenedRun, Replay>();
function replayOfOpened(o: OpenedRun): Replay {
  let r = replays.get(o);
  if (!r) replays.set(o, (r = { timeline: o.timeline, lockups: o.lockups, losses: o.losses, endNs: o.run.simulatedNs, truncatedAtNs: o.timeline.truncatedAtNs }));
  return r;
}

/** The live run's replay with one more update: its arrays grow in place, the wrapper is new (so views update). */
function grown(prev: Replay | null, u: RunLiveUpdate): Replay {
  const r = prev ?? emptyReplay();
  const tl = r.timeline;
  const add = u.timeline;
  if (add) {
    for (let i = 0; i < add.tNs.length; i++) {
      tl.tNs.push(add.tNs[i]);
      tl.cpu.push(add.cpu[i]);
      tl.state.push(add.state[i]);
      tl.busy.push(add.busy[i]);
      tl.task.push(add.task[i]);
    }
    tl.tasks.push(...add.tasks);
  }
  return { ...r, lockups: u.newLockups.length ? [...r.lockups, ...u.newLockups] : r.lockups, losses: u.newLosses?.length ? [...r.losses, ...u.newLosses] : r.losses, endNs: u.simNs };
}

let shared: RunView | null = null;

/** The one RunView of this window (the toolbar, the drawing and the tabs share it). */
export function provideRunView(bridge: BridgeClient, store: WorkspaceStore): RunView {
  shared ??= new RunView(bridge, store);
  return shared;
}
