import type { Core } from 'cytoscape';

/** Where a layer over the drawing registers what it takes for itself under the pointer (Cytoscape's scratch). */
const KEY = '_twbOverlayHit';

/**
 * Registers (or, with null, removes) what a layer painted over the drawing answers a press on —
 * the run overlay's lost-IPI arrows (`x`, `y`: the drawing's pixels): a press there opens what
 * the layer opens and leaves the drawing's selection as it was (TopologyCanvas).
 */
export function setOverlayHit(cy: Core, hit: ((x: number, y: number) => boolean) | null): void {
  cy.scratch(KEY, hit);
}

/** Whether a layer over the drawing takes a press at (`x`, `y`) for itself. */
export function overlayHitAt(cy: Core, x: number, y: number): boolean {
  const hit = cy.scratch(KEY) as ((x: number, y: number) => boolean) | null | undefined;
  return typeof hit === 'function' && hit(x, y);
}
