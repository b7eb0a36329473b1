import type { Core } from 'cytoscape';

/** Where TopologyCanvas registers, on its Cytoscape instance (scratch), how it adds the nodes the scene layer paints. */
export const ALL_NODES_KEY = '_twbAddAllNodes';

/**
 * `cy` with every node and edge of the drawing in it. A workspace opens with its rectangles
 * painted by the scene layer (scene-layer.ts) and given to Cytoscape right after that frame;
 * call this before looking a node up (`pu:12`) from outside the canvas — the run overlay, a
 * console line picked, an export — so that it is there however early the call comes.
 */
export function withAllNodes(cy: Core): Core {
  if (!cy.destroyed()) (cy.scratch(ALL_NODES_KEY) as (() => void) | undefined)?.();
  return cy;
}
