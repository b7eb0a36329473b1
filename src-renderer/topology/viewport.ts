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

  constructor(private readonly cy: Core) {
    const el = cy.container()!;
    el.addEventListener('wheel', this.#onWheel, { passive: false });
    // Cytoscape's user pan (drag on the background) ends the sticky fit.
    cy.on('dragpan', this.#onUserMove);
    cy.on('zoom', () => this.#quietPins());
    this.#observer = new ResizeObserver(() => {
      cy.resize();
      if (this.#atFit) this.fit();
    });
    this.#observer.observe(el);
  }

  get atFit() {
    return this.#atFit;
  }

  fit(): void {
    this.#fitting = true;
    this.cy.fit(undefined, FIT_PADDING);
    this.#fitting = false;
    this.#atFit = true;
    this.#quietPins();
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
    const bb = this.cy.elements().boundingBox();
    const extent = `${Math.round(bb.w)}x${Math.round(bb.h)}`;
    if (extent !== this.#extent && this.#atFit) this.fit();
    this.#extent = extent;
    this.#quietPins();
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
   * Below LOD_ZOOM nodes carry `.lod` (Cytoscape hides their labels; label-layer.ts draws them)
   * and pin edges `.quiet` (hidden unless lit by the selection). One class change when the zoom
   * crosses LOD_ZOOM, or when an edit added elements without it.
   */
  #quietPins(): void {
    const lod = this.cy.zoom() < LOD_ZOOM;
    const pins = this.cy.edges('.pin');
    const nodes = this.cy.nodes();
    if (pins.filter(lod ? ':not(.quiet)' : '.quiet').empty() && nodes.filter(lod ? ':not(.lod)' : '.lod').empty()) return;
    this.cy.batch(() => {
      if (lod) {
        pins.addClass('quiet');
        nodes.addClass('lod');
      } else {
        pins.removeClass('quiet');
        nodes.removeClass('lod');
      }
    });
  }
}
