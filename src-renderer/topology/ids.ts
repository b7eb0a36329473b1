/**
 * Cytoscape element ids of the drawing. Stable across edits of unrelated parts, so an update
 * touches only what changed; guests are keyed by name, host objects by logical number.
 */
export const MACHINE_ID = 'machine';
export const packageId = (socket: number) => `pkg:${socket}`;
export const numaId = (socket: number) => `numa:${socket}`;
export const coreId = (core: number) => `core:${core}`;
export const puId = (cpu: number) => `pu:${cpu}`;
export const guestId = (guest: string) => `guest:${guest}`;
export const vcpuId = (guest: string, vcpu: number) => `vcpu:${guest}:${vcpu}`;
export const pinEdgeId = (guest: string, vcpu: number, target: string) => `pin:${guest}:${vcpu}:${target}`;
export const mhiId = (name: string) => `mhi:${name}`;
/** The AI Engine array (one per workspace) and its partitions, by name. */
export const AIE_ID = 'aie';
export const aiePartitionId = (name: string) => `aiepart:${name}`;
/** A cell of the array's column ruler (drawn, not selectable). */
export const aieColumnId = (col: number) => `aiecol:${col}`;
/** The dma-buf block: exporters, the buffer each exports (keyed by its exporter), importers. */
export const DMABUF_ID = 'dmabuf';
export const dmaExporterId = (name: string) => `dmaexp:${name}`;
export const dmaBufferId = (exporter: string) => `dmabuf:${exporter}`;
export const dmaImporterId = (name: string) => `dmaimp:${name}`;
/** exporter → its buffer, and buffer → an importer of it. */
export const dmaExportEdgeId = (exporter: string) => `dmaedge:exp:${exporter}`;
export const dmaImportEdgeId = (importer: string) => `dmaedge:imp:${importer}`;

/** What an element id names, parsed back (for selection, the inspector and pin gestures). */
export type NodeRef =
  | { kind: 'machine' }
  | { kind: 'package'; socket: number }
  | { kind: 'numa'; socket: number }
  | { kind: 'core'; core: number }
  | { kind: 'pu'; cpu: number }
  | { kind: 'guest'; guest: string }
  | { kind: 'vcpu'; guest: string; vcpu: number }
  | { kind: 'mhi'; name: string }
  | { kind: 'aie' }
  | { kind: 'aie-partition'; name: string }
  | { kind: 'dmabuf' }
  | { kind: 'dma-exporter'; name: string }
  | { kind: 'dma-buffer'; exporter: string }
  | { kind: 'dma-importer'; name: string };

export function parseNodeId(id: string): NodeRef | null {
  if (id === MACHINE_ID) return { kind: 'machine' };
  if (id === AIE_ID) return { kind: 'aie' };
  if (id === DMABUF_ID) return { kind: 'dmabuf' };
  const [kind, a] = id.split(':');
  const n = Number(a);
  switch (kind) {
    case 'pkg':
      return { kind: 'package', socket: n };
    case 'numa':
      return { kind: 'numa', socket: n };
    case 'core':
      return { kind: 'core', core: n };
    case 'pu':
      return { kind: 'pu', cpu: n };
    case 'guest':
      return { kind: 'guest', guest: id.slice('guest:'.length) };
    case 'vcpu': {
      // Guest names cannot contain ':', so the last field is the vCPU.
      const last = id.lastIndexOf(':');
      return { kind: 'vcpu', guest: id.slice('vcpu:'.length, last), vcpu: Number(id.slice(last + 1)) };
    }
    case 'mhi':
      return { kind: 'mhi', name: id.slice('mhi:'.length) };
    case 'aiepart':
      return { kind: 'aie-partition', name: id.slice('aiepart:'.length) };
    case 'dmaexp':
      return { kind: 'dma-exporter', name: id.slice('dmaexp:'.length) };
    case 'dmabuf':
      return { kind: 'dma-buffer', exporter: id.slice('dmabuf:'.length) };
    case 'dmaimp':
      return { kind: 'dma-importer', name: id.slice('dmaimp:'.length) };
    default:
      return null;
  }
}
