/**
 * A canvas of its own stacked over the drawing's Cytoscape canvases, for what is painted over
 * the drawing instead of restyling Cytoscape elements (restyling one node redraws the whole
 * scene). Transparent to the pointer, so the drawing stays interactive; repainted in
 * Cytoscape's own frames (its `render` event), so pan and zoom stay one redraw — or, before
 * Cytoscape exists, in the first frame's (drawing-view.ts).
 *
 * Layers, bottom to top: the scene layer (z 0, scene-layer.ts: the first frame's rectangles,
 * until Cytoscape has them as nodes), Cytoscape's canvases, the run overlay (z 2, run/overlay-canvas.ts:
 * busy shades fill the CPU boxes), the label layer (z 3, label-layer.ts: the CPU numbers stay
 * readable on the shades). A later layer adds its own canvas the same way.
 */
import type { LayerHost } from './drawing-view';

/** What a layer's paint gets: a cleared context in CSS pixels of the drawing's container. */
export interface LayerFrame {
  ctx: CanvasRenderingContext2D;
  width: number;
  height: number;
}

export interface CanvasLayer {
  readonly canvas: HTMLCanvasElement;
  /** Paints in the next frame; any number of calls before it make one paint. */
  paintSoon(): void;
  destroy(): void;
}

/**
 * Adds the layer `testid` at z-index `z` over `cy`'s canvases (z 0: under them, before them in
 * the container; Cytoscape's canvases stack at z 0 too); `paint` draws it on each of Cytoscape's frames.
 * `cy` is a Cytoscape instance or the drawing's view before Cytoscape exists (drawing-view.ts).
 * While `elsewhere()` is true the layer's own canvas is left alone (never sized or cleared): another
 * layer paints its picture in its own frame (label-layer.ts, before Cytoscape exists).
 */
export function canvasLayer(cy: LayerHost, testid: string, z: number, paint: (frame: LayerFrame) => void, elsewhere?: () => boolean): CanvasLayer {
  const canvas = document.createElement('canvas');
  canvas.dataset.testid = testid;
  canvas.setAttribute('aria-hidden', 'true');
  Object.assign(canvas.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', pointerEvents: 'none', zIndex: String(z) });
  const container = cy.container()!;
  if (z <= 0) container.insertBefore(canvas, container.firstChild);
  else container.appendChild(canvas);
  let frame = 0;
  const repaint = () => {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    if (cy.destroyed() || elsewhere?.()) return;
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    const w = Math.round(width * dpr);
    const h = Math.round(height * dpr);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    paint({ ctx, width, height });
  };
  cy.on('render', repaint);
  return {
    canvas,
    paintSoon: () => {
      if (!frame) frame = requestAnimationFrame(repaint);
    },
    destroy: () => {
      if (frame) cancelAnimationFrame(frame);
      if (!cy.destroyed()) cy.off('render', repaint);
      canvas.remove();
    },
  };
}
