import type { ElementDefinition } from 'cytoscape';
import type { Numbering } from './style';

/**
 * The drawing as a standalone SVG, serialised from the projection (the same rectangles the
 * canvas shows), so it is deterministic and needs no canvas. Pin edges run centre to centre
 * under the threads, as on screen.
 */
const Z: Record<string, number> = { machine: 0, guest: 0, aie: 0, dmabuf: 0, package: 1, hostbridge: 2, pcibridge: 3, pci: 4, numa: 2, cache: 3, core: 4, pu: 5, vcpu: 5, mhi: 5, osdev: 5 };
const FILL: Record<string, string> = {
  machine: '#f6f6f6',
  package: '#dedede',
  numa: '#e2f2d8',
  core: '#bebebe',
  pu: '#ffffff',
  guest: '#f3f6fb',
  vcpu: '#ffffff',
  mhi: '#fdf2d6',
  cache: '#ffffff',
  hostbridge: '#efefef',
  pcibridge: '#efefef',
  pci: '#dcdcdc',
  osdev: '#ffffff',
  aie: '#f7f4ec',
  dmabuf: '#f7f4ec',
  'dma-exporter': '#fdf2d6',
  'dma-importer': '#fdf2d6',
  'dma-buffer': '#ffffff',
  'aie-col': '#f7f4ec',
};
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `overlay`: SVG elements in model units drawn over everything (the live run's, see export-layers.ts). */
export function projectionToSvg(elements: readonly ElementDefinition[], numbering: Numbering, { labelBand = 16, overlay = '' }: { labelBand?: number; overlay?: string } = {}): string {
  const nodes = elements.filter((e) => e.group === 'nodes');
  const at = new Map(nodes.map((n) => [n.data.id!, n.position!]));
  const widths = new Map(nodes.map((n) => [n.data.id!, n.data.w as number]));
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const n of nodes) {
    const { x, y } = n.position!;
    const w = n.data.w as number;
    const h = n.data.h as number;
    x1 = Math.min(x1, x - w / 2);
    y1 = Math.min(y1, y - h / 2);
    x2 = Math.max(x2, x + w / 2);
    y2 = Math.max(y2, y + h / 2);
  }
  const pad = 10;
  const layers: string[][] = [[], [], [], [], [], []];
  for (const n of nodes) {
    const kind = n.data.kind as string;
    const { x, y } = n.position!;
    const w = n.data.w as number;
    const h = n.data.h as number;
    const label = esc(String(numbering === 'logical' ? n.data.labelL : n.data.labelP));
    const box = typeof n.classes === 'string' && n.classes.split(' ').includes('box');
    const warn = n.data.warning !== undefined;
    const stroke = (n.data.colour as string | undefined) ?? '#555555';
    const classes = String(n.classes ?? '').split(' ');
    // A partition bar is its colour, lightly filled.
    const fill = warn ? '#fcd34d' : kind === 'aie-part' ? `${stroke}" fill-opacity="0.18` : FILL[kind] ?? '#ffffff';
    const ty = box ? y - h / 2 + labelBand - 4 : y + 3.5;
    // Labels of narrow bars sit beside them, as on the canvas.
    const [tx, anchor] = classes.includes('label-right') ? [x + w / 2 + 4, 'start'] : classes.includes('label-left') ? [x - w / 2 - 4, 'end'] : [x, 'middle'];
    layers[Z[kind] ?? 5].push(
      `<rect x="${x - w / 2}" y="${y - h / 2}" width="${w}" height="${h}" fill="${fill}" stroke="${stroke}"${kind === 'vcpu' && !classes.includes('pinned') ? ' stroke-dasharray="3 2"' : ''}/>` +
        `<text x="${tx}" y="${ty}" text-anchor="${anchor}" font-size="${box ? 11 : kind === 'aie-col' ? 8 : 10}"${box ? ' font-weight="bold"' : ''}>${label}</text>`,
    );
  }
  for (const e of elements.filter((el) => el.group === 'edges')) {
    const s = at.get(e.data.source as string);
    const t = at.get(e.data.target as string);
    if (!s || !t) continue;
    // dma-buf edges (exporter → buffer → importer) are drawn solid with an arrow, above the boxes.
    const half = (id: unknown) => (widths.get(id as string) ?? 0) / 2;
    if (String(e.classes).includes('dma')) {
      // As on the canvas: right, then along the gap between the columns, then right into the target.
      const [x1, x2] = [s.x + half(e.data.source), t.x - half(e.data.target)];
      const mid = (x1 + x2) / 2;
      layers[5].push(
        `<polyline points="${x1},${s.y} ${mid},${s.y} ${mid},${t.y} ${x2},${t.y}" fill="none" stroke="${e.data.colour}" stroke-width="1.5" marker-end="url(#arrow)"${e.data.warning ? ' stroke-dasharray="4 3"' : ''}/>`,
      );
    }
    else layers[4].push(`<line x1="${s.x}" y1="${s.y}" x2="${t.x}" y2="${t.y}" stroke="${e.data.colour}" stroke-opacity="0.35" stroke-width="1.2"/>`);
  }
  const w = Math.ceil(x2 - x1 + 2 * pad);
  const h = Math.ceil(y2 - y1 + 2 * pad);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${x1 - pad} ${y1 - pad} ${w} ${h}" font-family="system-ui, sans-serif">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#7a8290"/></marker></defs>`,
    `<rect x="${x1 - pad}" y="${y1 - pad}" width="${w}" height="${h}" fill="#ffffff"/>`,
    ...layers.flat(),
    ...(overlay ? [overlay] : []),
    '</svg>',
    '',
  ].join('\n');
}
