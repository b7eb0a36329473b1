/**
 * The drawing's viewport: zoom steps (buttons, keys, wheel), fitting, and what depends on the
 * zoom level. Cytoscape's own wheel zoom changes the zoom by up to 2.5× a notch; the drawing
 * turns it off and zooms by ZOOM_STEP per notch around the pointer instead.
 *
 * Fit is sticky: while the user has not zoomed or panned since the last fit, an edit that
 * changes the drawing's extent, or a resized window, fits it again.
 */
import type { Core } from 'cytoscape';
import { FIT_PADDING, LOD_ZOOM, wheelZoom } from './zoom';

export { ZOOM_STEP } from './zoom';

/** A node's rectangle in model units: centre and size (the projection's position and data w, h). */
export interface ModelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The extent of `rects` in model units (no style or label measuring). */
export function modelExtent(rects: Iterable<ModelRect>): { x1: number; y1: number; x2: number; y2: number; w: number; h: number } | null {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const { x, y, w, h } of rects) {
    if (w <= 1 && h <= 1) continue; // ghosts of gestures
    x1 = Math.min(x1, x - w / 2);
    y1 = Math.min(y1, y - h / 2);
    x2 = Math.max(x2, x + w / 2);
    y2 = Math.max(y2, y + h / 2);
  }
  return x2 > x1 && y2 > y1 ? { x1, y1, x2, y2, w: x2 - x1, h: y2 - y1 } : null;
}

/** The zoom and pan that fit `rects` in a `w` × `h` view (FIT_PADDING around), or null if there is nothing to fit. */
export function fitView(rects: Iterable<ModelRect>, w: number, h: number, minZoom: number, maxZoom: number): { zoom: number; pan: { x: number; y: number } } | null {
  const bb = modelExtent(rects);
  if (!bb || w <= 0 || h <= 0) return null;
  const zoom = Math.max(minZoom, Math.min(maxZoom, Math.min((w - 2 * FIT_PADDING) / bb.w, (h - 2 * FIT_PADDING) / bb.h)));
  return { zoom, pan: { x: (w - zoom * (bb.x1 + bb.x2)) / 2, y: (h - zoom * (bb.y1 + bb.y2)) / 2 } };
}

export class Viewport {
  /** True from a fit until the user zooms or pans. */
  #atFit = false;
  #extent = '';
  #observer: ResizeObserver | null = null;
  #onWheel = (e: WheelEvent) => this.#wheel(e);
  #onUserMove = () => {
    if (!this.#fitting) this.#atFit = false;
  };
  #fitting = false;

  /** `rects`: every node of the drawing, whether Cytoscape has it yet or the scene layer paints it (scene-layer.ts). */
  constructor(
    private readonly cy: Core,
    private readonly rects: () => Iterable<ModelRect>,
  ) {
    const el = cy.container()!;
    el.addEventListener('wheel', this.#onWheel, { passive: false });
    // Cytoscape's user pan (drag on the background) ends the sticky fit.
    cy.on('dragpan', this.#onUserMove);
    cy.on('zoom', () => this.#applyDetail());
    this.#observer = new ResizeObserver(() => {
      cy.resize();
      if (this.#atFit) this.fit();
    });
    this.#observer.observe(el);
  }

  get atFit() {
    return this.#atFit;
  }

  /**
   * Fits the drawing from the projection's own geometry (node centre ± w/2, h/2). Cytoscape's
   * cy.fit() measures every element's rendered label first, which for the 384-thread scene cost
   * a third of the first paint; the labels sit inside their boxes, so the boxes are the extent.
   */
  fit(): void {
    const cy = this.cy;
    const view = fitView(this.rects(), cy.width(), cy.height(), cy.minZoom(), cy.maxZoom());
    if (!view) return;
    this.#fitting = true;
    cy.viewport(view);
    this.#fitting = false;
    this.#atFit = true;
    this.#applyDetail();
  }

  /** Zooms by `factor` around the view's centre (buttons, + and − keys). */
  zoomBy(factor: number): void {
    this.zoomTo(this.cy.zoom() * factor);
  }

  zoomTo(level: number): void {
    const cy = this.cy;
    const z = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), level));
    cy.zoom({ level: z, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    this.#atFit = false;
  }

  /** After the elements changed: fits again when the extent changed and the view was at fit. */
  elementsChanged(): void {
    const bb = modelExtent(this.rects());
    const extent = bb ? `${Math.round(bb.w)}x${Math.round(bb.h)}` : '';
    if (extent !== this.#extent && this.#atFit) this.fit();
    this.#extent = extent;
    this.#applyDetail();
  }

  destroy(): void {
    this.cy.container()?.removeEventListener('wheel', this.#onWheel);
    this.#observer?.disconnect();
  }

  #wheel(e: WheelEvent): void {
    e.preventDefault();
    const cy = this.cy;
    const rect = cy.container()!.getBoundingClientRect();
    cy.zoom({ level: wheelZoom(cy.zoom(), e.deltaY, e.deltaMode, cy.minZoom(), cy.maxZoom()), renderedPosition: { x: e.clientX - rect.left, y: e.clientY - rect.top } });
    this.#atFit = false;
  }

  /**
   * At or above LOD_ZOOM the nodes and pin edges carry `.detail` (Cytoscape's labels and every
   * pin edge shown); below it, the label layer draws the labels and only the selection's pins
   * show. One class change when the zoom crosses LOD_ZOOM, or when an edit added elements.
   */
  #applyDetail(): void {
    const detail = this.cy.zoom() >= LOD_ZOOM;
    const els = this.cy.nodes().union(this.cy.edges('.pin'));
    if ((detail ? els.not('.detail') : els.filter('.detail')).empty()) return;
    this.cy.batch(() => (detail ? els.addClass('detail') : els.removeClass('detail')));
  }
}
