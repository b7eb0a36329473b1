import type { Core } from 'cytoscape';

/** Where TopologyCanvas registers its addLeaves on the instance (Cytoscape's scratch). */
export const LEAVES_KEY = '_twbAddLeaves';

/**
 * `cy` with every node of the drawing in it: a workspace opens with its threads, vCPUs and AI
 * Engine columns painted by the leaf layer (leaf-layer.ts), not yet Cytoscape nodes. Call it
 * before looking a leaf up (`pu:12`) from outside the canvas: the run overlay, a console line
 * picked, an export.
 */
export function withLeaves(cy: Core): Core {
  if (!cy.destroyed()) (cy.scratch(LEAVES_KEY) as (() => void) | undefined)?.();
  return cy;
}
