/** The drawing's zoom arithmetic (pure; viewport.ts applies it to Cytoscape). */

/** Zoom factor of one wheel notch, one + / − press. */
export const ZOOM_STEP = 1.2;
export const FIT_PADDING = 24;
/**
 * Level of detail. Below this zoom Cytoscape's labels would be smaller than ~9 px (its texture
 * cache still draws some, tiny): they are hidden and the label layer draws every label at a
 * legible fixed size; and pin edges, which would cross the CPU numbers, are drawn for the
 * selection only.
 */
export const LOD_ZOOM = 0.9;

/** The zoom after `notches` wheel notches (negative deltaY zooms in), within Cytoscape's bounds. */
export function wheelZoom(zoom: number, deltaY: number, deltaMode: number, min: number, max: number): number {
  // A notch is ~100 px (deltaMode 0) or 3 lines (deltaMode 1); a touchpad sends smaller steps.
  const notches = deltaMode === 1 ? deltaY / 3 : deltaY / 100;
  const clamped = Math.max(-3, Math.min(3, notches));
  return Math.max(min, Math.min(max, zoom * ZOOM_STEP ** -clamped));
}
