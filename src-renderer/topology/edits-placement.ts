import { FieldError } from '../../src-common/parse/field-error';
import { formatCpuset } from '../../src-common/parse/cpuset';
import { formatSize } from '../../src-common/parse/size';
import { vcpuCount, type Guest, type Workspace } from '../../src-common/workspace';
import { edit } from './edits';

/**
 * Edits of a guest's placement as libvirt describes it — `<emulatorpin>`, `<iothreads>` and
 * `<iothreadpin>`, guest NUMA cells, `<numatune>`, hugepage backing — each a pure document
 * operation validated as a whole (cpusets against the host's CPUs, nodesets against its NUMA
 * nodes, cells against the guest's vCPUs), refused naming the field otherwise.
 */
export type Placement = Pick<Guest, 'emulatorpin' | 'iothreads' | 'iothreadpin' | 'numaCells' | 'numatune' | 'hugepages'>;

const guestAt = (d: Workspace, name: string) => {
  const i = d.guests.findIndex((g) => g.name === name);
  if (i < 0) throw new FieldError('guests', `no guest named '${name}'`);
  return i;
};

/** Sets (or, given undefined, removes) placement fields of guest `name`. */
export const setPlacement = (ws: Workspace, name: string, patch: Partial<Placement>) =>
  edit(ws, (d) => {
    const i = guestAt(d, name);
    const g = { ...d.guests[i] } as Guest & Record<string, unknown>;
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete g[k];
      else g[k] = v;
    }
    // libvirt makes the domain's memory the sum of its cells.
    if (g.numaCells) g.memoryBytes = g.numaCells.reduce((a, c) => a + c.memoryBytes, 0);
    // Fewer IOThreads: the pins of those gone go too.
    if (g.iothreadpin) {
      g.iothreadpin = g.iothreadpin.filter((p) => p.iothread <= (g.iothreads ?? 0));
      if (!g.iothreadpin.length) delete g.iothreadpin;
    }
    // Fewer cells: their memnodes go too.
    if (g.numatune?.memnode) {
      const memnode = g.numatune.memnode.filter((m) => m.cellid < (g.numaCells?.length ?? 0));
      g.numatune = { ...g.numatune, memnode };
      if (!memnode.length) delete g.numatune.memnode;
      if (!g.numatune.memory && !g.numatune.memnode) delete g.numatune;
    }
    d.guests[i] = g;
  });

/** A cpuset field's text as stored: trimmed; empty removes it. */
export const cpusetOrNone = (text: string) => (text.trim() === '' ? undefined : text.trim());

/** The pin of IOThread `id` set (empty text: removed). */
export function withIothreadPin(g: Guest, id: number, text: string): Guest['iothreadpin'] {
  const rest = (g.iothreadpin ?? []).filter((p) => p.iothread !== id);
  const cpuset = cpusetOrNone(text);
  const out = cpuset === undefined ? rest : [...rest, { iothread: id, cpuset }].sort((a, b) => a.iothread - b.iothread);
  return out.length ? out : undefined;
}

/**
 * `n` guest NUMA cells splitting the vCPUs (whole virtual cores, in order) and the memory as
 * evenly as they go; 0 removes the guest's NUMA topology (and its memnodes).
 */
export function evenCells(g: Guest, n: number): Guest['numaCells'] {
  if (n <= 0) return undefined;
  const vcores = Math.ceil(vcpuCount(g) / g.smp.threads);
  if (n > vcores) throw new FieldError('numaCells', `${n} cells need at least ${n} virtual cores; guest ${g.name} has ${vcores}`);
  const step = 1024 * 1024;
  const per = Math.floor(g.memoryBytes / n / step) * step;
  return Array.from({ length: n }, (_, id) => {
    const from = Math.floor((id * vcores) / n) * g.smp.threads;
    const to = Math.min(vcpuCount(g), Math.floor(((id + 1) * vcores) / n) * g.smp.threads) - 1;
    return { id, cpus: formatCpuset(Array.from({ length: to - from + 1 }, (_, k) => from + k)), memoryBytes: id === n - 1 ? g.memoryBytes - per * (n - 1) : per };
  });
}

/** The cell count of a guest set: cells split evenly (memory binding of cells beyond the count dropped). */
export const setCellCount = (ws: Workspace, name: string, n: number) => {
  const g = ws.guests.find((x) => x.name === name);
  if (!g) return setPlacement(ws, name, {});
  try {
    return setPlacement(ws, name, { numaCells: evenCells(g, n) });
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    const gi = ws.guests.indexOf(g);
    return { ok: false as const, field: `guests[${gi}].${e.field}`, message: `guest ${g.name}, NUMA cells: ${e.detail} (guests[${gi}].${e.field})` };
  }
};

/**
 * The hugepage backing as the inspector's size field shows it: null without hugepages; one size
 * for the whole guest (0: the host's default page size); or, when `<page>` elements name guest
 * cells (`nodeset`), `per-cell` and each page with the cells it backs.
 */
export function hugepageSummary(g: Guest): { size: number | 'per-cell'; pages: string[] } | null {
  const pages = g.hugepages?.pages;
  if (!pages) return null;
  if (pages.length <= 1 && pages[0]?.nodeset === undefined) return { size: pages[0]?.sizeBytes ?? 0, pages: [] };
  const cells = (set: string | undefined) => (set === undefined ? 'the other guest cells' : `guest cell${/^\d+$/.test(set) ? '' : 's'} ${set}`);
  return { size: 'per-cell', pages: pages.map((p) => `${formatSize(p.sizeBytes).replace(/([KMGT])$/, ' $1iB')} pages for ${cells(p.nodeset)}`) };
}
