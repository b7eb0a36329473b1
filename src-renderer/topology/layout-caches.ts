import { cacheLabel, type CacheLevel } from '../../src-common/workspace';
import type { CoreInfo } from './numbering';

/**
 * lstopo draws a cache shared by several cores as a bar across the top of the cores it serves
 * (L3, then L2 below it, then the cores). The cores of a socket are grouped by the outermost
 * level, each group by the next one, down to single cores. The L1s (private to a core on every
 * machine hwloc describes) are not drawn — two more bars per core would crowd a 96-core host;
 * the core's inspector lists them.
 */
export interface CacheGroup {
  /** Cache levels spanning exactly this group, outermost first (drawn as bars). */
  bars: CacheLevel[];
  cores: CoreInfo[];
  /** Sub-groups; none for a single core. */
  children: CacheGroup[];
}

const chunks = <T>(xs: readonly T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

/** The cache levels the drawing shows: L2 and beyond, outermost first. */
export const drawnLevels = (levels: readonly CacheLevel[]) => levels.filter((c) => c.level >= 2);

function group(cores: CoreInfo[], levels: readonly CacheLevel[], li: number): CacheGroup {
  const bars: CacheLevel[] = [];
  while (li < levels.length && levels[li].cores >= cores.length) bars.push(levels[li++]);
  if (cores.length === 1) return { bars, cores, children: [] };
  const size = li < levels.length ? levels[li].cores : 1;
  return { bars, cores, children: chunks(cores, size).map((c) => group(c, levels, li)) };
}

/** A socket's cores as cache groups (`levels` outermost first, as `drawnLevels` gives them); one group per core without caches. */
export function cacheGroups(cores: CoreInfo[], levels: readonly CacheLevel[]): CacheGroup[] {
  if (!levels.length) return cores.map((c) => ({ bars: [], cores: [c], children: [] }));
  return chunks(cores, levels[0].cores).map((c) => group(c, levels, 0));
}

/** Element id of a cache bar: its level and the first core it serves. */
export const cacheId = (c: Pick<CacheLevel, 'level' | 'type'>, firstCore: number) => `cache:${cacheLabel(c)}:${firstCore}`;
