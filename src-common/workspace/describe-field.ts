import { FieldError } from '../parse/field-error';
import type { Workspace } from './schema';

/** A name or number the document gives a thing, as text; null when the document (unchecked, e.g. a file) has something else there. */
function shown(v: unknown): string | null {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? String(v) : null;
}

/** Element `i` of `list` when it is an array (an unchecked document may have anything there). */
function at<T>(list: readonly T[] | undefined | null, i: string): T | undefined {
  return Array.isArray(list) ? (list as readonly T[])[Number(i)] : undefined;
}

/**
 * Names a document path the way the user sees the thing it points at: `guests[0].vcpupin[16].cpuset`
 * → `guest A, vCPU 32`; `host.sockets[1].cores` → `socket 1`; `devices.mhi[0].socket` → `MHI
 * controller mhi0`. Null when the path names nothing the user would recognise better. `ws` may be a
 * document that failed validation: what it lacks names nothing.
 */
export function fieldLabel(ws: Workspace, field: string): string | null {
  let m = /^guests\[(\d+)\](?:\.vcpupin\[(\d+)\])?/.exec(field);
  if (m) {
    const g = at(ws?.guests, m[1]);
    const name = shown(g?.name);
    if (!g || name === null) return null;
    const vcpu = m[2] === undefined ? undefined : at(g.vcpupin, m[2])?.vcpu;
    if (Number.isInteger(vcpu)) return `guest ${name}, vCPU ${vcpu}`;
    // The libvirt elements beside the vCPU pins: emulator and IOThread pins, NUMA cells, memory binding, hugepages.
    const rest = field.slice(m[0].length);
    const io = /^\.iothreadpin\[(\d+)\]/.exec(rest);
    const cell = /^\.numaCells\[(\d+)\]/.exec(rest);
    const memnode = /^\.numatune\.memnode\[(\d+)\]/.exec(rest);
    const ioId = io && shown(at(g.iothreadpin, io[1])?.iothread);
    const cellId = cell && shown(at(g.numaCells, cell[1])?.id);
    const memnodeId = memnode && shown(at(g.numatune?.memnode, memnode[1])?.cellid);
    const what = rest.startsWith('.emulatorpin')
      ? 'emulator threads'
      : ioId
        ? `IOThread ${ioId}`
        : cellId
          ? `NUMA cell ${cellId}`
          : memnodeId
            ? `memory of cell ${memnodeId}`
            : rest.startsWith('.numatune')
              ? 'memory binding'
              : rest.startsWith('.hugepages')
                ? 'hugepages'
                : null;
    return what ? `guest ${name}, ${what}` : `guest ${name}`;
  }
  m = /^host\.sockets\[(\d+)\]/.exec(field);
  if (m) return `socket ${m[1]}`;
  m = /^devices\.mhi\[(\d+)\]/.exec(field);
  if (m) return named('MHI controller', at(ws?.devices?.mhi, m[1])?.name);
  m = /^devices\.aie\.partitions\[(\d+)\]/.exec(field);
  if (m) return named('AIE partition', at(ws?.devices?.aie?.partitions, m[1])?.name);
  m = /^devices\.dmabuf\.(exporters|importers)\[(\d+)\]/.exec(field);
  if (m) return named(`dma-buf ${m[1] === 'exporters' ? 'exporter' : 'importer'}`, at<{ name: string }>(ws?.devices?.dmabuf?.[m[1] as 'exporters' | 'importers'], m[2])?.name);
  m = /^workloads\[(\d+)\]/.exec(field);
  if (m) return named('workload on', at(ws?.workloads, m[1])?.target);
  return null;
}

const named = (what: string, name: unknown) => (shown(name) === null ? null : `${what} ${shown(name)}`);

/**
 * A refusal as the user reads it: what it is about in their words, why, the document path for the
 * record, then how many other problems the document has (`more`; they would otherwise sit between the
 * reason and its path).
 */
export function describeRefusal(ws: Workspace, field: string, detail: string, more = 0): string {
  const label = field ? fieldLabel(ws, field) : null;
  const first = !field ? detail : !label ? `${field}: ${detail}` : detail.includes(label) ? `${detail} (${field})` : `${label}: ${detail} (${field})`;
  return more > 0 ? `${first}, and ${more} more ${more === 1 ? 'problem' : 'problems'}` : first;
}

/**
 * Why `doc` (a file or a request, not checked yet) was refused, as the user reads it: a FieldError by
 * describeRefusal (`guest A, vCPU 32: CPU 300 … (guests[0].vcpupin[32].cpuset)`), any other error by its message.
 */
export function describeWorkspaceError(doc: unknown, e: unknown): string {
  return e instanceof FieldError ? describeRefusal(doc as Workspace, e.field, e.detail, e.more) : (e as Error).message;
}
