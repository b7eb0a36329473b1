/**
 * Level-of-detail labels: what a box is stays readable at any zoom.
 *
 * Cytoscape scales a label with the zoom: at the fit zoom of a big host (0.3–0.55) a 10 px
 * label is 3–5 px. Below LOD_ZOOM (zoom.ts) the nodes lack `.detail`, so Cytoscape has no
 * labels (style.ts), and this layer paints every label at a fixed on-screen size where its box
 * has room: socket, NUMA, core and guest names in their box's top band (shortened to what
 * fits), CPU and vCPU numbers as soon as their box is tall and wide enough. It is a canvas
 * layer (canvas-layer.ts) at z 3, over the run overlay, so the CPU numbers stay readable on
 * the busy shades.
 */
import type { Core, NodeSingular } from 'cytoscape';
import { canvasLayer, type CanvasLayer, type LayerFrame } from './canvas-layer';
import { fitLabel, needsLayer } from './label-layer-fit';
import { labelField } from './style';

/** Screen size of the labels this layer draws. */
const BOX_FONT_PX = 11;
const LEAF_FONT_PX = 10;
const MIN_LEAF_PX = 8;

export class LabelLayer {
  #layer: CanvasLayer;
  #colour: string;
  #backdrop: string;
  #field: 'labelL' | 'labelP';
  /** Text widths by font and text: the same few hundred labels are measured once, not every frame. */
  #widths = new Map<string, number>();

  /** `colours` as setColours takes them; the first paint is Cytoscape's first frame. */
  constructor(
    private readonly cy: Core,
    colours: { text: string; backdrop: string },
    numbering: 'logical' | 'physical',
  ) {
    this.#colour = colours.text;
    this.#backdrop = colours.backdrop;
    this.#field = labelField(numbering);
    this.#layer = canvasLayer(cy, 'label-layer', 3, (f) => this.#draw(f));
  }

  /**
   * The theme's text colour, and the backdrop a box label gets over what its box contains.
   * A change repaints in the next frame (each paint walks every node).
   */
  setColours(text: string, backdrop: string): void {
    if (text === this.#colour && backdrop === this.#backdrop) return;
    this.#colour = text;
    this.#backdrop = backdrop;
    this.#layer.paintSoon();
  }

  /** L# or P# labels, as the drawing shows them (the projection's `labelL` / `labelP`). */
  setNumbering(numbering: 'logical' | 'physical'): void {
    if (labelField(numbering) === this.#field) return;
    this.#field = labelField(numbering);
    this.#layer.paintSoon();
  }

  destroy(): void {
    this.#layer.destroy();
  }

  #draw({ ctx, width: w, height: h }: LayerFrame): void {
    const cy = this.cy;
    const c = this.#layer.canvas;
    const zoom = cy.zoom();
    const pan = cy.pan();
    let drawn = 0;
    c.dataset.drawn = '0';
    if (!needsLayer(zoom)) return;
    ctx.fillStyle = this.#colour;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    cy.nodes().forEach((n: NodeSingular) => {
      if (n.hasClass('ghost') || n.hasClass('ghost-box') || n.hasClass('aie-col')) return;
      // The data field of the shown numbering (style.ts shownLabel): Cytoscape has no label at this zoom.
      const text = String(n.data(this.#field) ?? '');
      if (!text) return;
      const p = n.position();
      const bw = Number(n.data('w')) * zoom;
      const bh = Number(n.data('h')) * zoom;
      const x = p.x * zoom + pan.x;
      const y = p.y * zoom + pan.y;
      if (x + bw / 2 < 0 || x - bw / 2 > w || y + bh / 2 < 0 || y - bh / 2 > h) return;
      const box = n.hasClass('box');
      // A CPU or vCPU number may shrink to its box's height, down to MIN_LEAF_PX; a box's name does not.
      const px = box ? BOX_FONT_PX : Math.min(LEAF_FONT_PX, Math.floor(bh - 1));
      if (box ? bh < px + 4 : px < MIN_LEAF_PX) return;
      const font = `${box && !n.hasClass('core') && !n.hasClass('numa') ? 'bold ' : ''}${px}px system-ui, sans-serif`;
      if (ctx.font !== font) ctx.font = font;
      const measure = (s: string) => {
        const key = `${font}|${s}`;
        let w = this.#widths.get(key);
        if (w === undefined) this.#widths.set(key, (w = ctx.measureText(s).width));
        return w;
      };
      const label = fitLabel(text, bw - 4, measure, !box);
      if (!label) return;
      const ty = box ? y - bh / 2 + px / 2 + 2 : y;
      if (box) {
        // The band is thinner than the label at this zoom: a backdrop keeps it off the contents below.
        const tw = Math.min(measure(label) + 6, bw - 2);
        ctx.fillStyle = this.#backdrop;
        ctx.fillRect(x - tw / 2, ty - px / 2 - 1, tw, px + 2);
        ctx.fillStyle = this.#colour;
      }
      ctx.fillText(label, x, ty, bw - 2);
      drawn++;
    });
    c.dataset.drawn = String(drawn);
  }
}
