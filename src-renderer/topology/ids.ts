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

/** What an element id names, parsed back (for selection, the inspector and pin gestures). */
export type NodeRef =
  | { kind: 'machine' }
  | { kind: 'package'; socket: number }
  | { kind: 'numa'; socket: number }
  | { kind: 'core'; core: number }
  | { kind: 'pu'; cpu: number }
  | { kind: 'guest'; guest: string }
  | { kind: 'vcpu'; guest: string; vcpu: number }
  | { kind: 'mhi'; name: string };

export function parseNodeId(id: string): NodeRef | null {
  if (id === MACHINE_ID) return { kind: 'machine' };
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
    default:
      return null;
  }
}
