/** Cytoscape as a module of the renderer's own, which load-cytoscape.ts imports on demand (its own chunk). */
export { default } from 'cytoscape';
