/**
 * AieViewState — the AI Engine view's state (grid + hex view), behind getters.
 *
 *   view.info              the array (tiles, types, partitions) of the open document, or null
 *   view.tile / view.mem   the open tile memory (null: the grid only)
 *   view.after             how long the model runs before the snapshot ("1ms"; "0" = initial image)
 *   view.bytes / view.base the snapshot and the array address of its byte 0
 *   view.changed           mask of bytes changed since the previous run of the same memory
 *   view.open(tile, mem) / view.run() / view.edit(offset, bytes)
 *
 * Reads go through the bridge with the store's current document, so unsaved edits are what
 * runs. An edit asks main to patch the initial memory image (validated there) and applies the
 * returned document through the store: it is undoable like any other edit, and the document
 * change makes the panel run again.
 */
import type { BridgeClient } from '../../src-common/bridge/client';
import type { AieArrayInfo, AieMemKind } from '../../src-common/bridge/areas/aie';
import type { Workspace } from '../../src-common/workspace';
import { changedMask, decodeBase64 } from './hex-changes';
import type { TilePos } from './grid-model';

/** What the view needs from the workspace store (src-renderer/lib/workspace-store.svelte.ts). */
export interface DocStore {
  readonly current: Workspace | null;
  apply(doc: Workspace): void;
}

export class AieViewState {
  #info = $state.raw<AieArrayInfo | null>(null);
  #tile = $state.raw<TilePos | null>(null);
  #mem = $state<AieMemKind>('data');
  #after = $state('1ms');
  #bytes = $state.raw<Uint8Array | null>(null);
  #base = $state(0);
  #afterNs = $state(0);
  #changed = $state.raw<{ mask: Uint8Array; count: number } | null>(null);
  #error = $state<string | null>(null);
  #busy = $state(false);
  /** The last snapshot of each memory ("col,row,mem"), to compare the next run with (not shown: not reactive). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #previous = new Map<string, Uint8Array>();
  #seq = 0;

  constructor(
    private readonly bridge: BridgeClient,
    private readonly store: DocStore,
  ) {}

  get info() {
    return this.#info;
  }
  get tile() {
    return this.#tile;
  }
  get mem() {
    return this.#mem;
  }
  get after() {
    return this.#after;
  }
  get bytes() {
    return this.#bytes;
  }
  get base() {
    return this.#base;
  }
  get afterNs() {
    return this.#afterNs;
  }
  get changed() {
    return this.#changed;
  }
  get error() {
    return this.#error;
  }
  get busy() {
    return this.#busy;
  }

  /** Re-reads the array (and the open memory) for the store's current document. */
  async refresh(): Promise<void> {
    const doc = this.store.current;
    const seq = ++this.#seq;
    if (!doc?.devices.aie) {
      this.#info = null;
      this.#tile = null;
      this.#bytes = null;
      return;
    }
    try {
      const info = await this.bridge.call('aie.describe', { doc });
      if (seq !== this.#seq) return;
      this.#info = info;
      const t = this.#tile;
      if (t && info && (t.col >= info.columns || t.row >= info.rows || t.row === 0)) this.close();
      if (this.#tile) await this.run();
    } catch (e) {
      if (seq === this.#seq) this.#error = (e as Error).message;
    }
  }

  /** Opens a core tile's memory in the hex view and runs the model. */
  async open(tile: TilePos, mem: AieMemKind = this.#mem): Promise<void> {
    this.#tile = tile;
    this.#mem = mem;
    this.#bytes = null;
    this.#changed = null;
    await this.run();
  }

  close(): void {
    this.#tile = null;
    this.#bytes = null;
    this.#changed = null;
    this.#error = null;
  }

  setAfter(text: string): void {
    this.#after = text;
  }

  /** Runs the model for `after` and snapshots the open memory; highlights what changed since the last run of it. */
  async run(): Promise<void> {
    const doc = this.store.current;
    const tile = this.#tile;
    if (!doc || !tile) return;
    const mem = this.#mem;
    const seq = ++this.#seq;
    this.#busy = true;
    try {
      const dump = await this.bridge.call('aie.readMemory', { doc, col: tile.col, row: tile.row, mem, after: this.#after.trim() || '1ms' });
      if (seq !== this.#seq) return;
      const bytes = decodeBase64(dump.base64);
      const key = `${tile.col},${tile.row},${mem}`;
      this.#changed = changedMask(this.#previous.get(key), bytes);
      this.#previous.set(key, bytes);
      this.#bytes = bytes;
      this.#base = dump.base;
      this.#afterNs = dump.afterNs;
      this.#error = null;
    } catch (e) {
      if (seq === this.#seq) this.#error = (e as Error).message;
    } finally {
      if (seq === this.#seq) this.#busy = false;
    }
  }

  /** Writes `bytes` at `offset` of the open memory's initial image (undoable); the error, if refused. */
  async edit(offset: number, bytes: Uint8Array): Promise<string | null> {
    const doc = this.store.current;
    const tile = this.#tile;
    if (!doc || !tile) return 'no tile memory is open';
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
    try {
      const res = await this.bridge.call('aie.editMemory', { doc, col: tile.col, row: tile.row, mem: this.#mem, offset, hex });
      this.store.apply(res.doc);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  }
}
