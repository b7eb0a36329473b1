/**
 * RunView — the renderer's state of the live run (one per bridge): the toolbar's choices,
 * progress, the latest per-CPU state, the kernel log as produced, the chart series, and the
 * time/CPU the user jumped to. Components read the getters; actions call the `runs` bridge
 * area. Stored runs opened in the Runs tab live here too, so the Charts tab can replay them.
 */
import type { BridgeClient } from '../../src-common/bridge/client';
import type { OpenedRun, RunCounters, RunLiveUpdate, RunProgress } from '../../src-common/bridge/areas/runs';
import type { WorkspaceStore } from '../lib/workspace-store.svelte';
import { appendCapped, type LogLine } from './log-filter';
import { overlayOf, type Overlay } from './overlay';
import { chartOf, pointOf, SeriesBuffer, type ChartData } from './series';

const MAX_LOG = 20_000;

export interface Barriers {
  beforeSet: boolean;
  afterClear: boolean;
}

export class RunView {
  // Toolbar choices.
  barriers = $state<Barriers>({ beforeSet: true, afterClear: true });
  duration = $state('2h');
  seed = $state(1);
  /** Simulated seconds per wall second; null = as fast as possible. */
  speed = $state<number | null>(null);

  #progress = $state.raw<RunProgress | null>(null);
  #cpus = $state.raw<{ state: string[]; busy: number[] } | null>(null);
  #counters = $state.raw<RunCounters | null>(null);
  #log = $state.raw<LogLine[]>([]);
  #chart = $state.raw<ChartData>(chartOf([]));
  // Replaced, never mutated in place ($state.raw), so a plain Map is right here.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #waiting = $state.raw<ReadonlyMap<number, string>>(new Map());
  #error = $state<string | null>(null);
  #focus = $state.raw<{ t: number; cpu: number | null } | null>(null);
  #opened = $state.raw<OpenedRun | null>(null);
  /** The workspace open when that run was opened: runs are listed per workspace. */
  #openedIn = $state<number | null>(null);
  #finishedCount = $state(0);
  #series = new SeriesBuffer();
  #seq = 0;

  constructor(
    private readonly bridge: BridgeClient,
    private readonly store: WorkspaceStore,
  ) {
    bridge.on('onRunProgress', (p) => this.#onProgress(p));
    bridge.on('onRunUpdate', (u) => this.#onUpdate(u));
    // A reloaded window re-attaches to a run still going.
    void bridge
      .call('runs.active')
      .then((p) => p && this.#onProgress(p))
      .catch(() => {});
  }

  /** The open workspace (runs are of it). */
  get workspaceId() {
    return this.store.id;
  }
  /** The open document's kernel variant (the toolbar's toggles start from it). */
  get workspaceBarriers(): Barriers | null {
    return this.store.current?.kernel.barriers ?? null;
  }
  get progress() {
    return this.#progress;
  }
  get active() {
    const s = this.#progress?.state;
    return s === 'running' || s === 'paused';
  }
  get cpus() {
    return this.#cpus;
  }
  get counters() {
    return this.#counters;
  }
  get log() {
    return this.#log;
  }
  get chart() {
    return this.#chart;
  }
  get error() {
    return this.#error;
  }
  get focus() {
    return this.#focus;
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
    return this.#cpus ? overlayOf(this.#cpus, this.#waiting) : null;
  }

  async start(): Promise<void> {
    this.#error = null;
    const id = this.store.id;
    if (id === null || !this.store.current) {
      this.#error = 'Open a workspace first.';
      return;
    }
    try {
      await this.store.flush();
      await this.bridge.call('runs.start', {
        workspaceId: id,
        doc: this.store.current,
        barriers: { ...this.barriers },
        duration: this.duration.trim(),
        seed: this.seed,
        speed: this.speed,
      });
    } catch (e) {
      this.#error = (e as Error).message;
    }
  }

  pause = () => this.#control('runs.pause');
  resume = () => this.#control('runs.resume');
  stop = () => this.#control('runs.stop');

  async setSpeed(speed: number | null): Promise<void> {
    this.speed = speed;
    const p = this.#progress;
    if (p && this.active) await this.bridge.call('runs.setSpeed', { runId: p.runId, speed }).catch((e: Error) => (this.#error = e.message));
  }

  /** A console line was picked: the charts mark the time, the drawing selects the CPU. */
  jumpTo(t: number, cpu: number | null): void {
    this.#focus = { t, cpu };
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
    const p = this.#progress;
    if (!p) return;
    try {
      await this.bridge.call(method, { runId: p.runId });
    } catch (e) {
      // The run ended between the click and the call: nothing to control any more.
      if ((e as Error).name === 'NotFoundError') return;
      this.#error = (e as Error).message;
    }
  }

  #onProgress(p: RunProgress): void {
    if (p.runId !== this.#progress?.runId) this.#reset();
    this.#progress = p;
    if (p.error) this.#error = `Run ${p.runId} ${p.state}: ${p.error}`;
    if (p.state === 'finished' || p.state === 'failed' || p.state === 'cancelled') this.#finishedCount++;
  }

  #onUpdate(u: RunLiveUpdate): void {
    if (u.runId !== this.#progress?.runId) return;
    this.#cpus = u.cpus;
    this.#counters = u.counters;
    if (u.newLog.length) this.#log = appendCapped(this.#log, u.newLog.map((l) => ({ seq: this.#seq++, t: l.t, text: l.text })), MAX_LOG);
    // What each CPU waits on, as the detectors report it; kept while the CPU still spins.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a fresh copy, then assigned whole
    const waiting = new Map(this.#waiting);
    for (const l of u.newLockups) if (l.kind !== 'hung_task') waiting.set(l.cpu, l.waitingOn);
    for (const cpu of [...waiting.keys()]) if (u.cpus.state[cpu] !== 'spinning') waiting.delete(cpu);
    this.#waiting = waiting;
    this.#series.push(pointOf(u));
    this.#chart = this.#series.chart();
  }

  #reset(): void {
    this.#cpus = null;
    this.#counters = null;
    this.#log = [];
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- assigned whole
    this.#waiting = new Map();
    this.#series.clear();
    this.#chart = chartOf([]);
    this.#focus = null;
    this.#opened = null;
    this.#error = null;
  }
}

let shared: RunView | null = null;

/** The one RunView of this window (the toolbar, the drawing and the tabs share it). */
export function provideRunView(bridge: BridgeClient, store: WorkspaceStore): RunView {
  shared ??= new RunView(bridge, store);
  return shared;
}
