/**
 * A workspace's first frame, painted from the projection: every rectangle node (style.ts
 * RECT_KINDS — the boxes, threads, vCPUs, cache bars, AI Engine columns; every one of the big
 * workspace's 1,157 nodes) until Cytoscape has them as nodes.
 *
 * Cytoscape styles, measures and caches a texture of every node before its first frame: for a
 * big workspace that was most of a second. So a workspace's first frame is this layer's, under
 * Cytoscape's canvases (canvas-layer.ts z 0: what Cytoscape holds lies on top of any box),
 * painting the rectangles exactly as the stylesheet would (style.ts rectLook), in its z order;
 * the label layer writes their labels. On the first workspace Cytoscape does not exist yet
 * (its module loads after that frame: drawing-view.ts, load-cytoscape.ts); on a later one it
 * holds only what this layer cannot paint (rounded device nodes, the dma-buf graph's edges).
 * TopologyCanvas hands every node to Cytoscape (and this layer goes blank) right after that
 * frame, or at once when anything needs the nodes: the pointer or a key on the drawing, a zoom
 * at which labels are Cytoscape's, a selection, find, export, a run's overlay (all-nodes.ts
 * `withAllNodes`).
 */
import type { ElementDefinition } from 'cytoscape';
import type { LayerHost } from './drawing-view';
import { canvasLayer, type CanvasLayer, type LayerFrame } from './canvas-layer';
import { rectLook, type RectLook, type Theme } from './style';

export { isPainted } from './style';

/** A run of rectangles of one look, consecutive in z order: one path fills and strokes them all. */
interface Run {
  look: RectLook;
  rects: { x: number; y: number; w: number; h: number }[];
}

export class SceneLayer {
  #layer: CanvasLayer;
  #nodes: readonly ElementDefinition[] = [];
  #theme: Theme;
  #runs: Run[] = [];
  /** What paints over the rectangles in this layer's frame (the labels, before Cytoscape exists: label-layer.ts). */
  #over: ((frame: LayerFrame) => void) | null = null;

  constructor(
    private readonly cy: LayerHost,
    theme: Theme,
  ) {
    this.#theme = theme;
    this.#layer = canvasLayer(cy, 'scene-layer', 0, (f) => this.#draw(f));
  }

  /** The nodes to paint (isPainted ones), or none once Cytoscape has them. */
  set(nodes: readonly ElementDefinition[]): void {
    this.#nodes = nodes;
    this.#group();
    // How many it paints, by kind (tests and the benchmark read it; the pixels say the same).
    const counts: Record<string, number> = {};
    for (const e of nodes) counts[String(e.data.kind)] = (counts[String(e.data.kind)] ?? 0) + 1;
    this.#layer.canvas.dataset.painted = String(nodes.length);
    this.#layer.canvas.dataset.kinds = JSON.stringify(counts);
    this.#layer.paintSoon();
  }

  setTheme(theme: Theme): void {
    if (theme === this.#theme) return;
    this.#theme = theme;
    this.#group();
    this.#layer.paintSoon();
  }

  /** Paints `over` on top of the rectangles in each of this layer's frames, until called with null. */
  paintOver(over: ((frame: LayerFrame) => void) | null): void {
    this.#over = over;
    this.#layer.paintSoon();
  }

  /** Paints again in the next frame (what paints over the rectangles changed). */
  paintSoon(): void {
    this.#layer.paintSoon();
  }

  destroy(): void {
    this.#layer.destroy();
  }

  #group(): void {
    // Cytoscape stacks by z-index, then by order (the projection lists a box before its contents).
    const looks = this.#nodes.map((e, i) => ({ e, i, look: rectLook(this.#theme, String(e.data.kind), typeof e.classes === 'string' ? e.classes.split(' ') : [], e.data.colour as string | undefined) }));
    looks.sort((a, b) => a.look.z - b.look.z || a.i - b.i);
    const same = (a: RectLook, b: RectLook) => a.fill === b.fill && a.fillOpacity === b.fillOpacity && a.stroke === b.stroke && a.width === b.width && a.dashed === b.dashed;
    this.#runs = [];
    for (const { e, look } of looks) {
      const w = Number(e.data.w);
      const h = Number(e.data.h);
      const rect = { x: e.position!.x - w / 2, y: e.position!.y - h / 2, w, h };
      const last = this.#runs.at(-1);
      if (last && same(last.look, look)) last.rects.push(rect);
      else this.#runs.push({ look, rects: [rect] });
    }
  }

  #draw(frame: LayerFrame): void {
    const { ctx } = frame;
    const zoom = this.cy.zoom();
    const pan = this.cy.pan();
    ctx.save();
    // Model coordinates, as Cytoscape draws them: a border is centred on the box's edge.
    ctx.translate(pan.x, pan.y);
    ctx.scale(zoom, zoom);
    for (const { look, rects } of this.#runs) {
      ctx.beginPath();
      for (const r of rects) ctx.rect(r.x, r.y, r.w, r.h);
      ctx.globalAlpha = look.fillOpacity;
      ctx.fillStyle = look.fill;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.strokeStyle = look.stroke;
      ctx.lineWidth = look.width;
      ctx.setLineDash(look.dashed ? [4, 2] : []);
      ctx.stroke();
    }
    ctx.restore();
    this.#over?.(frame);
  }
}
