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

/**
 * A cache size as lstopo writes it (hwloc_memory_size_printf_value/_unit): KB below 10 MiB, MB
 * below 10 GiB, GB below 10 TiB, else TB, rounded half up — `1024KB`, `10MB`, `508MB`.
 */
export function lstopoCacheSize(bytes: number): string {
  const units: [number, string][] = [
    [10, 'KB'],
    [20, 'MB'],
    [30, 'GB'],
  ];
  const [shift, unit] = units.find(([sh]) => bytes < 10 * 2 ** (sh + 10)) ?? [40, 'TB'];
  return `${Math.floor((Math.floor(bytes / 2 ** (shift - 1)) + 1) / 2)}${unit}`;
}

/** A bar's labels as `lstopo -l` and `lstopo -p` write them: `L2 L#3 (1024KB)`, `L2 (1024KB)`. */
export function cacheBarLabels(c: Pick<CacheLevel, 'level' | 'type' | 'sizeBytes'>, index: number): { labelL: string; labelP: string } {
  const size = lstopoCacheSize(c.sizeBytes);
  return { labelL: `${cacheLabel(c)} L#${index} (${size})`, labelP: `${cacheLabel(c)} (${size})` };
}

/**
 * Width a bar's label needs in the drawing (style.ts draws cache labels at 9 px; 6 px a
 * character is a little more than the widest of them need), padding included.
 */
export const cacheLabelWidth = (label: string, pad: number) => label.length * 6 + 2 * pad;

/** Element id of a cache bar: its level and the first core it serves. */
export const cacheId = (c: Pick<CacheLevel, 'level' | 'type'>, firstCore: number) => `cache:${cacheLabel(c)}:${firstCore}`;
