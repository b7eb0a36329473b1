/**
 * DevicesViewState — the Devices view's state, behind getters.
 *
 *   view.snapshot   the last devices.snapshot of the open document (dma-buf + MHI), or null
 *   view.after      how long the models run before the snapshot ("10ms")
 *   view.loopback   bytes a client writes to and reads back from each MHI LOOPBACK node ("4M")
 *   view.refresh()  runs the store's current document (unsaved edits included) through the bridge
 *
 * A newer request wins: an answer to an older one (the document changed meanwhile) is dropped.
 */
import type { BridgeClient } from '../../src-common/bridge/client';
import { DEVICES_DEFAULT_AFTER, DEVICES_DEFAULT_LOOPBACK, type DevicesSnapshot } from '../../src-common/bridge/areas/devices';
import type { Workspace } from '../../src-common/workspace';

export interface DocSource {
  readonly current: Workspace | null;
}

export class DevicesViewState {
  #snapshot = $state.raw<DevicesSnapshot | null>(null);
  #after = $state(DEVICES_DEFAULT_AFTER);
  #loopback = $state(DEVICES_DEFAULT_LOOPBACK);
  #error = $state<string | null>(null);
  #busy = $state(false);
  #seq = 0;

  constructor(
    private readonly bridge: BridgeClient,
    private readonly store: DocSource,
  ) {}

  get snapshot() {
    return this.#snapshot;
  }
  get after() {
    return this.#after;
  }
  get loopback() {
    return this.#loopback;
  }
  get error() {
    return this.#error;
  }
  get busy() {
    return this.#busy;
  }

  setAfter(s: string): void {
    this.#after = s;
  }

  setLoopback(s: string): void {
    this.#loopback = s;
  }

  async refresh(): Promise<void> {
    const doc = this.store.current;
    const seq = ++this.#seq;
    if (!doc) {
      this.#snapshot = null;
      this.#busy = false;
      return;
    }
    this.#busy = true;
    try {
      const s = await this.bridge.call('devices.snapshot', { document: doc, after: this.#after.trim(), loopback: this.#loopback.trim() });
      if (seq !== this.#seq) return;
      this.#snapshot = s;
      this.#error = null;
    } catch (e) {
      if (seq !== this.#seq) return;
      this.#error = (e as Error).message;
    } finally {
      if (seq === this.#seq) this.#busy = false;
    }
  }
}
