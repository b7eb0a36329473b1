import type { Core } from 'cytoscape';

/**
 * What another part of the renderer paints over the drawing (the live run's overlay) and
 * wants in the drawing's PNG and SVG export, registered per Cytoscape instance so the
 * topology needs to know nothing about it.
 */
export interface ExportView {
  /** Model point p is drawn at p × zoom + pan (pixels of the target). */
  zoom: number;
  pan: { x: number; y: number };
  /** The target's size in its pixels. */
  width: number;
  height: number;
}

export interface ExportLayer {
  /** Paints over a PNG of the drawing; returns false when there is nothing to paint. */
  paint(ctx: CanvasRenderingContext2D, view: ExportView): boolean;
  /** SVG elements in model coordinates to put over the drawing ('' for none). */
  svg(): string;
}

const layers = new WeakMap<Core, ExportLayer>();

export function setExportLayer(cy: Core, layer: ExportLayer | null): void {
  if (layer) layers.set(cy, layer);
  else layers.delete(cy);
}

export const exportLayerOf = (cy: Core): ExportLayer | null => layers.get(cy) ?? null;
