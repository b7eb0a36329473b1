import { cpuMarks, exitPoint, shadeColour, type Box, type Overlay } from './overlay';

/**
 * The live run overlay's colours (overlay-canvas.ts paints with them) and the overlay as SVG
 * elements for the drawing's SVG export. Pure: no DOM.
 */
export const RED = '#dc2626';
export const ORANGE = '#f97316';
export const PURPLE = '#7c3aed';
export const BLUE = '#2563eb';
export const TEXT = { light: '#111111', dark: '#e8e8e8' };

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `hsl(h, s%, l%)` → `#rrggbb`, so the SVG is read by tools that know only hex colours. */
export function hslToHex(hsl: string): string {
  const m = /hsl\((\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)%,\s*(\d+(?:\.\d+)?)%\)/.exec(hsl);
  if (!m) return hsl;
  const [h, s, l] = [Number(m[1]), Number(m[2]) / 100, Number(m[3]) / 100];
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))))
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/**
 * The overlay as SVG elements in model units, for the drawing's SVG export: what the canvas
 * paints at zoom 1 — busy fills (the light theme's shades: that export is always light) with
 * the labels on top, guest / spinning / holder outlines, lock-wait and lost-IPI arrows. The
 * selection is not part of it, as it is not part of the exported drawing.
 */
export function overlayToSvg(o: Overlay, boxOf: (cpu: number) => Box | null, labelOf: (cpu: number) => string): string {
  const out: string[] = [];
  for (const f of o.fills) {
    const b = boxOf(f.cpu);
    if (!b) continue;
    out.push(`<rect x="${b.x + 1}" y="${b.y + 1}" width="${b.w - 2}" height="${b.h - 2}" fill="${hslToHex(shadeColour(f.level, 'light'))}"/>`);
    out.push(`<text x="${b.x + b.w / 2}" y="${b.y + b.h / 2 + 3.5}" text-anchor="middle" font-size="10" fill="${TEXT.light}">${esc(labelOf(f.cpu))}</text>`);
  }
  const outline = (b: Box, colour: string, w: number, gap = 0) => {
    const d = gap + w / 2;
    out.push(`<rect x="${b.x - d}" y="${b.y - d}" width="${b.w + 2 * d}" height="${b.h + 2 * d}" fill="none" stroke="${colour}" stroke-width="${w}"/>`);
  };
  for (const [cpu, mark] of cpuMarks(o)) {
    const b = boxOf(cpu);
    if (!b) continue;
    if (mark === 'guest') {
      outline(b, BLUE, 1);
      outline(b, BLUE, 1, 2);
    } else outline(b, mark === 'spinning' ? ORANGE : PURPLE, mark === 'spinning' ? 3 : 4);
  }
  const arrow = (from: number, to: number, colour: string, width: number, dash: string) => {
    const a = boxOf(from);
    const b = boxOf(to);
    if (!a || !b) return;
    const s = exitPoint(a, { x: b.x + b.w / 2, y: b.y + b.h / 2 });
    const e = exitPoint(b, { x: a.x + a.w / 2, y: a.y + a.h / 2 });
    const angle = Math.atan2(e.y - s.y, e.x - s.x);
    const head = 6 + 2 * width;
    const pt = (r: number, da: number) => `${e.x - r * Math.cos(angle + da)},${e.y - r * Math.sin(angle + da)}`;
    out.push(`<line x1="${s.x}" y1="${s.y}" x2="${e.x - Math.cos(angle) * head * 0.8}" y2="${e.y - Math.sin(angle) * head * 0.8}" stroke="${colour}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    out.push(`<polygon points="${e.x},${e.y} ${pt(head, -0.45)} ${pt(head, 0.45)}" fill="${colour}"/>`);
  };
  for (const w of o.lockWaits) arrow(w.from, w.to, ORANGE, 2, '6 4');
  for (const l of o.lostIpis) arrow(l.from, l.to, RED, 3, '');
  return out.length ? `<g data-layer="run-overlay">\n${out.join('\n')}\n</g>` : '';
}
