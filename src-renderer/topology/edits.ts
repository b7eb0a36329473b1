import { FieldError } from '../../src-common/parse/field-error';
import { formatCpuset, parseCpuset } from '../../src-common/parse/cpuset';
import { GiB, MiB } from '../../src-common/parse/size';
import {
  SAME_THREADS,
  carryCpuIdentity,
  defaultAieArray,
  describeRefusal,
  hostCpuCount,
  hostSchema,
  parseWorkspace,
  vcpuCount,
  type AiePartitionConfig,
  type DmabufExporter,
  type DmabufImporter,
  type Guest,
  type MhiController,
  type ThreadMap,
  withoutCores,
  withoutSocket,
  type Workspace,
} from '../../src-common/workspace';
import { AIE_ID, DMABUF_ID, MACHINE_ID, guestId, parseNodeId, type NodeRef } from './ids';
import { hostTree } from './numbering';

/**
 * Topology edits as pure document operations: each takes a workspace and returns the next
 * one, validated with parseWorkspace, or the reason it is refused, naming the field. The
 * input is never changed. The UI hands `doc` to the store's `apply()` (undo, autosave).
 */
export type EditResult = { ok: true; doc: Workspace } | { ok: false; field: string; message: string };

export function edit(ws: Workspace, mutate: (d: Workspace) => void): EditResult {
  const draft = structuredClone(ws) as Workspace;
  try {
    mutate(draft);
    return { ok: true, doc: parseWorkspace(draft) };
  } catch (e) {
    // Named as the user sees it (guest A, vCPU 32), with the document path after it.
    if (e instanceof FieldError) return { ok: false, field: e.field, message: describeRefusal(draft, e.field, e.detail, e.more) };
    return { ok: false, field: '', message: (e as Error).message };
  }
}

const guestIndex = (ws: Workspace, name: string) => {
  const i = ws.guests.findIndex((g) => g.name === name);
  if (i < 0) throw new FieldError('guests', `no guest named '${name}'`);
  return i;
};

// ---- host ----

/**
 * Host edits keep CPU identity: every pin and MHI socket is carried to the new numbering
 * (src-common/workspace/rehost.ts), or the edit is refused when a pinned thread would go.
 */
const hostEdit = (ws: Workspace, mutate: (d: Workspace) => void, threads: ThreadMap = SAME_THREADS) =>
  edit(ws, (d) => {
    mutate(d);
    // A host the schema refuses is reported as such, before any pin is looked at.
    if (!hostSchema.safeParse(d.host).success) parseWorkspace(d);
    carryCpuIdentity(ws, d, threads);
  });

/** Adds a socket like the last one. */
export const addSocket = (ws: Workspace) => hostEdit(ws, (d) => void d.host.sockets.push({ ...d.host.sockets[d.host.sockets.length - 1] }));

/** Removes socket `s` (later sockets move down one); refused while pins or devices still refer to it. */
export const removeSocket = (ws: Workspace, s: number) =>
  hostEdit(
    ws,
    (d) => {
      if (s < 0 || s >= d.host.sockets.length) throw new FieldError('host.sockets', `no socket ${s}`);
      if (d.host.sockets.length === 1) throw new FieldError('host.sockets', 'the host needs at least one socket');
      d.host.sockets.splice(s, 1);
    },
    withoutSocket(s),
  );

/** Adds a core at the end of socket `s`; the CPUs of later sockets are renumbered and their pins follow. */
export const addCore = (ws: Workspace, s: number) => setCores(ws, s, (ws.host.sockets[s]?.cores ?? 0) + 1);

/** Removes the last core of socket `s`; refused while a vCPU is pinned to one of its threads. */
export const removeCore = (ws: Workspace, s: number) => setCores(ws, s, (ws.host.sockets[s]?.cores ?? 0) - 1);

/** Removes the given cores (indices within socket `s`), whichever they are; later cores and sockets are renumbered, pins follow. */
export const removeCores = (ws: Workspace, s: number, cores: readonly number[]) =>
  hostEdit(
    ws,
    (d) => {
      if (!d.host.sockets[s]) throw new FieldError('host.sockets', `no socket ${s}`);
      d.host.sockets[s].cores -= new Set(cores).size;
    },
    withoutCores(s, cores),
  );

export const setCores = (ws: Workspace, s: number, cores: number) =>
  hostEdit(ws, (d) => {
    if (!d.host.sockets[s]) throw new FieldError('host.sockets', `no socket ${s}`);
    d.host.sockets[s].cores = cores;
  });

export const setSocketMemory = (ws: Workspace, s: number, bytes: number) =>
  edit(ws, (d) => {
    if (!d.host.sockets[s]) throw new FieldError('host.sockets', `no socket ${s}`);
    d.host.sockets[s].memoryBytes = bytes;
  });

/** SMT mode: threads per core (1, 2, 4 or 8). */
export const setSmt = (ws: Workspace, threadsPerCore: number) => hostEdit(ws, (d) => void (d.host.threadsPerCore = threadsPerCore as Workspace['host']['threadsPerCore']));

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

/** The blocks of the drawing that can be moved: the machine, a guest, the AI Engine array, the dma-buf block. */
export function isMovableBlock(ws: Workspace, id: string): boolean {
  if (id === MACHINE_ID) return true;
  if (id === AIE_ID) return Boolean(ws.devices.aie);
  if (id === DMABUF_ID) return ws.devices.dmabuf.exporters.length + ws.devices.dmabuf.importers.length > 0;
  return id.startsWith('guest:') && ws.guests.some((g) => guestId(g.name) === id);
}

/**
 * Moves drawing blocks to new top-left corners (whole model units), as one edit: the view
 * model's `view.positions`, which the layout honours. Anything but a block is refused.
 */
export const moveBlocks = (ws: Workspace, moves: Readonly<Record<string, { x: number; y: number }>>) =>
  edit(ws, (d) => {
    const positions = { ...(d.view?.positions ?? {}) };
    for (const [id, at] of Object.entries(moves)) {
      if (!isMovableBlock(d, id)) throw new FieldError(`view.positions.${id}`, `'${id}' is not a block of the drawing that can be moved (the machine, a guest, the AI Engine array or the dma-buf block)`);
      if (!Number.isFinite(at.x) || !Number.isFinite(at.y)) throw new FieldError(`view.positions.${id}`, `expected a finite position, got ${at.x}, ${at.y}`);
      positions[id] = { x: Math.round(at.x), y: Math.round(at.y) };
    }
    d.view = { positions };
  });

/** Moves one drawing block (the machine, a guest, the AIE array, the dma-buf block) to `at` (its top-left corner). */
export const moveBlock = (ws: Workspace, id: string, at: { x: number; y: number }) => moveBlocks(ws, { [id]: at });

/** Forgets every moved block: the drawing goes back to the computed layout. */
export const resetLayout = (ws: Workspace) => edit(ws, (d) => void delete d.view);

// ---- devices ----

/** `base0`, `base1`, … : the first not in `used`. */
function freeName(used: Iterable<string>, base: string): string {
  const set = new Set(used);
  for (let i = 0; ; i++) if (!set.has(`${base}${i}`)) return `${base}${i}`;
}

const mhiIndex = (d: Workspace, name: string) => {
  const i = d.devices.mhi.findIndex((m) => m.name === name);
  if (i < 0) throw new FieldError('devices.mhi', `no MHI controller named '${name}'`);
  return i;
};

/** A new controller's link and ring: Gen3 x1, 32 descriptors, the LOOPBACK MTU 0x1000 (seed). */
export const MHI_DEFAULTS = { pcieGen: 3, pcieWidth: 1, ringSize: 32, mtu: 0x1000 } as const;

/** Adds an MHI controller on `socket` (named mhi0, mhi1, … unless `patch` names it). */
export const addMhi = (ws: Workspace, socket: number, patch: Partial<MhiController> = {}) =>
  edit(ws, (d) => void d.devices.mhi.push({ name: freeName(d.devices.mhi.map((m) => m.name), 'mhi'), socket, ...MHI_DEFAULTS, ...patch }));

export const updateMhi = (ws: Workspace, name: string, patch: Partial<MhiController>) =>
  edit(ws, (d) => {
    const i = mhiIndex(d, name);
    d.devices.mhi[i] = { ...d.devices.mhi[i], ...patch };
  });

export const removeMhi = (ws: Workspace, name: string) => edit(ws, (d) => void d.devices.mhi.splice(mhiIndex(d, name), 1));

const aieOf = (d: Workspace) => {
  if (!d.devices.aie) throw new FieldError('devices.aie', 'there is no AI Engine array: add one first');
  return d.devices.aie;
};
const partitionIndex = (d: Workspace, name: string) => {
  const i = aieOf(d).partitions.findIndex((p) => p.name === name);
  if (i < 0) throw new FieldError('devices.aie.partitions', `no AIE partition named '${name}'`);
  return i;
};
/** Refuses while dma-buf exporters export the memory of `partition` (any partition when omitted). */
function checkNoAieExporters(d: Workspace, what: string, partition?: string) {
  const i = d.devices.dmabuf.exporters.findIndex((e) => e.kind === 'aie' && (partition === undefined || e.partition === partition));
  if (i >= 0) {
    const e = d.devices.dmabuf.exporters[i];
    throw new FieldError(`devices.dmabuf.exporters[${i}].partition`, `dma-buf exporter ${e.name} exports partition ${e.partition}'s ${e.memory} memory: remove it before ${what}`);
  }
}

/** Adds a VC1902-like AI Engine array (50 columns, SHIM row + 8 core rows), if there is none. */
export const addAieArray = (ws: Workspace) =>
  edit(ws, (d) => {
    if (d.devices.aie) throw new FieldError('devices.aie', 'the workspace already has an AI Engine array');
    d.devices.aie = defaultAieArray();
  });

export const setAieSize = (ws: Workspace, columns: number, rows: number) =>
  edit(ws, (d) => {
    const a = aieOf(d);
    a.columns = columns;
    a.rows = rows;
  });

export const removeAieArray = (ws: Workspace) =>
  edit(ws, (d) => {
    aieOf(d);
    checkNoAieExporters(d, 'removing the AI Engine array');
    d.devices.aie = null;
    if (d.view?.positions) delete d.view.positions[AIE_ID];
  });

/** The first run of free columns of the array: [start, length], or null when every column is taken. */
export function firstFreeColumns(a: NonNullable<Workspace['devices']['aie']>): [number, number] | null {
  const taken = new Array<boolean>(a.columns).fill(false);
  for (const p of a.partitions) for (let c = p.startCol; c < p.startCol + p.numCols && c < a.columns; c++) taken[c] = true;
  const start = taken.indexOf(false);
  if (start < 0) return null;
  let end = start;
  while (end < a.columns && !taken[end]) end++;
  return [start, end - start];
}

/** A new partition is this many columns wide at most when no range is given. */
export const NEW_PARTITION_COLUMNS = 4;

/**
 * Adds a partition. Without a range it takes the first free columns (at most
 * NEW_PARTITION_COLUMNS of them); a range that overlaps another partition or runs past the
 * array is refused by the schema, naming the partition and the columns.
 */
export const addAiePartition = (ws: Workspace, p: Partial<Pick<AiePartitionConfig, 'name' | 'startCol' | 'numCols'>> = {}) =>
  edit(ws, (d) => {
    const a = aieOf(d);
    let { startCol, numCols } = p;
    if (startCol === undefined) {
      const free = firstFreeColumns(a);
      if (!free) throw new FieldError('devices.aie.partitions', `no free columns: all ${a.columns} columns of the array are in partitions`);
      startCol = free[0];
      numCols ??= Math.min(free[1], NEW_PARTITION_COLUMNS);
    }
    a.partitions.push({ name: p.name ?? freeName(a.partitions.map((q) => q.name), 'p'), startCol, numCols: numCols ?? 1 });
  });

/** Changes a partition's name or columns; a rename carries the dma-buf exporters of its memory along. */
export const updateAiePartition = (ws: Workspace, name: string, patch: Partial<Pick<AiePartitionConfig, 'name' | 'startCol' | 'numCols'>>) =>
  edit(ws, (d) => {
    const a = aieOf(d);
    const i = partitionIndex(d, name);
    a.partitions[i] = { ...a.partitions[i], ...patch };
    if (patch.name !== undefined && patch.name !== name) for (const e of d.devices.dmabuf.exporters) if (e.kind === 'aie' && e.partition === name) e.partition = patch.name;
  });

export const removeAiePartition = (ws: Workspace, name: string) =>
  edit(ws, (d) => {
    const i = partitionIndex(d, name);
    checkNoAieExporters(d, `removing partition ${name}`, name);
    aieOf(d).partitions.splice(i, 1);
  });

const dmaNames = (d: Workspace) => [...d.devices.dmabuf.exporters, ...d.devices.dmabuf.importers].map((x) => x.name);
const exporterIndex = (d: Workspace, name: string) => {
  const i = d.devices.dmabuf.exporters.findIndex((e) => e.name === name);
  if (i < 0) throw new FieldError('devices.dmabuf.exporters', `no dma-buf exporter named '${name}'`);
  return i;
};
const importerIndex = (d: Workspace, name: string) => {
  const i = d.devices.dmabuf.importers.findIndex((m) => m.name === name);
  if (i < 0) throw new FieldError('devices.dmabuf.importers', `no dma-buf importer named '${name}'`);
  return i;
};

const EXPORTER_BASE: Record<DmabufExporter['kind'], string> = { 'system-heap': 'heap', camera: 'cam', aie: 'aiemem' };
const IMPORTER_BASE: Record<DmabufImporter['kind'], string> = { display: 'disp', gpu: 'gpu', aie: 'aieimp' };
/** A camera's default buffer: one 1920×1080 frame at 4 bytes a pixel. */
export const CAMERA_FRAME_BYTES = 1920 * 1080 * 4;

/** The fields an exporter of `kind` has: a size for heap and camera, a partition and memory for aie. */
function exporterFields(d: Workspace, e: DmabufExporter): DmabufExporter {
  if (e.kind === 'aie') {
    const partition = e.partition ?? d.devices.aie?.partitions[0]?.name;
    if (partition === undefined) throw new FieldError('devices.dmabuf.exporters', 'an aie exporter exports a partition of the AI Engine array: add a partition first');
    return { name: e.name, kind: e.kind, partition, memory: e.memory ?? 'data' };
  }
  return { name: e.name, kind: e.kind, sizeBytes: e.sizeBytes ?? (e.kind === 'camera' ? CAMERA_FRAME_BYTES : MiB) };
}

/** Adds an exporter (a 1 MiB system-heap buffer by default). */
export const addDmaExporter = (ws: Workspace, kind: DmabufExporter['kind'] = 'system-heap', patch: Partial<DmabufExporter> = {}) =>
  edit(ws, (d) => void d.devices.dmabuf.exporters.push(exporterFields(d, { name: freeName(dmaNames(d), EXPORTER_BASE[kind]), ...patch, kind })));

/** Changes an exporter; a new kind brings that kind's fields; a rename carries its importers along. */
export const updateDmaExporter = (ws: Workspace, name: string, patch: Partial<DmabufExporter>) =>
  edit(ws, (d) => {
    const i = exporterIndex(d, name);
    const cur = d.devices.dmabuf.exporters[i];
    const kindChanged = patch.kind !== undefined && patch.kind !== cur.kind;
    const next = kindChanged ? { name: cur.name, kind: cur.kind, ...patch } : { ...cur, ...patch };
    d.devices.dmabuf.exporters[i] = exporterFields(d, next as DmabufExporter);
    if (patch.name !== undefined && patch.name !== name) for (const m of d.devices.dmabuf.importers) if (m.source === name) m.source = patch.name;
  });

/** Removes an exporter (and so its buffer); refused while importers import it. */
export const removeDmaExporter = (ws: Workspace, name: string) =>
  edit(ws, (d) => {
    const i = exporterIndex(d, name);
    const users = d.devices.dmabuf.importers.filter((m) => m.source === name).map((m) => m.name);
    if (users.length)
      throw new FieldError(`devices.dmabuf.exporters[${i}]`, `${users.join(', ')} import${users.length === 1 ? 's' : ''} ${name}'s buffer: remove ${users.length === 1 ? 'it' : 'them'} or change the source first`);
    d.devices.dmabuf.exporters.splice(i, 1);
  });

/** Adds an importer (a GPU by default), fed by `source` when given. */
export const addDmaImporter = (ws: Workspace, kind: DmabufImporter['kind'] = 'gpu', source?: string) =>
  edit(ws, (d) => {
    const m: DmabufImporter = { name: freeName(dmaNames(d), IMPORTER_BASE[kind]), kind };
    if (source !== undefined) m.source = source;
    d.devices.dmabuf.importers.push(m);
  });

/** Changes an importer; `source: null` disconnects it. */
export const updateDmaImporter = (ws: Workspace, name: string, patch: { name?: string; kind?: DmabufImporter['kind']; source?: string | null }) =>
  edit(ws, (d) => {
    const i = importerIndex(d, name);
    const { source, ...rest } = patch;
    const m: DmabufImporter = { ...d.devices.dmabuf.importers[i], ...rest };
    if (source === null) delete m.source;
    else if (source !== undefined) m.source = source;
    d.devices.dmabuf.importers[i] = m;
  });

export const removeDmaImporter = (ws: Workspace, name: string) => edit(ws, (d) => void d.devices.dmabuf.importers.splice(importerIndex(d, name), 1));

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
    const refs = ids.map((id) => (id.startsWith('pin:') ? pinEdgeSource(id) : id.startsWith('dmaedge:imp:') ? importEdgeTarget(id) : parseNodeId(id)));
    cur = deleteDevices(cur, refs, step);
    // Guests first (their vCPUs go with them), then pins, cores, and sockets from the highest.
    const guests = new Set(refs.flatMap((r) => (r?.kind === 'guest' ? [r.guest] : [])));
    for (const g of guests) step(removeGuest(cur, g));
    for (const r of refs) if (r?.kind === 'vcpu' && !guests.has(r.guest)) step(unpinVcpus(cur, r.guest, [r.vcpu]));
    const tree = hostTree(cur.host);
    // The selected cores themselves go (not the last ones of their socket).
    const coresBySocket = new Map<number, number[]>();
    for (const r of refs) {
      if (r?.kind !== 'core') continue;
      const s = tree.findIndex((sk) => sk.cores.some((c) => c.logical === r.core));
      if (s >= 0) coresBySocket.set(s, [...(coresBySocket.get(s) ?? []), tree[s].cores.findIndex((c) => c.logical === r.core)]);
    }
    for (const [s, cores] of coresBySocket) step(removeCores(cur, s, cores));
    const sockets = refs.flatMap((r) => (r?.kind === 'package' ? [r.socket] : [])).sort((a, b) => b - a);
    for (const s of sockets) step(removeSocket(cur, s));
  } catch (r) {
    return r as EditResult;
  }
  if (cur === ws) return { ok: false, field: '', message: 'Nothing to delete here: select a guest, vCPU, pin, core, package or device (threads change with the SMT mode).' };
  return { ok: true, doc: cur };
}

type Ref = NodeRef | { kind: 'dma-link'; importer: string } | null;

/**
 * The device part of a Del: unlinks importers (a selected buffer → importer edge), removes
 * importers, then exporters (a selected buffer stands for its exporter), AIE partitions, the
 * array, MHI controllers — in that order, so what a later removal would be refused for goes first.
 */
function deleteDevices(ws: Workspace, refs: readonly Ref[], step: (r: EditResult) => void): Workspace {
  let cur = ws;
  const run = (r: EditResult) => {
    step(r);
    if (r.ok) cur = r.doc;
  };
  const of = <K extends string>(kind: K) => refs.filter((r): r is Extract<NonNullable<Ref>, { kind: K }> => r?.kind === kind);
  const wholeDmabuf = of('dmabuf').length > 0;
  const importers = new Set([...of('dma-importer').map((r) => r.name), ...(wholeDmabuf ? cur.devices.dmabuf.importers.map((m) => m.name) : [])]);
  for (const r of of('dma-link')) if (!importers.has(r.importer)) run(updateDmaImporter(cur, r.importer, { source: null }));
  for (const n of importers) run(removeDmaImporter(cur, n));
  const exporters = new Set([...of('dma-exporter').map((r) => r.name), ...of('dma-buffer').map((r) => r.exporter), ...(wholeDmabuf ? cur.devices.dmabuf.exporters.map((e) => e.name) : [])]);
  for (const n of exporters) run(removeDmaExporter(cur, n));
  const wholeAie = of('aie').length > 0;
  if (!wholeAie) for (const r of of('aie-partition')) run(removeAiePartition(cur, r.name));
  if (wholeAie) run(removeAieArray(cur));
  for (const r of of('mhi')) run(removeMhi(cur, r.name));
  if (wholeDmabuf && cur.view?.positions?.[DMABUF_ID]) run(edit(cur, (d) => void delete d.view!.positions[DMABUF_ID]));
  return cur;
}

/** dmaedge:imp:IMPORTER → the link of that importer to its source. */
const importEdgeTarget = (id: string) => ({ kind: 'dma-link' as const, importer: id.slice('dmaedge:imp:'.length) });

/** pin:GUEST:VCPU:TARGET → the vCPU it starts from. */
function pinEdgeSource(id: string) {
  const [, guest, vcpu] = id.split(':');
  return { kind: 'vcpu' as const, guest, vcpu: Number(vcpu) };
}
