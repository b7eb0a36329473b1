/**
 * The drawing's PNG and SVG export include the overlay: it registers itself as the drawing's
 * export layer (topology/export-layers.ts), painting the same shapes over the full-graph PNG at
 * that image's scale, and giving the SVG the same shapes as SVG elements (overlay-svg.ts).
 *
 * Paints the live run over the Cytoscape drawing on a canvas of its own, stacked on the
 * drawing's container, instead of restyling Cytoscape elements. Restyling even one node makes
 * Cytoscape redraw the whole scene (≈1,000 nodes and 500 pin edges for the big workspace, tens
 * of ms on a loaded machine), which at 10 updates a second dropped frames; here an update
 * redraws only this canvas (a few hundred rectangles and labels, a few arrows), and pan / zoom
 * redraw it within Cytoscape's own frames (its `render` event).
 *
 * Each thread node is filled with its busy shade and its label written again on top (the
 * fill hides Cytoscape's); guest / spinning / holder CPUs are outlined, the selected one
 * amber; lost IPIs and lock waits are arrows from the waiting CPU to the one it waits on.
 */
import type { Core, NodeSingular } from 'cytoscape';
import { setExportLayer, type ExportView } from '../topology/export-layers';
import { LOD_ZOOM } from '../topology/zoom';
import { shownLabel } from '../topology/style';
import { withAllNodes } from '../topology/all-nodes';
import { setOverlayHit } from '../topology/overlay-hits';
import { canvasLayer, type CanvasLayer, type LayerFrame } from '../topology/canvas-layer';
import { BUSY_LEVELS, cpuMarks, exitPoint, shadeColour, type Box, type Overlay } from './overlay';
import { BLUE, ORANGE, PURPLE, RED, TEXT, overlayToSvg } from './overlay-svg';

const SELECTED = '#f59e0b';

/** A lost-IPI arrow as drawn: from the sender's CPU box edge `s` to the target's `e`. */
interface LostSegment {
  from: number;
  to: number;
  s: { x: number; y: number };
  e: { x: number; y: number };
}

export class OverlayCanvas {
  #layer: CanvasLayer;
  #overlay: Overlay | null = null;
  #nodes = new Map<number, NodeSingular>();

  constructor(private readonly cy: Core) {
    // Over Cytoscape's canvases, under the label layer (z 3): topology/canvas-layer.ts.
    this.#layer = canvasLayer(cy, 'run-overlay', 2, (f) => this.#draw(f));
    // A press on a lost-IPI arrow opens its interleaving (LiveOverlay), not a selection of what lies under it.
    setOverlayHit(cy, (x, y) => this.lostIpiAt(x, y) !== null);
    setExportLayer(cy, {
      paint: (ctx, view) => {
        const o = this.#overlay;
        if (o) this.#paint(ctx, o, view, this.#theme());
        return o !== null;
      },
      svg: () => (this.#overlay ? overlayToSvg(this.#overlay, (cpu) => this.#modelBox(cpu), (cpu) => {
        const n = this.#node(cpu);
        return n ? shownLabel(n) : '';
      }) : ''),
    });
  }

  /** Shows `o` (null clears the drawing) at the next frame. */
  set(o: Overlay | null): void {
    // Its shades fill thread nodes: the drawing must have them (topology/all-nodes.ts).
    if (o) withAllNodes(this.cy);
    this.#overlay = o;
    // How many CPUs it paints (tests and tools read it; the pixels say the same).
    this.#layer.canvas.dataset.cpus = String(o?.fills.length ?? 0);
    this.#layer.paintSoon();
  }

  /** Dims the overlay (its run ran on a topology edited since), or shows it in full. */
  setDimmed(dimmed: boolean): void {
    this.#layer.canvas.style.opacity = dimmed ? '0.3' : '1';
    this.#layer.canvas.dataset.dimmed = String(dimmed);
  }

  destroy(): void {
    this.#layer.destroy();
    setExportLayer(this.cy, null);
    if (!this.cy.destroyed()) setOverlayHit(this.cy, null);
  }

  #node(cpu: number): NodeSingular | null {
    let n = this.#nodes.get(cpu);
    if (!n || n.removed()) {
      const found = this.cy.getElementById(`pu:${cpu}`);
      if (found.empty() || !found.isNode()) return null;
      n = found;
      this.#nodes.set(cpu, n);
    }
    return n;
  }

  /** The node's box in container pixels. */
  #box(n: NodeSingular, zoom: number, pan: { x: number; y: number }): Box {
    const p = n.position();
    const w = n.width() * zoom;
    const h = n.height() * zoom;
    return { x: p.x * zoom + pan.x - w / 2, y: p.y * zoom + pan.y - h / 2, w, h };
  }

  /** A CPU's node in model units (for the SVG export). */
  #modelBox(cpu: number): Box | null {
    const n = this.#node(cpu);
    return n ? this.#box(n, 1, { x: 0, y: 0 }) : null;
  }

  #theme(): 'light' | 'dark' {
    return this.cy.container()?.closest<HTMLElement>('[data-theme]')?.dataset.theme === 'dark' ? 'dark' : 'light';
  }

  #draw({ ctx, width, height }: LayerFrame): void {
    const o = this.#overlay;
    this.#lostSegments = o ? this.#paint(ctx, o, { zoom: this.cy.zoom(), pan: this.cy.pan(), width, height }, this.#theme()) : [];
    // Where each lost-IPI arrow's middle is, in container pixels (`from>to@x,y`): what a click hits (tests read it).
    this.#layer.canvas.dataset.lostIpis = this.#lostSegments.map((g) => `${g.from}>${g.to}@${Math.round((g.s.x + g.e.x) / 2)},${Math.round((g.s.y + g.e.y) / 2)}`).join(' ');
  }

  /**
   * Paints `o` on `ctx`, whose units are pixels of a view where model point p is at
   * p × zoom + pan and `width` × `height` is what is seen: the screen canvas (container
   * pixels) or an exported PNG (image pixels). Returns the lost-IPI arrows it drew, in those pixels.
   */
  #paint(ctx: CanvasRenderingContext2D, o: Overlay, view: ExportView, theme: 'light' | 'dark'): LostSegment[] {
    const { zoom, pan, width, height } = view;
    const boxes = new Map<number, Box>();
    const boxOf = (cpu: number) => {
      let b = boxes.get(cpu);
      if (!b) {
        const n = this.#node(cpu);
        if (!n) return null;
        boxes.set(cpu, (b = this.#box(n, zoom, pan)));
      }
      return b;
    };
    const visible = (b: Box) => b.x + b.w >= 0 && b.y + b.h >= 0 && b.x <= width && b.y <= height;

    // Fills, one path per shade, inside the node's own 1-unit border.
    const inset = Math.max(0.5, zoom);
    const byShade: Box[][] = Array.from({ length: BUSY_LEVELS }, () => []);
    for (const f of o.fills) {
      const b = boxOf(f.cpu);
      if (b && visible(b)) byShade[f.level].push(b);
    }
    byShade.forEach((bs, level) => {
      if (!bs.length) return;
      ctx.fillStyle = shadeColour(level, theme);
      ctx.beginPath();
      for (const b of bs) ctx.rect(b.x + inset, b.y + inset, b.w - 2 * inset, b.h - 2 * inset);
      ctx.fill();
    });
    // Labels as Cytoscape draws them (10 px, centred); zoomed out the label layer draws them,
    // over this canvas (topology/label-layer.ts, zoom.ts LOD_ZOOM).
    const fontPx = 10 * zoom;
    if (zoom >= LOD_ZOOM) {
      ctx.font = `${fontPx}px system-ui, sans-serif`;
      ctx.fillStyle = TEXT[theme];
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      for (const f of o.fills) {
        const b = boxes.get(f.cpu);
        const n = this.#nodes.get(f.cpu);
        if (b && n && visible(b)) ctx.fillText(shownLabel(n), b.x + b.w / 2, b.y + b.h / 2, b.w);
      }
    }

    // Outlines: guest CPUs scale with the drawing (there are many); alarms keep a visible width.
    const outline = (b: Box, colour: string, w: number, gap = 0) => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = w;
      const d = gap + w / 2;
      ctx.strokeRect(b.x - d, b.y - d, b.w + 2 * d, b.h + 2 * d);
    };
    for (const [cpu, mark] of cpuMarks(o)) {
      const b = boxOf(cpu);
      if (!b || !visible(b)) continue;
      if (mark === 'guest') {
        const w = Math.max(0.75, zoom);
        outline(b, BLUE, w);
        outline(b, BLUE, w, 2 * w);
      } else outline(b, mark === 'spinning' ? ORANGE : PURPLE, Math.max(mark === 'spinning' ? 3 : 4, 3 * zoom));
    }
    this.cy.nodes(':selected').forEach((n) => {
      const cpu = Number(/^pu:(\d+)$/.exec(n.id())?.[1] ?? NaN);
      const b = boxes.get(cpu);
      if (b) outline(b, SELECTED, Math.max(3, 2 * zoom), 2);
    });

    const arrow = (from: number, to: number, colour: string, width: number, dash: number[]) => {
      const a = boxOf(from);
      const b = boxOf(to);
      if (!a || !b) return;
      const s = exitPoint(a, { x: b.x + b.w / 2, y: b.y + b.h / 2 });
      const e = exitPoint(b, { x: a.x + a.w / 2, y: a.y + a.h / 2 });
      const angle = Math.atan2(e.y - s.y, e.x - s.x);
      const head = 6 + 2 * width;
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      ctx.lineWidth = width;
      ctx.setLineDash(dash);
      ctx.beginPath();
      ctx.moveTo(s.x, s.y);
      ctx.lineTo(e.x - Math.cos(angle) * head * 0.8, e.y - Math.sin(angle) * head * 0.8);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.moveTo(e.x, e.y);
      ctx.lineTo(e.x - head * Math.cos(angle - 0.45), e.y - head * Math.sin(angle - 0.45));
      ctx.lineTo(e.x - head * Math.cos(angle + 0.45), e.y - head * Math.sin(angle + 0.45));
      ctx.closePath();
      ctx.fill();
    };
    for (const w of o.lockWaits) arrow(w.from, w.to, ORANGE, 2, [6, 4]);
    const lost: LostSegment[] = [];
    for (const l of o.lostIpis) {
      arrow(l.from, l.to, RED, 3, []);
      const a = boxOf(l.from);
      const b = boxOf(l.to);
      if (a && b) lost.push({ from: l.from, to: l.to, s: exitPoint(a, { x: b.x + b.w / 2, y: b.y + b.h / 2 }), e: exitPoint(b, { x: a.x + a.w / 2, y: a.y + a.h / 2 }) });
    }
    return lost;
  }

  /** Lost-IPI arrows as last drawn (container pixels), for clicks. */
  #lostSegments: LostSegment[] = [];

  /** The lost-IPI arrow within `slop` px of a point of the container (its CPUs), or null. */
  lostIpiAt(x: number, y: number, slop = 6): { from: number; to: number } | null {
    for (const g of this.#lostSegments) {
      const dx = g.e.x - g.s.x;
      const dy = g.e.y - g.s.y;
      const len2 = dx * dx + dy * dy || 1;
      const u = Math.max(0, Math.min(1, ((x - g.s.x) * dx + (y - g.s.y) * dy) / len2));
      if (Math.hypot(g.s.x + u * dx - x, g.s.y + u * dy - y) <= slop) return { from: g.from, to: g.to };
    }
    return null;
  }
}

