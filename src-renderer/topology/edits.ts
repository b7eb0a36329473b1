import { FieldError } from '../../src-common/parse/field-error';
import { formatCpuset, parseCpuset } from '../../src-common/parse/cpuset';
import { GiB } from '../../src-common/parse/size';
import { hostCpuCount, parseWorkspace, vcpuCount, type Guest, type Workspace } from '../../src-common/workspace';
import { guestId, parseNodeId } from './ids';
import { hostTree } from './numbering';

/**
 * Topology edits as pure document operations: each takes a workspace and returns the next
 * one, validated with parseWorkspace, or the reason it is refused, naming the field. The
 * input is never changed. The UI hands `doc` to the store's `apply()` (undo, autosave).
 */
export type EditResult = { ok: true; doc: Workspace } | { ok: false; field: string; message: string };

function edit(ws: Workspace, mutate: (d: Workspace) => void): EditResult {
  const draft = structuredClone(ws) as Workspace;
  try {
    mutate(draft);
    return { ok: true, doc: parseWorkspace(draft) };
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, field: e.field, message: e.message };
    return { ok: false, field: '', message: (e as Error).message };
  }
}

const guestIndex = (ws: Workspace, name: string) => {
  const i = ws.guests.findIndex((g) => g.name === name);
  if (i < 0) throw new FieldError('guests', `no guest named '${name}'`);
  return i;
};

// ---- host ----

/** Adds a socket like the last one. */
export const addSocket = (ws: Workspace) => edit(ws, (d) => void d.host.sockets.push({ ...d.host.sockets[d.host.sockets.length - 1] }));

/** Removes socket `s`; refused while pins or devices still refer to CPUs or sockets that would go. */
export const removeSocket = (ws: Workspace, s: number) =>
  edit(ws, (d) => {
    if (s < 0 || s >= d.host.sockets.length) throw new FieldError('host.sockets', `no socket ${s}`);
    d.host.sockets.splice(s, 1);
  });

export const addCore = (ws: Workspace, s: number) =>
  edit(ws, (d) => {
    if (!d.host.sockets[s]) throw new FieldError('host.sockets', `no socket ${s}`);
    d.host.sockets[s].cores += 1;
  });

export const removeCore = (ws: Workspace, s: number) =>
  edit(ws, (d) => {
    if (!d.host.sockets[s]) throw new FieldError('host.sockets', `no socket ${s}`);
    d.host.sockets[s].cores -= 1;
  });

export const setCores = (ws: Workspace, s: number, cores: number) =>
  edit(ws, (d) => {
    if (!d.host.sockets[s]) throw new FieldError('host.sockets', `no socket ${s}`);
    d.host.sockets[s].cores = cores;
  });

export const setSocketMemory = (ws: Workspace, s: number, bytes: number) =>
  edit(ws, (d) => {
    if (!d.host.sockets[s]) throw new FieldError('host.sockets', `no socket ${s}`);
    d.host.sockets[s].memoryBytes = bytes;
  });

/** SMT mode: threads per core (1, 2, 4 or 8). */
export const setSmt = (ws: Workspace, threadsPerCore: number) => edit(ws, (d) => void (d.host.threadsPerCore = threadsPerCore as Workspace['host']['threadsPerCore']));

export const renameHost = (ws: Workspace, name: string) => edit(ws, (d) => void (d.host.name = name));

// ---- guests ----

/** A name not used by any guest: `base`, else `base2`, `base3`, … (or A, B, C, … for new guests). */
export function freeGuestName(ws: Workspace, base?: string): string {
  const used = new Set(ws.guests.map((g) => g.name));
  if (!base) {
    for (let i = 0; i < 26; i++) {
      const n = String.fromCharCode(65 + i);
      if (!used.has(n)) return n;
    }
    base = 'guest';
  }
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

export function newGuest(name: string): Guest {
  return { name, memoryBytes: 4 * GiB, smp: { sockets: 1, cores: 4, threads: 1 }, ksm: false, thp: true, vcpupin: [], mmu: 'radix', bypassGuestPf: false };
}

export const addGuest = (ws: Workspace, name = freeGuestName(ws)) => edit(ws, (d) => void d.guests.push(newGuest(name)));

/** Removes a guest with its workloads and its place in the drawing. */
export const removeGuest = (ws: Workspace, name: string) =>
  edit(ws, (d) => {
    d.guests.splice(guestIndex(d, name), 1);
    d.workloads = d.workloads.filter((w) => w.target !== name);
    if (d.view?.positions) delete d.view.positions[guestId(name)];
  });

/**
 * Changes a guest's settings. A rename carries its workloads and drawing position along;
 * shrinking the vCPU count drops the pins of vCPUs that no longer exist.
 */
export const updateGuest = (ws: Workspace, name: string, patch: Partial<Omit<Guest, 'vcpupin'>>) =>
  edit(ws, (d) => {
    const i = guestIndex(d, name);
    const g: Guest = { ...d.guests[i], ...patch, smp: { ...d.guests[i].smp, ...patch.smp } };
    g.vcpupin = g.vcpupin.filter((p) => p.vcpu < vcpuCount(g));
    d.guests[i] = g;
    if (patch.name !== undefined && patch.name !== name) {
      for (const w of d.workloads) if (w.target === name) w.target = patch.name;
      const pos = d.view?.positions?.[guestId(name)];
      if (pos && d.view) {
        d.view.positions[guestId(patch.name)] = pos;
        delete d.view.positions[guestId(name)];
      }
    }
  });

/** The guest as a clipboard value (plain JSON). */
export const copyGuest = (ws: Workspace, name: string): Guest => structuredClone(ws.guests[guestIndex(ws, name)]);

/** Pastes a copied guest under a free name (`A` → `A2`); its pins are kept if they fit this host. */
export const pasteGuest = (ws: Workspace, guest: Guest) => edit(ws, (d) => void d.guests.push({ ...structuredClone(guest), name: freeGuestName(d, guest.name) }));

// ---- pinning ----

function setPin(d: Workspace, gi: number, vcpu: number, cpuset: string | null) {
  const g = d.guests[gi];
  if (!Number.isInteger(vcpu) || vcpu < 0 || vcpu >= vcpuCount(g)) throw new FieldError(`guests[${gi}].vcpupin`, `guest ${g.name} has no vCPU ${vcpu} (0-${vcpuCount(g) - 1})`);
  g.vcpupin = g.vcpupin.filter((p) => p.vcpu !== vcpu);
  if (cpuset !== null) g.vcpupin.push({ vcpu, cpuset });
  g.vcpupin.sort((a, b) => a.vcpu - b.vcpu);
}

/** Checks a cpuset against the host before it goes into the document, so the error names the field the user typed in. */
function checkCpuset(d: Workspace, gi: number, vcpu: number, cpuset: string): string {
  try {
    parseCpuset(cpuset, hostCpuCount(d.host));
    return cpuset.replace(/\s+/g, '');
  } catch (e) {
    const at = d.guests[gi].vcpupin.findIndex((p) => p.vcpu === vcpu);
    throw new FieldError(`guests[${gi}].vcpupin[${at < 0 ? d.guests[gi].vcpupin.length : at}].cpuset`, (e as Error).message);
  }
}

/** Pins each of `vcpus` to the same cpuset (libvirt syntax, `0-3,^2`); an empty cpuset unpins them. */
export const pinVcpus = (ws: Workspace, guest: string, vcpus: readonly number[], cpuset: string) =>
  edit(ws, (d) => {
    const gi = guestIndex(d, guest);
    for (const v of vcpus) setPin(d, gi, v, cpuset.trim() === '' ? null : checkCpuset(d, gi, v, cpuset));
  });

export const unpinVcpus = (ws: Workspace, guest: string, vcpus: readonly number[]) => pinVcpus(ws, guest, vcpus, '');

/**
 * Spreads `vcpus` (in order) over the CPUs of `cpuset`: each vCPU gets an equal consecutive
 * share, `perVcpu` CPUs wide (default: as many as divide evenly). `groupBy` vCPUs share one
 * share, as SMT siblings do in the seed (vCPUs 2k, 2k+1 → CPUs 4k..4k+3 is groupBy 2, perVcpu 4).
 */
export const pinSpread = (ws: Workspace, guest: string, vcpus: readonly number[], cpuset: string, opts: { perVcpu?: number; groupBy?: number } = {}) =>
  edit(ws, (d) => {
    const gi = guestIndex(d, guest);
    const first = vcpus[0] ?? 0;
    const cpus = parseCpuset(checkCpuset(d, gi, first, cpuset));
    const groupBy = Math.max(1, opts.groupBy ?? 1);
    const groups = Math.ceil(vcpus.length / groupBy);
    const width = opts.perVcpu ?? Math.floor(cpus.length / groups);
    if (width < 1 || groups * width > cpus.length)
      throw new FieldError(`guests[${gi}].vcpupin`, `${vcpus.length} vCPUs${groupBy > 1 ? ` in groups of ${groupBy}` : ''} need ${groups * Math.max(width, 1)} CPUs; '${cpuset}' has ${cpus.length}`);
    vcpus.forEach((v, i) => {
      const k = Math.floor(i / groupBy);
      setPin(d, gi, v, formatCpuset(cpus.slice(k * width, (k + 1) * width)));
    });
  });

// ---- view model ----

/** Moves a drawing block (the machine or a guest box) to `at` (its top-left corner). */
export const moveBlock = (ws: Workspace, id: string, at: { x: number; y: number }) =>
  edit(ws, (d) => {
    d.view = { positions: { ...(d.view?.positions ?? {}), [id]: { x: Math.round(at.x), y: Math.round(at.y) } } };
  });

// ---- deleting a selection ----

/**
 * Del on a selection of drawing elements: removes guests, cores and sockets, unpins vCPUs
 * and pin edges, as one edit. Threads, NUMA nodes and the machine are not deletable.
 */
export function deleteElements(ws: Workspace, ids: readonly string[]): EditResult {
  let cur: Workspace = ws;
  const step = (r: EditResult) => {
    if (!r.ok) throw r;
    cur = r.doc;
  };
  try {
    const refs = ids.map((id) => (id.startsWith('pin:') ? pinEdgeSource(id) : parseNodeId(id)));
    // Guests first (their vCPUs go with them), then pins, cores, and sockets from the highest.
    const guests = new Set(refs.flatMap((r) => (r?.kind === 'guest' ? [r.guest] : [])));
    for (const g of guests) step(removeGuest(cur, g));
    for (const r of refs) if (r?.kind === 'vcpu' && !guests.has(r.guest)) step(unpinVcpus(cur, r.guest, [r.vcpu]));
    const tree = hostTree(cur.host);
    const coresBySocket = new Map<number, number>();
    for (const r of refs) {
      if (r?.kind !== 'core') continue;
      const s = tree.findIndex((sk) => sk.cores.some((c) => c.logical === r.core));
      if (s >= 0) coresBySocket.set(s, (coresBySocket.get(s) ?? 0) + 1);
    }
    for (const [s, n] of coresBySocket) step(setCores(cur, s, cur.host.sockets[s].cores - n));
    const sockets = refs.flatMap((r) => (r?.kind === 'package' ? [r.socket] : [])).sort((a, b) => b - a);
    for (const s of sockets) step(removeSocket(cur, s));
  } catch (r) {
    return r as EditResult;
  }
  if (cur === ws) return { ok: false, field: '', message: 'Nothing to delete here: select a guest, vCPU, pin, core or package (threads change with the SMT mode).' };
  return { ok: true, doc: cur };
}

/** pin:GUEST:VCPU:TARGET → the vCPU it starts from. */
function pinEdgeSource(id: string) {
  const [, guest, vcpu] = id.split(':');
  return { kind: 'vcpu' as const, guest, vcpu: Number(vcpu) };
}
