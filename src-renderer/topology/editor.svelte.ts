import { formatCpuset } from '../../src-common/parse/cpuset';
import type { Guest, Workspace } from '../../src-common/workspace';
import * as E from './edits';
import type { EditResult } from './edits';
import { parseNodeId } from './ids';
import { hostTree } from './numbering';

/**
 * The topology editor's state shared by the canvas and the inspector: the guest clipboard and
 * the last refusal (shown where the user acted). Edits are pure (edits.ts); `commit` hands a
 * valid document to the workspace store (undo, autosave).
 */
export interface Refusal {
  text: string;
  field: string;
  /** Where on the canvas (rendered px) the refused gesture ended, if it was a gesture. */
  at?: { x: number; y: number };
}

// One clipboard for every editor instance (canvas and inspector).
let clipboard = $state.raw<Guest | null>(null);

export class TopologyEditor {
  #refusal = $state<Refusal | null>(null);

  constructor(
    private readonly doc: () => Workspace | null,
    private readonly commit: (doc: Workspace) => void,
  ) {}

  get refusal() {
    return this.#refusal;
  }
  get clipboard() {
    return clipboard;
  }
  dismiss() {
    this.#refusal = null;
  }

  /** Applies an edit result: commits it, or keeps the refusal to show. Returns whether it applied. */
  run(r: EditResult, at?: { x: number; y: number }): boolean {
    if (!r.ok) {
      this.#refusal = { text: r.message, field: r.field, at };
      return false;
    }
    this.#refusal = null;
    // A no-op (the same value committed twice, e.g. Enter then blur) must not become an undo step.
    const cur = this.doc();
    if (!cur || JSON.stringify(cur) !== JSON.stringify(r.doc)) this.commit(r.doc);
    return true;
  }

  /** Runs an edit on the current document. */
  edit(f: (ws: Workspace) => EditResult, at?: { x: number; y: number }): boolean {
    const ws = this.doc();
    return ws ? this.run(f(ws), at) : false;
  }

  /** Pins vCPUs (element ids) to what a host element covers. */
  pinTo(vcpuIds: readonly string[], targetId: string, at?: { x: number; y: number }): boolean {
    const ws = this.doc();
    if (!ws) return false;
    const cpuset = cpusetOfNode(ws, targetId);
    const refs = vcpuIds.map(parseNodeId).filter((r) => r?.kind === 'vcpu');
    if (!cpuset || refs.length === 0) return false;
    const guest = refs[0].guest;
    return this.run(E.pinVcpus(ws, guest, refs.filter((r) => r.guest === guest).map((r) => r.vcpu), cpuset), at);
  }

  /** Makes a dma-buf importer (element id) import the buffer of the exporter a buffer or exporter element stands for. */
  linkImporter(importerId: string, targetId: string, at?: { x: number; y: number }): boolean {
    const imp = parseNodeId(importerId);
    const t = parseNodeId(targetId);
    const exporter = t?.kind === 'dma-buffer' ? t.exporter : t?.kind === 'dma-exporter' ? t.name : null;
    if (imp?.kind !== 'dma-importer' || exporter === null) return false;
    return this.edit((ws) => E.updateDmaImporter(ws, imp.name, { source: exporter }), at);
  }

  /** Del on the canvas: removes guests, sockets, cores, devices; unpins vCPUs and pin edges. */
  deleteSelection(ids: readonly string[]): boolean {
    return ids.length > 0 && this.edit((ws) => E.deleteElements(ws, ids));
  }

  copy(ids: readonly string[]): boolean {
    const ws = this.doc();
    const ref = ids.map(parseNodeId).find((r) => r?.kind === 'guest' || r?.kind === 'vcpu');
    if (!ws || !ref || (ref.kind !== 'guest' && ref.kind !== 'vcpu')) return false;
    clipboard = E.copyGuest(ws, ref.guest);
    return true;
  }

  paste(): boolean {
    const g = clipboard;
    return g ? this.edit((ws) => E.pasteGuest(ws, g)) : false;
  }
}

/** The cpuset a host element stands for: a PU, a core's threads, a NUMA node's or package's CPUs. */
export function cpusetOfNode(ws: Workspace, id: string): string | null {
  const ref = parseNodeId(id);
  const tree = hostTree(ws.host);
  switch (ref?.kind) {
    case 'pu':
      return String(ref.cpu);
    case 'core':
      return formatCpuset(tree.flatMap((s) => s.cores).find((c) => c.logical === ref.core)?.pus ?? []) || null;
    case 'package':
    case 'numa':
      return formatCpuset(tree[ref.socket]?.cores.flatMap((c) => c.pus) ?? []) || null;
    default:
      return null;
  }
}
