import { LOD_ZOOM } from './zoom';

/** Whether the label layer draws the labels at `zoom` (below LOD_ZOOM, where Cytoscape's are hidden). */
export function needsLayer(zoom: number): boolean {
  return zoom < LOD_ZOOM;
}

/**
 * The label that fits `maxW` screen pixels, from the most to the least said: the whole text;
 * without a trailing `(…)`; its leading ` · ` parts (`Guest B · 4 vCPUs · 4 GiB` → `Guest B`);
 * its first two words (`NUMANode L#0`); its last word (`Core L#12` → `L#12`: the number tells a
 * box from its siblings); its number alone (`12`); else nothing. A leaf (thread, vCPU) goes
 * from its whole label straight to its number.
 */
export function fitLabel(text: string, maxW: number, measure: (s: string) => number, leaf = false): string {
  if (!text || maxW <= 4) return '';
  // A thread or vCPU that cannot show its whole label shows its number, the same for all of them.
  if (leaf) return [text, (text.split(' ').at(-1) ?? '').replace(/^[A-Za-z]+#/, '')].find((c) => c && measure(c) <= maxW) ?? '';
  const parts = text.split(' · ');
  const words = text.split(' ');
  const candidates = [
    text,
    text.replace(/\s*\([^)]*\)$/, ''),
    ...parts.slice(1).map((_, i) => parts.slice(0, parts.length - 1 - i).join(' · ')),
    ...(words.length > 2 ? [words.slice(0, 2).join(' ')] : []),
    words.at(-1) ?? '',
    // `L#12` → `12`: inside a thread's box the number alone says which CPU it is.
    (words.at(-1) ?? '').replace(/^[A-Za-z]+#/, ''),
  ];
  return candidates.find((c) => c && measure(c) <= maxW) ?? '';
}
