/**
 * Cytoscape's module, loaded on its own: a workspace's first frame is painted without it
 * (drawing-view.ts), so it is not part of what the page must fetch, compile and run first.
 */
import type cytoscapeFn from 'cytoscape';

export type Cytoscape = typeof cytoscapeFn;

let loaded: Cytoscape | null = null;
let loading: Promise<Cytoscape> | null = null;

/** Cytoscape, if its module is loaded (loadCytoscape). */
export const cytoscapeIfLoaded = (): Cytoscape | null => loaded;

/** Loads Cytoscape's module once; every later call gets the same promise. */
export function loadCytoscape(): Promise<Cytoscape> {
  return (loading ??= import('./cytoscape-module').then((m) => (loaded = m.default)));
}
