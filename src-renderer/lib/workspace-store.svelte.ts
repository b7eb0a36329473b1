/**
 * WorkspaceStore — the renderer's one source of truth for the open workspace.
 *
 * Reading (all reactive, read-only):
 *   store.current      Workspace | null   the open document (a frozen snapshot, deeply in development
 *                                         builds: a stray mutation throws; never mutate it)
 *   store.id / .name / .revision          identity of the open workspace
 *   store.list         WorkspaceSummary[] every stored workspace (for the picker)
 *   store.saveState    'saved' | 'pending' | 'saving' | 'error'
 *   store.error        string | null      last failure (save conflict, invalid edit, …)
 *   store.canUndo / store.canRedo
 *
 * Editing (what the topology/inspector code calls):
 *   store.apply((draft) => { draft.guests.push(g); })   mutate a copy, or
 *   store.apply(newDocument)                             replace the document.
 *   The result is validated with parseWorkspace: an invalid edit throws a FieldError naming
 *   the thing as the user sees it, then the field (`guest A, vCPU 0: … (guests[0].vcpupin[0].cpuset)`,
 *   describeRefusal; also `store.error`) and changes nothing. A valid one becomes `current`, is pushed on the undo
 *   stack, and autosaves through the bridge shortly after (edits are coalesced).
 *   store.undo() / store.redo()  (bound to Ctrl+Z / Ctrl+Shift+Z by the shell)
 *
 * Workspace management (the picker): open(id), create(name, {builtin?, doc?}), rename(id, name),
 * duplicate(id), remove(id), refreshList(), flush() (save now). The last opened workspace is
 * remembered by the host and reopened by start(). dispose() releases the bridge subscription.
 */
import type { BridgeClient } from '../../src-common/bridge/client';
import type { WorkspaceSummary } from '../../src-common/bridge/areas/workspaces';
import { FieldError } from '../../src-common/parse/field-error';
import { describeWorkspaceError, parseWorkspace, type Workspace } from '../../src-common/workspace';

export type SaveState = 'saved' | 'pending' | 'saving' | 'error';

/** Every object and array in a document, frozen, so that a stray `push` throws in development. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Development builds (and tests) freeze the whole document; production only its top (no cost per edit). */
const DEV = Boolean((import.meta as { env?: { DEV?: boolean } }).env?.DEV);
const freezeDoc = (doc: Workspace): Workspace => (DEV ? deepFreeze(doc) : (Object.freeze(doc) as Workspace));

const MAX_UNDO = 200;

export class WorkspaceStore {
  #current = $state.raw<Workspace | null>(null);
  #id = $state<number | null>(null);
  #revision = $state(0);
  #list = $state.raw<WorkspaceSummary[]>([]);
  #saveState = $state<SaveState>('saved');
  #error = $state<string | null>(null);
  #undo = $state.raw<Workspace[]>([]);
  #redo = $state.raw<Workspace[]>([]);

  #timer: ReturnType<typeof setTimeout> | undefined;
  #unsubscribe: () => void;
  #firstStart = $state<number | null>(null);
  #saving: Promise<void> | null = null;
  #dirty = false;

  constructor(
    private readonly bridge: BridgeClient,
    private readonly autosaveMs = 400,
  ) {
    this.#unsubscribe = bridge.on('onWorkspacesChanged', (p) => {
      void this.refreshList();
      if (p.id === this.#id && (p.change === 'saved' || p.change === 'renamed')) void this.#followExternalSave();
    });
  }

  /** Releases the bridge subscription and the autosave timer (a window or test that is done with the store). */
  dispose(): void {
    this.#unsubscribe();
    clearTimeout(this.#timer);
  }

  get current() {
    return this.#current;
  }
  get id() {
    return this.#id;
  }
  get name() {
    return this.#current?.name ?? null;
  }
  get revision() {
    return this.#revision;
  }
  get list() {
    return this.#list;
  }
  get saveState() {
    return this.#saveState;
  }
  get error() {
    return this.#error;
  }
  get canUndo() {
    return this.#undo.length > 0;
  }
  get canRedo() {
    return this.#redo.length > 0;
  }

  /** The workspace a first start made (an empty store opens the seed example), else null. */
  get firstStart() {
    return this.#firstStart;
  }

  /**
   * Loads the list and reopens the last workspace (or the first one there is). An empty store
   * (a first start) gets the seed scenario as its first workspace: the what-if timing
   * (`builtin:seed-power9-ipi-whatif`), where the unfixed kernel loses an IPI within minutes —
   * with the hardware-derived timing of `builtin:seed-power9-ipi` the model predicts no loss in
   * 20 h (docs/models/ipi.md), which would leave a first Run showing nothing happen.
   */
  async start(firstExample = 'seed-power9-ipi-whatif'): Promise<void> {
    await this.refreshList();
    if (this.#list.length === 0 && firstExample) {
      const id = await this.create(firstExample, { builtin: firstExample });
      this.#firstStart = id;
      return;
    }
    const last = await this.bridge.call('workspaces.lastOpened');
    const id = last?.id ?? this.#list[0]?.id;
    if (id !== undefined) await this.open(id);
  }

  async refreshList(): Promise<void> {
    this.#list = await this.bridge.call('workspaces.list');
  }

  async open(id: number): Promise<void> {
    await this.flush();
    const rec = await this.bridge.call('workspaces.get', { id });
    this.#load(rec.id, rec.revision, rec.doc);
    await this.bridge.call('workspaces.setLastOpened', { id });
  }

  /** Creates a workspace (empty, a copy of `builtin:NAME`, or the given document, e.g. an imported one) and opens it. */
  async create(name: string, opts: { builtin?: string; doc?: Workspace } = {}): Promise<number> {
    const rec = await this.bridge.call('workspaces.create', { name, ...opts });
    await this.refreshList();
    await this.open(rec.id);
    return rec.id;
  }

  async rename(id: number, name: string): Promise<void> {
    if (id === this.#id) await this.flush();
    const rec = await this.bridge.call('workspaces.rename', { id, name });
    // The rename is a new revision: the open copy follows it, and old history would undo it.
    if (id === this.#id) this.#load(rec.id, rec.revision, rec.doc);
    await this.refreshList();
  }

  async duplicate(id: number): Promise<number> {
    if (id === this.#id) await this.flush();
    const rec = await this.bridge.call('workspaces.duplicate', { id });
    await this.refreshList();
    return rec.id;
  }

  async remove(id: number): Promise<void> {
    if (id === this.#id) {
      clearTimeout(this.#timer);
      this.#dirty = false;
      await this.#saving;
    }
    await this.bridge.call('workspaces.delete', { id });
    await this.refreshList();
    if (id === this.#id) {
      this.#id = null;
      this.#current = null;
      this.#undo = [];
      this.#redo = [];
      const next = this.#list[0];
      if (next) await this.open(next.id);
      else await this.bridge.call('workspaces.setLastOpened', { id: null });
    }
  }

  /** Applies an edit: a mutator of a draft copy, or a whole new document. Throws (changing nothing) if invalid. */
  apply(change: Workspace | ((draft: Workspace) => void)): void {
    const cur = this.#current;
    if (!cur) throw new Error('no workspace is open');
    let next: unknown = change;
    if (typeof change === 'function') {
      const draft = structuredClone(cur);
      change(draft);
      next = draft;
    }
    let valid: Workspace;
    try {
      valid = parseWorkspace(next);
    } catch (e) {
      // What is refused in the user's words first, the document path after it, as edits.ts and the CLI say it.
      const refused = e instanceof FieldError ? new FieldError('', describeWorkspaceError(next, e)) : e;
      this.#error = (refused as Error).message;
      throw refused;
    }
    this.#error = null;
    this.#undo = [...this.#undo, cur].slice(-MAX_UNDO);
    this.#redo = [];
    this.#set(valid);
  }

  undo(): void {
    const prev = this.#undo.at(-1);
    if (!prev || !this.#current) return;
    this.#redo = [...this.#redo, this.#current];
    this.#undo = this.#undo.slice(0, -1);
    this.#set(prev);
  }

  redo(): void {
    const next = this.#redo.at(-1);
    if (!next || !this.#current) return;
    this.#undo = [...this.#undo, this.#current];
    this.#redo = this.#redo.slice(0, -1);
    this.#set(next);
  }

  /** Saves any pending edit now and waits for it. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    while (this.#saving || this.#dirty) {
      if (this.#saving) await this.#saving;
      else {
        const p: Promise<void> = this.#save().finally(() => {
          if (this.#saving === p) this.#saving = null;
        });
        this.#saving = p;
      }
    }
  }

  /** Another window saved the open workspace: take its version unless we have unsaved edits. */
  async #followExternalSave(): Promise<void> {
    if (this.#dirty || this.#saving || this.#id === null) return;
    const rec = await this.bridge.call('workspaces.get', { id: this.#id });
    if (rec.id === this.#id && rec.revision > this.#revision && !this.#dirty && !this.#saving) this.#load(rec.id, rec.revision, rec.doc);
  }

  #load(id: number, revision: number, doc: Workspace): void {
    clearTimeout(this.#timer);
    this.#dirty = false;
    this.#id = id;
    this.#revision = revision;
    this.#current = freezeDoc(doc);
    this.#undo = [];
    this.#redo = [];
    this.#saveState = 'saved';
    this.#error = null;
  }

  #set(doc: Workspace): void {
    this.#current = freezeDoc(doc);
    this.#dirty = true;
    this.#saveState = 'pending';
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush().catch(() => {}), this.autosaveMs);
  }

  async #save(): Promise<void> {
    const id = this.#id;
    const doc = this.#current;
    this.#dirty = false;
    if (id === null || !doc) return;
    this.#saveState = 'saving';
    try {
      const saved = await this.bridge.call('workspaces.save', { id, revision: this.#revision, doc });
      if (id === this.#id) {
        this.#revision = saved.revision;
        if (!this.#dirty) this.#saveState = 'saved';
      }
    } catch (e) {
      this.#saveState = 'error';
      this.#error = `not saved: ${(e as Error).message}`;
    }
  }
}

