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
import type { ElementDefinition, NodeSingular } from 'cytoscape';
import type { DrawingView } from './drawing-view';
import { canvasLayer, type CanvasLayer, type LayerFrame } from './canvas-layer';
import { fitLabel, fitLeafLabel, needsLayer } from './label-layer-fit';
import { labelField } from './style';
import type { SceneLayer } from './scene-layer';

/** Screen size of the labels this layer draws. */
const BOX_FONT_PX = 11;

export class LabelLayer {
  #layer: CanvasLayer;
  #colour: string;
  #backdrop: string;
  #field: 'labelL' | 'labelP';
  /**
   * Character widths by font (ASCII by code, NaN until measured; others by character): a label's
   * width is the sum of its characters'. A thousand distinct labels (`PU L#0` … `PU L#383`,
   * `vCPU 0` …) then cost a few dozen measureText calls, not two thousand on the first frame;
   * kerning moves the sum by a fraction of a pixel.
   */
  #widths = new Map<string, { ascii: Float64Array; other: Map<string, number> }>();
  #painted: readonly ElementDefinition[] = [];

  /**
   * `colours` as setColours takes them; the first paint is the drawing's first frame (drawing-view.ts).
   * Before Cytoscape exists nothing lies between `scene` (scene-layer.ts) and this layer, so the labels
   * are painted in the scene layer's frame, on its canvas: a workspace's first frame fills one
   * drawing-sized canvas and hands one to the compositor, not two. Once Cytoscape is there they are
   * painted on this layer's own canvas, over Cytoscape's and the run overlay's.
   */
  constructor(
    private readonly cy: DrawingView,
    colours: { text: string; backdrop: string },
    numbering: 'logical' | 'physical',
    private readonly scene?: SceneLayer,
  ) {
    this.#colour = colours.text;
    this.#backdrop = colours.backdrop;
    this.#field = labelField(numbering);
    const inScene = () => Boolean(scene) && !cy.cy;
    this.#layer = canvasLayer(cy, 'label-layer', 3, (f) => this.#draw(f), inScene);
    scene?.paintOver((f) => {
      if (inScene()) this.#draw(f);
    });
  }

  /** Paints in the next frame: this layer's own, or the scene layer's while that one paints the labels. */
  #paintSoon(): void {
    this.#layer.paintSoon();
    if (!this.cy.cy) this.scene?.paintSoon();
  }

  /**
   * The theme's text colour, and the backdrop a box label gets over what its box contains.
   * A change repaints in the next frame (each paint walks every node).
   */
  setColours(text: string, backdrop: string): void {
    if (text === this.#colour && backdrop === this.#backdrop) return;
    this.#colour = text;
    this.#backdrop = backdrop;
    this.#paintSoon();
  }

  /** L# or P# labels, as the drawing shows them (the projection's `labelL` / `labelP`). */
  setNumbering(numbering: 'logical' | 'physical'): void {
    if (labelField(numbering) === this.#field) return;
    this.#field = labelField(numbering);
    this.#paintSoon();
  }

  destroy(): void {
    this.scene?.paintOver(null);
    this.#layer.destroy();
  }

  /** Also labels these nodes, which are not Cytoscape's yet (scene-layer.ts paints them). */
  setPainted(nodes: readonly ElementDefinition[]): void {
    this.#painted = nodes;
    this.#paintSoon();
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
    // The context's font, kept here: reading ctx.font back serializes it each time.
    let current = '';
    const setFont = (font: string) => {
      if (font !== current) ctx.font = current = font;
    };
    const fonts = new Map<number, string>();
    const fontOf = (px: number, bold: boolean) => {
      const k = bold ? -px : px;
      let f = fonts.get(k);
      if (f === undefined) fonts.set(k, (f = `${bold ? 'bold ' : ''}${px}px system-ui, sans-serif`));
      return f;
    };
    const widths = (font: string) => {
      let t = this.#widths.get(font);
      if (!t) this.#widths.set(font, (t = { ascii: new Float64Array(128).fill(NaN), other: new Map() }));
      return t;
    };
    const label = (data: (key: string) => unknown, p: { x: number; y: number }, box: boolean, bold: boolean) => {
      // The data field of the shown numbering (style.ts shownLabel): Cytoscape has no label at this zoom.
      const text = String(data(this.#field) ?? '');
      if (!text) return;
      const bw = Number(data('w')) * zoom;
      const bh = Number(data('h')) * zoom;
      const x = p.x * zoom + pan.x;
      const y = p.y * zoom + pan.y;
      if (x + bw / 2 < 0 || x - bw / 2 > w || y + bh / 2 < 0 || y - bh / 2 > h) return;
      const measure = (px: number, s: string) => {
        const font = fontOf(px, bold);
        const t = widths(font);
        let sum = 0;
        for (let i = 0; i < s.length; i++) {
          const code = s.charCodeAt(i);
          let cw = code < 128 ? t.ascii[code] : t.other.get(s[i]);
          if (cw === undefined || Number.isNaN(cw)) {
            setFont(font);
            cw = ctx.measureText(s[i]).width;
            if (code < 128) t.ascii[code] = cw;
            else t.other.set(s[i], cw);
          }
          sum += cw;
        }
        return sum;
      };
      // A box's name is BOX_FONT_PX where its band has room; a CPU or vCPU number shrinks to its box (fitLeafLabel).
      const fit = box ? (bh >= BOX_FONT_PX + 4 ? { label: fitLabel(text, bw - 4, (s) => measure(BOX_FONT_PX, s)), px: BOX_FONT_PX } : null) : fitLeafLabel(text, bw, bh, measure);
      if (!fit?.label) return;
      const { label: shown, px } = fit;
      setFont(fontOf(px, bold));
      const ty = box ? y - bh / 2 + px / 2 + 2 : y;
      if (box) {
        // The band is thinner than the label at this zoom: a backdrop keeps it off the contents below.
        const tw = Math.min(measure(px, shown) + 6, bw - 2);
        ctx.fillStyle = this.#backdrop;
        ctx.fillRect(x - tw / 2, ty - px / 2 - 1, tw, px + 2);
        ctx.fillStyle = this.#colour;
      }
      // No maxWidth: fitLabel chose a label that fits, and with one fillText measures it again.
      ctx.fillText(shown, x, ty);
      drawn++;
    };
    const each = (classes: readonly string[], data: (key: string) => unknown, p: { x: number; y: number }) => {
      // An AI Engine column's tick is Cytoscape's own, zoomed in.
      if (classes.includes('ghost') || classes.includes('ghost-box') || classes.includes('aie-col')) return;
      const box = classes.includes('box');
      label(data, p, box, box && !classes.includes('core') && !classes.includes('numa'));
    };
    // Cytoscape's nodes and the ones the scene layer paints (in the projection's order: a box before its contents).
    for (const e of this.#painted) each(typeof e.classes === 'string' ? e.classes.split(' ') : [], (k) => e.data[k], e.position!);
    cy.nodes()?.forEach((n: NodeSingular) => each(n.classes(), (k) => n.data(k), n.position()));
    c.dataset.drawn = String(drawn);
  }
}
