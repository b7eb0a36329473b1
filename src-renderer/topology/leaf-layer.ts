/**
 * The leaves of the drawing — threads, vCPUs, cache bars, AI Engine columns — drawn from the
 * projection until Cytoscape has them as nodes.
 *
 * They are nine in ten of a big workspace's nodes (384 threads, 512 vCPUs, 96 cache bars and
 * 50 columns of 1,157), and Cytoscape styles, measures and caches a texture of every node before its first
 * frame. A workspace therefore opens with the boxes in Cytoscape and the leaves painted here,
 * exactly as the stylesheet would draw them (style.ts leafLook), on a canvas layer
 * (canvas-layer.ts, z 1: over Cytoscape's canvases — leaves lie above every box — under the
 * run overlay and the label layer). The canvas hands the leaves to Cytoscape (and this layer
 * goes blank) as soon as anything needs them as nodes: the pointer or the keyboard on the
 * drawing, a zoom at which their labels are Cytoscape's, a selection, find, export, a run's
 * overlay (TopologyCanvas.svelte `withLeaves`).
 */
import type { Core, ElementDefinition } from 'cytoscape';
import { canvasLayer, type CanvasLayer, type LayerFrame } from './canvas-layer';
import { leafLook, type Theme } from './style';

/** Node kinds the first frame leaves out of Cytoscape: the many small childless boxes. */
const LEAF_KINDS = new Set(['pu', 'vcpu', 'aie-col', 'cache']);
export const isLeaf = (e: ElementDefinition) => e.group === 'nodes' && LEAF_KINDS.has(String(e.data.kind));

/** A leaf as painted: its model rectangle and look, grouped so one path strokes many. */
interface Painted {
  x: number;
  y: number;
  w: number;
  h: number;
}

export class LeafLayer {
  #layer: CanvasLayer;
  #leaves: readonly ElementDefinition[] = [];
  #theme: Theme;
  /** Leaves by look (`fill|stroke|width|dashed`): a handful of styles for hundreds of rectangles. */
  #groups = new Map<string, Painted[]>();

  constructor(
    private readonly cy: Core,
    theme: Theme,
  ) {
    this.#theme = theme;
    this.#layer = canvasLayer(cy, 'leaf-layer', 1, (f) => this.#draw(f));
  }

  /** The leaves to paint (the projection's, see isLeaf), or none once Cytoscape has them. */
  set(leaves: readonly ElementDefinition[]): void {
    this.#leaves = leaves;
    this.#group();
    // How many it paints, by kind (tests and the benchmark read it; the pixels say the same).
    const count = (k: string) => leaves.filter((e) => e.data.kind === k).length;
    this.#layer.canvas.dataset.leaves = String(leaves.length);
    this.#layer.canvas.dataset.aieColumns = String(count('aie-col'));
    this.#layer.paintSoon();
  }

  setTheme(theme: Theme): void {
    if (theme === this.#theme) return;
    this.#theme = theme;
    this.#group();
    this.#layer.paintSoon();
  }

  destroy(): void {
    this.#layer.destroy();
  }

  #group(): void {
    this.#groups.clear();
    for (const e of this.#leaves) {
      const classes = typeof e.classes === 'string' ? e.classes.split(' ') : [];
      const look = leafLook(this.#theme, String(e.data.kind), classes, e.data.colour as string | undefined);
      const key = `${look.fill}|${look.stroke}|${look.width}|${look.dashed ? 1 : 0}`;
      const w = Number(e.data.w);
      const h = Number(e.data.h);
      const list = this.#groups.get(key) ?? [];
      list.push({ x: e.position!.x - w / 2, y: e.position!.y - h / 2, w, h });
      this.#groups.set(key, list);
    }
  }

  #draw({ ctx }: LayerFrame): void {
    if (!this.#groups.size) return;
    const zoom = this.cy.zoom();
    const pan = this.cy.pan();
    // Model coordinates, as Cytoscape draws them: its borders are centred on the box's edge.
    ctx.translate(pan.x, pan.y);
    ctx.scale(zoom, zoom);
    for (const [key, rects] of this.#groups) {
      const [fill, stroke, width, dashed] = key.split('|');
      ctx.fillStyle = fill;
      ctx.beginPath();
      for (const r of rects) ctx.rect(r.x, r.y, r.w, r.h);
      ctx.fill();
      ctx.strokeStyle = stroke;
      ctx.lineWidth = Number(width);
      ctx.setLineDash(dashed === '1' ? [4, 2] : []);
      ctx.stroke();
    }
  }
}
