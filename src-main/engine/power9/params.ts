import type { ParamDef } from '../core';
import { POWER9_CACHE_DEFAULTS as D, POWER9_CACHE_SOURCE } from '../../../src-common/workspace/host-caches';

/**
 * The POWER9 host's caches and NUMA costs. Keys `host.cache.*`, `host.numa.*`. A host whose
 * workspace lists its own caches (imported from another machine) uses those instead of the
 * cache parameters; the drawing, `twb export hwloc` and the scheduler's cache domain read them.
 */
export const HOST_TOPOLOGY_PARAMS = [
  {
    key: 'host.cache.l1i_bytes',
    unit: 'bytes',
    default: D['host.cache.l1i_bytes'],
    min: 1024,
    max: 1024 * 1024,
    integer: true,
    doc: 'L1 instruction cache per SMT4 core.',
    source: POWER9_CACHE_SOURCE,
  },
  {
    key: 'host.cache.l1d_bytes',
    unit: 'bytes',
    default: D['host.cache.l1d_bytes'],
    min: 1024,
    max: 1024 * 1024,
    integer: true,
    doc: 'L1 data cache per SMT4 core.',
    source: POWER9_CACHE_SOURCE,
  },
  {
    key: 'host.cache.l2_bytes',
    unit: 'bytes',
    default: D['host.cache.l2_bytes'],
    min: 64 * 1024,
    max: 64 * 1024 * 1024,
    integer: true,
    doc: 'L2 cache per slice (shared by host.cache.l2_smt4_cores SMT4 cores).',
    source: POWER9_CACHE_SOURCE,
  },
  {
    key: 'host.cache.l3_bytes',
    unit: 'bytes',
    default: D['host.cache.l3_bytes'],
    min: 1024 * 1024,
    max: 1024 * 1024 * 1024,
    integer: true,
    doc: 'L3 region per slice (shared by host.cache.l3_smt4_cores SMT4 cores).',
    source: POWER9_CACHE_SOURCE,
  },
  {
    key: 'host.cache.line_bytes',
    unit: 'bytes',
    default: D['host.cache.line_bytes'],
    min: 16,
    max: 1024,
    integer: true,
    doc: 'Cache line size of every level.',
    source: POWER9_CACHE_SOURCE,
  },
  {
    key: 'host.cache.l2_smt4_cores',
    unit: 'count',
    default: D['host.cache.l2_smt4_cores'],
    min: 1,
    max: 24,
    integer: true,
    doc: 'SMT4 cores sharing one L2 (a slice). 2 on the 24-core parts; 1 where one core of each slice is fused off.',
    source: `${POWER9_CACHE_SOURCE} Raptor's 4- and 8-core POWER9 parts fuse off one core per slice (RCS wiki, POWER9).`,
  },
  {
    key: 'host.cache.l3_smt4_cores',
    unit: 'count',
    default: D['host.cache.l3_smt4_cores'],
    min: 1,
    max: 24,
    integer: true,
    doc: "SMT4 cores sharing one L3 region. The last-level cache's sharing is the scheduler's cache domain (sd_llc): select_idle_sibling looks for an idle CPU there first.",
    source: `${POWER9_CACHE_SOURCE} Linux powerpc builds the CACHE sched domain from the shared L2/L3 (arch/powerpc/kernel/smp.c, shared_cache_mask).`,
  },
  {
    key: 'host.numa.remote_fault_factor',
    unit: 'count',
    default: 2,
    min: 1,
    max: 10,
    doc: "How much longer a vCPU's host page fault takes when the page it copies or clears is on the other socket's memory (the guest's numatune/memnode binding, or first touch, put it there): kvm.host_ns_per_fault × this for the remote share of its faults.",
    source:
      'A what-if, not measured: PowerNV firmware reports remote nodes at distance 40 against 10 local (Linux node_distance on two-socket POWER9); the 64 KiB copy of a fault is part latency, part X-bus bandwidth, so half that ratio. Measure with a page-fault microbenchmark under numactl --membind on the other node.',
  },
] as const satisfies readonly ParamDef[];
