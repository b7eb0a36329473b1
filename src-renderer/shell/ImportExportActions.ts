/**
 * What the toolbar's Import… and Export… menus do (ImportExport.svelte). The renderer only
 * reads the file and applies the result: parsing and validation are main's
 * (src-common/bridge/areas/transfer.ts), so a hostile file never meets renderer code.
 * Every action either succeeds and says what it did, or throws an Error whose message is
 * shown next to the control and changes nothing.
 */
import type { BridgeClient } from '../../src-common/bridge/client';
import { TRANSFER_MAX_BYTES, fileTextProblem, type TransferFile } from '../../src-common/bridge/areas/transfer';
import { sourceNote, vcpuCount, type Workspace } from '../../src-common/workspace';
import { freeName } from '../lib/names';
import type { WorkspaceStore } from '../lib/workspace-store.svelte';

export type ImportKind = 'workspace' | 'hwloc-new' | 'hwloc-host' | 'libvirt';

export interface ImportFormat {
  kind: ImportKind;
  label: string;
  note: string;
  /** The file chooser's filter. */
  accept: string;
  /** Needs an open workspace (it edits it). */
  edits: boolean;
}

const XML = '.xml,text/xml,application/xml';

export const IMPORT_FORMATS: readonly ImportFormat[] = [
  { kind: 'workspace', label: 'Workspace JSON…', note: 'as a new workspace', accept: '.json,application/json', edits: false },
  { kind: 'hwloc-new', label: 'hwloc XML…', note: 'a host from lstopo --of xml, as a new workspace', accept: XML, edits: false },
  { kind: 'hwloc-host', label: 'hwloc XML as this host…', note: "replaces the open workspace's host (undoable)", accept: XML, edits: true },
  { kind: 'libvirt', label: 'libvirt domain XML…', note: 'adds the guest to the open workspace (undoable)', accept: XML, edits: true },
];

/** The part of a File an import reads (a File, or a test's stand-in). */
export interface ImportSource {
  name: string;
  size: number;
  text(): Promise<string>;
}

export interface TransferDeps {
  bridge: BridgeClient;
  store: WorkspaceStore;
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
/** `lab-p9.xml` → `lab-p9`. */
const stemOf = (file: string) => file.replace(/\.[^.]*$/, '') || file;

/** Reads the file; one over the bridge's limit is refused before it is read, a binary one before it is sent (main checks again). */
async function readText(file: ImportSource): Promise<string> {
  if (file.size > TRANSFER_MAX_BYTES) throw new Error(`the file is ${mib(file.size)}; at most ${mib(TRANSFER_MAX_BYTES)} can be imported`);
  const text = await file.text();
  const problem = fileTextProblem(text);
  if (problem) throw new Error(problem);
  return text;
}

function openDoc(store: WorkspaceStore): Workspace {
  if (!store.current) throw new Error('open a workspace first');
  return store.current;
}

/** Runs a store edit; its refusal (a FieldError naming the field) says what did not fit. */
function applying(what: string, edit: () => void): void {
  try {
    edit();
  } catch (e) {
    throw new Error(`the workspace cannot take ${what}: ${(e as Error).message}`, { cause: e });
  }
}

const hostSummary = (w: Workspace) => {
  const h = w.host;
  const cores = new Set(h.sockets.map((s) => s.cores));
  const note = sourceNote(h);
  return `${h.sockets.length} socket${h.sockets.length === 1 ? '' : 's'} × ${cores.size === 1 ? [...cores][0] : [...cores].join('/')} cores, SMT${h.threadsPerCore}${note ? ` (${note})` : ''}`;
};

/** Imports `file` as `kind`; resolves with a sentence saying what changed. Errors are prefixed with the file's name. */
/** What an import says; `keep`: the note names what was left out, so it stays until dismissed. */
export interface Said {
  done: string;
  keep: boolean;
}

export async function importFile(kind: ImportKind, file: ImportSource, { bridge, store }: TransferDeps): Promise<string | Said> {
  try {
    const text = await readText(file);
    const taken = store.list.map((w) => w.name);
    switch (kind) {
      case 'workspace': {
        const doc = await bridge.call('transfer.importWorkspace', { text });
        const name = freeName(doc.name, taken);
        await store.create(name, { doc });
        return `Imported workspace “${name}” from ${file.name}.`;
      }
      case 'hwloc-new': {
        const name = freeName(stemOf(file.name).slice(0, 200), taken);
        const doc = await bridge.call('transfer.importHwloc', { text, name });
        await store.create(name, { doc });
        return `New workspace “${name}” from ${file.name}: ${hostSummary(doc)}.`;
      }
      case 'hwloc-host': {
        openDoc(store);
        const doc = await bridge.call('transfer.importHwloc', { text });
        // Validated again as a whole: guests pinned beyond the new host refuse the edit, naming the pin.
        applying('the new host', () =>
          store.apply((draft) => {
            draft.host = doc.host;
          }),
        );
        return `Replaced the host with ${file.name}: ${hostSummary(doc)}. Undo takes it back.`;
      }
      case 'libvirt': {
        const { guest, renamedFrom, warnings } = await bridge.call('transfer.importLibvirt', { text, document: openDoc(store) });
        applying(`guest “${guest.name}”`, () =>
          store.apply((draft) => {
            draft.guests.push(guest);
          }),
        );
        const as = renamedFrom ? ` as “${guest.name}” (“${renamedFrom}” was taken)` : '';
        // Nothing dropped silently: name each element of the domain the model does not keep.
        const left = warnings.length ? ` Not kept: ${warnings.map((w) => w.split(': ')[0]).join(', ')}.` : '';
        return { done: `Added guest “${guest.name}”${as} from ${file.name}: ${vcpuCount(guest)} vCPUs. Undo takes it back.${left}`, keep: warnings.length > 0 };
      }
    }
  } catch (e) {
    throw new Error(`${file.name}: ${(e as Error).message}`, { cause: e });
  }
}

/** A host from an hwloc synthetic description (`pack:2 core:16 pu:4`), as a new workspace or as the open one's host. */
export async function importSyntheticHost(description: string, as: 'new' | 'host', { bridge, store }: TransferDeps): Promise<string> {
  const desc = description.trim();
  if (as === 'new') {
    const name = freeName(desc.slice(0, 200) || 'synthetic', store.list.map((w) => w.name));
    const doc = await bridge.call('transfer.importSynthetic', { description: desc, name });
    await store.create(name, { doc });
    return `New workspace “${name}”: ${hostSummary(doc)}.`;
  }
  openDoc(store);
  const doc = await bridge.call('transfer.importSynthetic', { description: desc });
  applying('the new host', () =>
    store.apply((draft) => {
      draft.host = doc.host;
    }),
  );
  return `Replaced the host with ${desc}: ${hostSummary(doc)}. Undo takes it back.`;
}

export type ExportTarget = { kind: 'workspace' } | { kind: 'hwloc' } | { kind: 'libvirt'; guest: string };

/** The open document exported (by main, with the CLI's writers) as a file to download. */
export async function exportFile(target: ExportTarget, { bridge, store }: TransferDeps): Promise<TransferFile> {
  const document = openDoc(store);
  if (target.kind === 'workspace') return bridge.call('transfer.exportWorkspace', { document });
  if (target.kind === 'hwloc') return bridge.call('transfer.exportHwloc', { document });
  return bridge.call('transfer.exportLibvirt', { document, guest: target.guest });
}
