import { z } from 'zod';
import { quote } from '../parse/quote';
import { LIMITS, atMost } from '../parse/limits';
import { bool, intIn } from './fields';

/**
 * CPU caches of a host, by level, as hwloc describes them: each level's size, line size,
 * associativity and how many consecutive cores (within a socket) share one instance. A host
 * without `caches` has the POWER9's (`power9Caches`), whose figures are the `host.cache.*`
 * model parameters; an imported machine keeps its own.
 */
export const CACHE_TYPES = ['unified', 'data', 'instruction'] as const;
export type CacheType = (typeof CACHE_TYPES)[number];

export const cacheLevelSchema = z.strictObject({
  level: intIn(1, 5),
  type: z.enum(CACHE_TYPES, { error: (iss) => `expected one of ${CACHE_TYPES.join(', ')}, got ${quote(iss.input)}` }),
  /** 0 when the source did not say. */
  sizeBytes: intIn(0, 2 ** 40),
  /** 0 when the source did not say. */
  lineBytes: intIn(0, 65536),
  /** hwloc's cache_associativity: 0 unknown, -1 fully associative. */
  ways: intIn(-1, 65536),
  /** Consecutive cores of a socket sharing one instance (the last instance of a socket may have fewer). */
  cores: intIn(1, 24),
  /** hwloc's `Inclusive` info, when the source gave it. */
  inclusive: bool().optional(),
});
export type CacheLevel = z.infer<typeof cacheLevelSchema>;

export const cachesSchema = z
  .array(cacheLevelSchema)
  .max(LIMITS.cacheLevels.value, { error: `expected ${atMost('cacheLevels')}` })
  .superRefine((levels, ctx) => {
    const seen = new Set<string>();
    levels.forEach((c, i) => {
      const key = `${c.level}${c.type}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: `L${c.level} ${c.type} cache listed twice` });
      seen.add(key);
      const inner = levels.filter((o) => o.level < c.level);
      const wider = inner.find((o) => o.cores > c.cores || c.cores % o.cores !== 0);
      if (wider) ctx.addIssue({ code: 'custom', path: [i, 'cores'], message: `an L${c.level} shared by ${c.cores} cores cannot hold L${wider.level} caches shared by ${wider.cores} (hwloc nests caches)` });
    });
  });

/** A level with its keys in the schema's order (so two descriptions compare equal as JSON). */
export function canonicalCache(c: CacheLevel): CacheLevel {
  return { level: c.level, type: c.type, sizeBytes: c.sizeBytes, lineBytes: c.lineBytes, ways: c.ways, cores: c.cores, ...(c.inclusive !== undefined ? { inclusive: c.inclusive } : {}) };
}

/** Where the POWER9 figures come from (the host.cache.* parameters cite it too). */
export const POWER9_CACHE_SOURCE =
  'IBM POWER9 Processor User\'s Manual (OpenPOWER, 2018): per SMT4 core a 32 KB 8-way L1 I-cache and a 32 KB 8-way L1 D-cache; per core pair ("slice") a 512 KB 8-way L2 and a 10 MB 20-way L3 region; 128-byte lines throughout. Linux reads them from the device tree (i-cache-size, d-cache-size, l2-cache).';

/** The POWER9 figures, as `host.cache.*` parameter defaults. */
export const POWER9_CACHE_DEFAULTS = {
  'host.cache.l1i_bytes': 32 * 1024,
  'host.cache.l1d_bytes': 32 * 1024,
  'host.cache.l2_bytes': 512 * 1024,
  'host.cache.l3_bytes': 10 * 1024 * 1024,
  'host.cache.line_bytes': 128,
  'host.cache.l2_smt4_cores': 2,
  'host.cache.l3_smt4_cores': 2,
} as const;
export type CacheParamKey = keyof typeof POWER9_CACHE_DEFAULTS;

/**
 * A POWER9 host's caches: L1i/L1d per SMT4 core, L2 and L3 per `*_smt4_cores` SMT4 cores (a
 * pair; 1 on parts with one core per slice fused off). An SMT8 core is two SMT4 cores, so it
 * holds both halves' L1s (drawn as one) and shares L2/L3 with half as many cores.
 */
export function power9Caches(threadsPerCore: number, params: Readonly<Record<string, unknown>> = {}): CacheLevel[] {
  const p = (k: CacheParamKey): number => (typeof params[k] === 'number' ? (params[k] as number) : POWER9_CACHE_DEFAULTS[k]);
  const smt4PerCore = threadsPerCore === 8 ? 2 : 1;
  const share = (k: CacheParamKey) => Math.max(1, Math.floor(p(k) / smt4PerCore));
  const line = p('host.cache.line_bytes');
  return [
    { level: 1, type: 'data', sizeBytes: p('host.cache.l1d_bytes') * smt4PerCore, lineBytes: line, ways: 8, cores: 1 },
    { level: 1, type: 'instruction', sizeBytes: p('host.cache.l1i_bytes') * smt4PerCore, lineBytes: line, ways: 8, cores: 1 },
    { level: 2, type: 'unified', sizeBytes: p('host.cache.l2_bytes'), lineBytes: line, ways: 8, cores: share('host.cache.l2_smt4_cores') },
    { level: 3, type: 'unified', sizeBytes: p('host.cache.l3_bytes'), lineBytes: line, ways: 20, cores: share('host.cache.l3_smt4_cores') },
  ];
}

/** A host's caches: its own (imported), else the POWER9's under the workspace's parameter overrides. */
export function hostCaches(host: { threadsPerCore: number; caches?: CacheLevel[] }, params: Readonly<Record<string, unknown>> = {}): CacheLevel[] {
  return host.caches ?? power9Caches(host.threadsPerCore, params);
}

/** Outermost first, as hwloc nests them: higher level above lower; at one level data above instruction. */
export function cacheNestingOrder(levels: readonly CacheLevel[]): CacheLevel[] {
  const rank: Record<CacheType, number> = { unified: 0, data: 1, instruction: 2 };
  return [...levels].sort((a, b) => b.level - a.level || b.cores - a.cores || rank[a.type] - rank[b.type]);
}

/** The last-level cache: the scheduler's LLC domain (sd_llc) is the cores sharing it. */
export function lastLevelCache(levels: readonly CacheLevel[]): CacheLevel | undefined {
  return cacheNestingOrder(levels.filter((c) => c.type !== 'instruction'))[0];
}

/**
 * The LLC domain of each host CPU (an index): the cores of a socket in runs of as many as share
 * the last-level cache, in order — where select_idle_sibling looks for an idle CPU (sd_llc).
 * A POWER9 has one per core pair; without caches, each core is its own.
 */
export function llcDomains(host: { threadsPerCore: number; caches?: CacheLevel[]; sockets: readonly { cores: number }[] }, params: Readonly<Record<string, unknown>> = {}): number[] {
  const per = Math.max(1, lastLevelCache(hostCaches(host, params))?.cores ?? 1);
  const out: number[] = [];
  let domain = 0;
  for (const s of host.sockets) {
    for (let c = 0; c < s.cores; c++) for (let t = 0; t < host.threadsPerCore; t++) out.push(domain + Math.floor(c / per));
    domain += Math.ceil(s.cores / per);
  }
  return out;
}

/** `L2 512 KiB` style name of a level, as lstopo labels it (L1d, L1i, L2, L3). */
export function cacheLabel(c: Pick<CacheLevel, 'level' | 'type'>): string {
  return `L${c.level}${c.type === 'data' ? 'd' : c.type === 'instruction' ? 'i' : ''}`;
}
