/**
 * Level-of-detail labels: what a box is stays readable at any zoom.
 *
 * Cytoscape scales a label with the zoom: at the fit zoom of a big host (0.3–0.55) a 10 px
 * label is 3–5 px. Below LOD_ZOOM (zoom.ts) the nodes lack `.detail`, so Cytoscape has no
 * labels (style.ts), and this layer paints every label at a fixed on-screen size where its box has room:
 * socket, NUMA, core and guest names in their box's top band (shortened to what fits), CPU and
 * vCPU numbers as soon as their box is tall and wide enough. Painted on a canvas of its own over the drawing (like the run overlay), redrawn in
 * Cytoscape's own frames (its `render` event), so pan and zoom stay one redraw.
 *
 * Layers over the drawing, bottom to top: Cytoscape's canvases, the run overlay (z 2,
 * run/overlay-canvas.ts: busy shades fill the CPU boxes), this label layer (z 3, so the CPU
 * numbers stay readable on the shades). A later layer (a timeline, caches) adds its own canvas
 * the same way.
 */
import type { Core, NodeSingular } from 'cytoscape';
import { fitLabel, needsLayer } from './label-layer-fit';

/** Screen size of the labels this layer draws. */
const BOX_FONT_PX = 11;
const LEAF_FONT_PX = 10;
const MIN_LEAF_PX = 8;

export class LabelLayer {
  #canvas: HTMLCanvasElement;
  #onRender = () => this.#draw();
  #colour = '#111';
  #backdrop = 'rgba(255,255,255,0.75)';
  #field: 'labelL' | 'labelP' = 'labelL';
  /** Text widths by font and text: the same few hundred labels are measured once, not every frame. */
  #widths = new Map<string, number>();
  #pending = 0;

  constructor(private readonly cy: Core) {
    const c = document.createElement('canvas');
    c.dataset.testid = 'label-layer';
    c.setAttribute('aria-hidden', 'true');
    Object.assign(c.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', pointerEvents: 'none', zIndex: '3' });
    cy.container()!.appendChild(c);
    this.#canvas = c;
    cy.on('render', this.#onRender);
  }

  /** The theme's text colour, and the backdrop a box label gets over what its box contains. */
  setColours(text: string, backdrop: string): void {
    this.#colour = text;
    this.#backdrop = backdrop;
    this.#redrawSoon();
  }

  /** L# or P# labels, as the drawing shows them (the projection's `labelL` / `labelP`). */
  setNumbering(numbering: 'logical' | 'physical'): void {
    this.#field = numbering === 'logical' ? 'labelL' : 'labelP';
    this.#redrawSoon();
  }

  /**
   * One draw in the next frame for any number of setter calls: at first paint the setters run
   * before Cytoscape's first frame, which draws the layer anyway (each draw walks every node).
   */
  #redrawSoon(): void {
    if (this.#pending) return;
    this.#pending = requestAnimationFrame(() => {
      this.#pending = 0;
      this.#draw();
    });
  }

  destroy(): void {
    cancelAnimationFrame(this.#pending);
    if (!this.cy.destroyed()) this.cy.off('render', this.#onRender);
    this.#canvas.remove();
  }

  #draw(): void {
    const cy = this.cy;
    if (cy.destroyed()) return;
    const c = this.#canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
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
      // The data field the stylesheet's label maps to: reading it is far cheaper than n.style('label').
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
