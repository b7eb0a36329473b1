/**
 * SweepsView — the Sweeps tab's state: the sweep form, the app's running sweep (progress from
 * `onSweepProgress`), the open workspace's sweeps and the one opened with its curves. Actions
 * call the `sweeps` bridge area; main checks everything.
 */
import type { BridgeClient } from '../../src-common/bridge/client';
import type { SweepListItem, SweepProgress, SweepView } from '../../src-common/bridge/areas/sweeps';
import type { WorkspaceStore } from '../lib/workspace-store.svelte';

/** How often a running sweep's curves are re-read (each read summarises every stored run in main). */
const REOPEN_EVERY_MS = 2000;

export interface AxisInput {
  key: string;
  /** Comma-separated values, as typed. */
  values: string;
}

export class SweepsView {
  // The form.
  seeds = $state('1..20');
  axes = $state<AxisInput[]>([{ key: 'kernel.barriers', values: 'none,set,clear,both' }]);
  duration = $state('20h');
  untilFirstLockup = $state(false);

  #list = $state.raw<SweepListItem[]>([]);
  #progress = $state.raw<SweepProgress | null>(null);
  #opened = $state.raw<SweepView | null>(null);
  #error = $state<string | null>(null);
  #busy = $state(false);
  #reopenedAt = 0;
  readonly #off: () => void;

  constructor(
    private readonly bridge: BridgeClient,
    private readonly store: WorkspaceStore,
  ) {
    this.#off = bridge.on('onSweepProgress', (p) => this.#onProgress(p));
    // A reloaded window re-attaches to a sweep still going.
    void bridge
      .call('sweeps.active')
      .then((p) => p && this.#onProgress(p))
      .catch(() => {});
  }

  get list() {
    return this.#list;
  }
  get progress() {
    return this.#progress;
  }
  get opened() {
    return this.#opened;
  }
  get error() {
    return this.#error;
  }
  get running() {
    return this.#progress?.state === 'running';
  }
  get busy() {
    return this.#busy;
  }

  addAxis(): void {
    this.axes = [...this.axes, { key: '', values: '' }];
  }
  removeAxis(i: number): void {
    this.axes = this.axes.filter((_, j) => j !== i);
  }

  /** The sweeps of the open workspace (newest first). */
  async refresh(): Promise<void> {
    const id = this.store.id;
    if (id === null) {
      this.#list = [];
      this.#opened = null;
      return;
    }
    try {
      this.#list = await this.bridge.call('sweeps.list', { workspaceId: id });
      if (this.#opened && !this.#list.some((s) => s.id === this.#opened!.sweep.id)) this.#opened = null;
    } catch (e) {
      this.#error = (e as Error).message;
    }
  }

  async start(): Promise<void> {
    const id = this.store.id;
    if (id === null) return;
    await this.#act(async () => {
      await this.store.flush();
      const vary = this.axes
        .filter((a) => a.key.trim() || a.values.trim())
        .map((a) => ({ key: a.key.trim(), values: a.values.split(',').map((v) => v.trim()) }));
      const { sweepId } = await this.bridge.call('sweeps.start', {
        workspaceId: id,
        doc: this.store.current ?? undefined,
        seeds: this.seeds.trim(),
        vary,
        duration: this.duration.trim(),
        until: this.untilFirstLockup ? 'first-soft-lockup' : null,
      });
      await this.refresh();
      await this.open(sweepId);
    });
  }

  async stop(): Promise<void> {
    const p = this.#progress;
    if (p) await this.#act(() => this.bridge.call('sweeps.stop', { sweepId: p.sweepId }));
  }

  async resume(sweepId: number): Promise<void> {
    await this.#act(async () => {
      await this.bridge.call('sweeps.resume', { sweepId });
      await this.open(sweepId);
    });
  }

  async remove(sweepId: number): Promise<void> {
    await this.#act(async () => {
      await this.bridge.call('sweeps.delete', { sweepId });
      if (this.#opened?.sweep.id === sweepId) this.#opened = null;
      await this.refresh();
    });
  }

  /** Shows one sweep's table and curves. */
  async open(sweepId: number): Promise<void> {
    try {
      this.#opened = await this.bridge.call('sweeps.open', { sweepId });
      this.#error = null;
    } catch (e) {
      this.#error = (e as Error).message;
    }
  }

  dispose(): void {
    this.#off();
  }

  async #act(f: () => Promise<unknown>): Promise<void> {
    this.#busy = true;
    try {
      await f();
      this.#error = null;
    } catch (e) {
      this.#error = (e as Error).message;
    } finally {
      this.#busy = false;
    }
  }

  #onProgress(p: SweepProgress): void {
    this.#progress = p;
    if (p.error) this.#error = p.error;
    // The opened sweep follows its progress: re-read every few seconds while runs are stored, and at the end.
    const now = performance.now();
    if (this.#opened?.sweep.id === p.sweepId && (p.state !== 'running' || (p.done !== this.#opened.sweep.done && now - this.#reopenedAt > REOPEN_EVERY_MS))) {
      this.#reopenedAt = now;
      void this.open(p.sweepId);
    }
    if (p.state !== 'running') void this.refresh();
  }
}
