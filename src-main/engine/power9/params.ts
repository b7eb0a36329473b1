import type { ParamDef } from '../core';
import { POWER9_CACHE_DEFAULTS as D, POWER9_CACHE_SOURCE } from '../../../src-common/workspace/host-caches';

/**
 * The POWER9 host's caches, cache-line transfer times, NUMA costs and spin loop. Keys
 * `host.cache.*`, `host.numa.*`, `host.spinlock.*`. A host whose
 * workspace lists its own caches (imported from another machine) uses those instead of the
 * cache size parameters; the drawing, `twb export hwloc` and the scheduler's cache domain read them.
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
  {
    key: 'host.cache.llc_transfer_ns',
    unit: 'ns',
    default: 4,
    min: 0,
    max: 10_000,
    doc: 'One-way cache-line transfer between two CPUs sharing the last-level cache (a POWER9 slice: the core pair sharing an L2 and L3 region). A released spinlock goes to the spinner whose stwcx. lands first (power9/spin-handover.ts).',
    source:
      "Load-to-use of an L2 hit: 13 cycles on POWER8 (AnandTech, 'Assessing IBM's POWER8, part 1', LMBench), ≈3.5 ns at POWER9's 3.8 GHz; the slice's two cores share that L2. Not measured on POWER9: measure with a lwarx/stwcx. ping-pong between the two cores of a slice.",
  },
  {
    key: 'host.cache.chip_transfer_ns',
    unit: 'ns',
    default: 55,
    min: 0,
    max: 10_000,
    doc: "One-way cache-line transfer between two CPUs of one chip in different slices (intervention from the other slice's L2/L3 over the on-chip fabric).",
    source:
      "A what-if, not measured: LMBench on POWER8 read ≈8 ns in the local L3 region and ≈55 ns beyond it (AnandTech, 'Assessing IBM's POWER8, part 1'); the upper figure is taken. Measure with a lwarx/stwcx. ping-pong between CPUs of two slices of one chip.",
  },
  {
    key: 'host.cache.remote_transfer_ns',
    unit: 'ns',
    default: 150,
    min: 0,
    max: 100_000,
    doc: "One-way cache-line transfer between CPUs on different chips (the X-bus between sockets).",
    source:
      'A what-if, not measured: the on-chip figure plus an X-bus hop, taken as ≈2.7× host.cache.chip_transfer_ns (PowerNV firmware reports remote nodes at distance 40 against 10 local, an upper bound of 4×). Measure with a lwarx/stwcx. ping-pong between CPUs of the two sockets.',
  },
  {
    key: 'host.spinlock.poll_ns',
    unit: 'ns',
    default: 20,
    min: 0,
    max: 100_000,
    doc: "One iteration of arch_spin_lock's inner loop (Linux 5.3 powerpc): HMT_low, then a plain load of lock->slock and the branch back while it is not 0. Where each spinner is in it when the release arrives is uniform, so it decides between spinners at the same distance from the releaser.",
    source:
      'An estimate, not measured: a load that hits L1 and a compare-and-branch, ≈8 cycles, issued at low SMT priority — a thread two priority levels below its siblings gets one dispatch cycle in eight (the Power ISA Program Priority Register; the POWER5 dispatch ratio 2^(d+1)−1 : 1, IBM J. Res. & Dev. 49(4/5), 2005) — ≈64 cycles, ≈17 ns at 3.8 GHz, rounded to 20.',
  },
] as const satisfies readonly ParamDef[];
