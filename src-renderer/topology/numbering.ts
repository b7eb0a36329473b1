import type { Host } from '../../src-common/workspace';

/**
 * The host's objects with their logical (L#) and physical (P#) numbers, as lstopo shows them.
 *
 * L# are hwloc's logical indexes: dense, in tree order. P# are the OS/firmware numbers:
 * a PU's P# is its Linux CPU number (contiguous here, `cpu = globalCore × threadsPerCore +
 * thread`, the workspace's own numbering); a package's and its NUMA node's P# is the POWER9
 * chip id, which OpenPOWER firmware spaces by 8 (chips 0, 8, 16, …); a core's P# is Linux's
 * `core_id`, the hardware thread id shifted right by the SMT4 width — `(chip << 6) | core`
 * for the P9 PIR layout `chip << 8 | core << 2 | thread`. An SMT8 core is a pair of SMT4
 * cores and takes the id of its even half.
 */
export interface PuInfo {
  cpu: number;
  thread: number;
  /** Global core L#. */
  core: number;
  socket: number;
}
export interface CoreInfo {
  logical: number;
  physical: number;
  socket: number;
  indexInSocket: number;
  pus: number[];
}
export interface SocketInfo {
  logical: number;
  chipId: number;
  cores: CoreInfo[];
}

export const CHIP_ID_STRIDE = 8;

export function hostTree(host: Host): SocketInfo[] {
  const tpc = host.threadsPerCore;
  const halves = tpc === 8 ? 2 : 1;
  let core = 0;
  return host.sockets.map((s, si) => {
    const chipId = si * CHIP_ID_STRIDE;
    const cores: CoreInfo[] = [];
    for (let k = 0; k < s.cores; k++, core++) {
      const pus = Array.from({ length: tpc }, (_, t) => core * tpc + t);
      cores.push({ logical: core, physical: (chipId << 6) | (k * halves), socket: si, indexInSocket: k, pus });
    }
    return { logical: si, chipId, cores };
  });
}

/** Where each Linux CPU sits. */
export function puTable(host: Host): PuInfo[] {
  const out: PuInfo[] = [];
  hostTree(host).forEach((s) => s.cores.forEach((c) => c.pus.forEach((cpu, t) => out.push({ cpu, thread: t, core: c.logical, socket: s.logical }))));
  return out;
}
