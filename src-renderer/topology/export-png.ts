import type { Core } from 'cytoscape';
import { exportLayerOf } from './export-layers';

/**
 * The whole drawing as a PNG at `scale` (× the device pixel ratio, as Cytoscape renders it),
 * with the export layer (the live run's overlay) painted over it at the same scale: Cytoscape
 * draws model point p at (p − bb.x1) × zoom, where bb is its elements' bounding box and zoom
 * is the image's width over the box's (whole-unit) width.
 */
export async function drawingPng(cy: Core, bg: string, scale = 2): Promise<Blob> {
  // The image is at 2×: every label and pin edge is drawn, whatever the view's level of detail.
  const hidden = cy.elements().not('.detail');
  cy.batch(() => hidden.addClass('detail'));
  const bb = cy.elements().boundingBox(); // what cy.png({ full: true }) frames
  const plain = cy.png({ output: 'blob', full: true, scale, bg });
  cy.batch(() => hidden.removeClass('detail'));
  const layer = exportLayerOf(cy);
  if (!layer || bb.w <= 0) return plain;
  const img = await createImageBitmap(plain);
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(img, 0, 0);
  img.close(); // (its width and height read 0 from here on)
  const zoom = canvas.width / Math.ceil(bb.w);
  if (!layer.paint(ctx, { zoom, pan: { x: -bb.x1 * zoom, y: -bb.y1 * zoom }, width: canvas.width, height: canvas.height })) return plain;
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))), 'image/png'));
}
