import seed from '../../../resources/workspaces/seed-power9-ipi.json';
import devices from '../../../resources/workspaces/devices-demo.json';
import labX86 from './lab-x86.json';
import { GiB } from '../../../src-common/parse/size';
import { emptyWorkspace, parseWorkspace, type Workspace } from '../../../src-common/workspace';

/** Workspaces the harness, the tests and the benchmark draw. */
export const seedWorkspace = (): Workspace => parseWorkspace(structuredClone(seed));

/** The benchmark's machine: 4 sockets × 24 SMT4 cores (384 threads), 8 guests of 64 vCPUs, a 50 × 9 AIE array. */
export function bigWorkspace(): Workspace {
  const ws = emptyWorkspace('big');
  ws.host.sockets = Array.from({ length: 4 }, () => ({ cores: 24, memoryBytes: 512 * GiB }));
  ws.guests = Array.from({ length: 8 }, (_, g) => ({
    name: `vm${g}`,
    memoryBytes: 64 * GiB,
    smp: { sockets: 1, cores: 32, threads: 2 },
    ksm: false,
    thp: true,
    // Each virtual core (2 vCPUs) on one physical SMT4 core; guests overlap, so some threads are overcommitted.
    vcpupin: Array.from({ length: 64 }, (_, v) => {
      const core = (g * 12 + (v >> 1)) % 96;
      return { vcpu: v, cpuset: `${core * 4}-${core * 4 + 3}` };
    }),
    mmu: 'radix' as const,
    bypassGuestPf: false,
  }));
  ws.devices.aie = { columns: 50, rows: 9, partitions: [{ name: 'p0', startCol: 0, numCols: 25 }] };
  return parseWorkspace(ws);
}

/** Two MHI controllers, a 50 × 9 AIE array with three partitions, dma-buf exporters and importers. */
export const devicesWorkspace = (): Workspace => parseWorkspace(structuredClone(devices));

/** `lstopo --of xml` of a 2-core x86 VM imported by `twb import hwloc` (its caches and PCI devices), an MHI modem and a guest added. */
export const labX86Workspace = (): Workspace => parseWorkspace(structuredClone(labX86));

export function caseByName(name: string | null): Workspace {
  if (name === 'big') return bigWorkspace();
  if (name === 'devices') return devicesWorkspace();
  if (name === 'empty') return parseWorkspace(emptyWorkspace('empty'));
  if (name === 'x86') return labX86Workspace();
  return seedWorkspace();
}
