/**
 * AieViewState — the AI Engine view's state (grid + hex view), behind getters.
 *
 *   view.info              the array (tiles, types, partitions) of the open document, or null
 *   view.target / view.mem the open memory: a core tile's, or a partition's dma-buf (null: the grid only)
 *   view.tile              the open tile (null for a partition or nothing)
 *   view.after             how long the model runs before the snapshot ("1ms"; "0" = initial image)
 *   view.bytes / view.layout the snapshot and how its offsets map to array addresses
 *   view.changed           mask of bytes changed since the previous run of the same memory
 *   view.open(target, mem) / view.run() / view.edit(offset, bytes)
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
import { partitionLayout, tileLayout, type MemLayout } from './mem-layout';

/** What the hex view shows: one core tile's memory, or a whole partition's (its dma-buf). */
export type Target = ({ kind: 'tile' } & TilePos) | { kind: 'partition'; name: string };
const targetKey = (t: Target, mem: AieMemKind) => (t.kind === 'tile' ? `tile ${t.col},${t.row} ${mem}` : `partition ${t.name} ${mem}`);

/** What the view needs from the workspace store (src-renderer/lib/workspace-store.svelte.ts). */
export interface DocStore {
  readonly current: Workspace | null;
  apply(doc: Workspace): void;
}

export class AieViewState {
  #info = $state.raw<AieArrayInfo | null>(null);
  #target = $state.raw<Target | null>(null);
  #mem = $state<AieMemKind>('data');
  #after = $state('1ms');
  #bytes = $state.raw<Uint8Array | null>(null);
  #layout = $state.raw<MemLayout | null>(null);
  #afterNs = $state(0);
  #changed = $state.raw<{ mask: Uint8Array; count: number } | null>(null);
  #error = $state<string | null>(null);
  #busy = $state(false);
  /** The last snapshot of each memory ("col,row,mem"), to compare the next run with (not shown: not reactive). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #previous = new Map<string, Uint8Array>();
  #seq = 0;
  /** The last edit: where, what was written, and the document it made (undo or another edit leaves that document). */
  #lastEdit = $state.raw<{ offset: number; bytes: Uint8Array; doc: Workspace } | null>(null);

  constructor(
    private readonly bridge: BridgeClient,
    private readonly store: DocStore,
  ) {}

  #snapshotDoc = $state.raw<Workspace | null>(null);

  /**
   * When the run overwrote what the user just wrote (the edit goes to the initial image; the
   * snapshot is after "Run for"): the edit's address, what the snapshot holds there now, and
   * when. Null once undone or superseded (the message goes with the edit).
   */
  get editOverwritten(): { address: number; now: string; afterNs: number } | null {
    const e = this.#lastEdit;
    const bytes = this.#bytes;
    const layout = this.#layout;
    if (!e || !bytes || !layout || this.store.current !== e.doc || this.#snapshotDoc !== e.doc || this.#afterNs === 0) return null;
    const now = bytes.subarray(e.offset, e.offset + e.bytes.length);
    if (now.every((b, i) => b === e.bytes[i])) return null;
    return { address: layout.addressOf(e.offset), now: Array.from(now, (b) => b.toString(16).padStart(2, '0')).join(' '), afterNs: this.#afterNs };
  }

  get info() {
    return this.#info;
  }
  get target() {
    return this.#target;
  }
  get tile(): TilePos | null {
    const t = this.#target;
    return t?.kind === 'tile' ? { col: t.col, row: t.row } : null;
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
  get layout() {
    return this.#layout;
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
      this.close();
      return;
    }
    try {
      const info = await this.bridge.call('aie.describe', { doc });
      if (seq !== this.#seq) return;
      this.#info = info;
      const t = this.#target;
      const gone =
        t?.kind === 'tile' ? !info || t.col >= info.columns || t.row >= info.rows || t.row === 0 : t?.kind === 'partition' && !info?.partitions.some((p) => p.name === t.name);
      if (gone) this.close();
      if (this.#target) await this.run();
    } catch (e) {
      if (seq === this.#seq) this.#error = (e as Error).message;
    }
  }

  /** Opens a core tile's or a partition's memory in the hex view and runs the model. */
  async open(target: Target, mem: AieMemKind = this.#mem): Promise<void> {
    this.#target = target;
    this.#mem = mem;
    this.#bytes = null;
    this.#changed = null;
    await this.run();
  }

  close(): void {
    this.#target = null;
    this.#layout = null;
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
    const target = this.#target;
    if (!doc || !target) return;
    const mem = this.#mem;
    const after = this.#after.trim() || '1ms';
    const seq = ++this.#seq;
    this.#busy = true;
    try {
      let base64: string;
      let layout: MemLayout;
      let afterNs: number;
      if (target.kind === 'tile') {
        const d = await this.bridge.call('aie.readMemory', { doc, col: target.col, row: target.row, mem, after });
        ({ base64, afterNs } = d);
        layout = tileLayout(d.col, d.row, d.base - tileLayout(d.col, d.row, 0, 0).addressOf(0), mem === 'data' ? 32 * 1024 : 16 * 1024);
      } else {
        const d = await this.bridge.call('aie.readPartitionMemory', { doc, partition: target.name, mem, after });
        ({ base64, afterNs } = d);
        layout = partitionLayout(d.range, d.memOffset, d.memSize);
      }
      if (seq !== this.#seq) return;
      const bytes = decodeBase64(base64);
      const key = targetKey(target, mem);
      this.#changed = changedMask(this.#previous.get(key), bytes);
      this.#previous.set(key, bytes);
      this.#bytes = bytes;
      this.#layout = layout;
      this.#afterNs = afterNs;
      this.#error = null;
      this.#snapshotDoc = doc;
    } catch (e) {
      if (seq === this.#seq) this.#error = (e as Error).message;
    } finally {
      if (seq === this.#seq) this.#busy = false;
    }
  }

  /** Writes `bytes` at `offset` of the open memory's initial image (undoable); the error, if refused. */
  async edit(offset: number, bytes: Uint8Array): Promise<string | null> {
    const doc = this.store.current;
    const layout = this.#layout;
    if (!doc || !layout) return 'no memory is open';
    const t = layout.tileOf(offset);
    // In a partition's memory the next byte may be another tile's; a tile memory's own end is main's to refuse.
    if (this.#target?.kind === 'partition' && bytes.length > t.left) return `an edit stays within one tile: tile (${t.col},${t.row}) has ${t.left} byte${t.left === 1 ? '' : 's'} left from here`;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
    try {
      const res = await this.bridge.call('aie.editMemory', { doc, col: t.col, row: t.row, mem: this.#mem, offset: t.offset, hex });
      this.store.apply(res.doc);
      this.#lastEdit = { offset, bytes: bytes.slice(), doc: this.store.current ?? res.doc };
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  }
}
