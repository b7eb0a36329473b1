import { LOD_ZOOM } from './zoom';

/** Whether the label layer draws the labels at `zoom` (below LOD_ZOOM, where Cytoscape's are hidden). */
export function needsLayer(zoom: number): boolean {
  return zoom < LOD_ZOOM;
}

/**
 * The label that fits `maxW` screen pixels, from the most to the least said: the whole text;
 * without a trailing `(…)`; its leading ` · ` parts (`Guest B · 4 vCPUs · 4 GiB` → `Guest B`);
 * its first two words (`NUMANode L#0`); what a trailing `(…)` says, when it names a kind of
 * thing (`PCI 0000:01:00.0 (MHI modem)` → `MHI modem`); its last word (`Core L#12` → `L#12`:
 * the number tells a box from its siblings); its number alone (`12`); else nothing. The words
 * are the name's, without the trailing `(…)`: a fragment of it (`modem)`, `x1)`) says nothing.
 * A leaf (thread, vCPU, MHI controller) goes from its whole label straight to its number or
 * name (`PU L#12` → `12`, `MHI mhi0 (Gen3 x1)` → `mhi0`).
 */
export function fitLabel(text: string, maxW: number, measure: (s: string) => number, leaf = false): string {
  if (!text || maxW <= 4) return '';
  // A thread or vCPU that cannot show its whole label shows its number, the same for all of them.
  const name = text.replace(/\s*\([^)]*\)$/, '');
  if (leaf) return [text, (name.split(' ').at(-1) ?? '').replace(/^[A-Za-z]+#/, '')].find((c) => c && measure(c) <= maxW) ?? '';
  const parts = text.split(' · ');
  const words = name.split(' ');
  // `(MHI modem)` names what the box is; `(512 GiB)`, `(Gen3 x1)` only describe it.
  const said = /\(([^)]*)\)$/.exec(text)?.[1] ?? '';
  const candidates = [
    text,
    name,
    ...parts.slice(1).map((_, i) => parts.slice(0, parts.length - 1 - i).join(' · ')),
    ...(words.length > 2 ? [words.slice(0, 2).join(' ')] : []),
    ...(/^[A-Za-z]/.test(said) && !/\d/.test(said) ? [said] : []),
    words.at(-1) ?? '',
    // `L#12` → `12`: inside a thread's box the number alone says which CPU it is.
    (words.at(-1) ?? '').replace(/^[A-Za-z]+#/, ''),
  ];
  return candidates.find((c) => c && measure(c) <= maxW) ?? '';
}

/** A thread's or vCPU's number in its box: at most `maxPx`, at least `minPx` (screen pixels). */
export const LEAF_FONT_PX = 10;
export const MIN_LEAF_PX = 8;

/**
 * The label of a leaf (thread, vCPU) whose box is `bw` × `bh` screen pixels, and its font size:
 * the largest size from LEAF_FONT_PX (or the box's height) down to MIN_LEAF_PX at which fitLabel
 * finds something that fits — so `127` still shows in a 21 px thread box (the seed at 42 %),
 * a size smaller than `12` beside it. `measure(px, s)` is the width of `s` at `px`.
 */
export function fitLeafLabel(text: string, bw: number, bh: number, measure: (px: number, s: string) => number): { label: string; px: number } | null {
  for (let px = Math.min(LEAF_FONT_PX, Math.floor(bh - 1)); px >= MIN_LEAF_PX; px--) {
    const label = fitLabel(text, bw - 4, (s) => measure(px, s), true);
    if (label) return { label, px };
  }
  return null;
}
