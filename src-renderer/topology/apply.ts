import type { Core, ElementDefinition } from 'cytoscape';

/**
 * Brings a Cytoscape instance to a projection in one `cy.batch()`: removes what is gone,
 * adds what is new, and updates data, parent, classes and leaf positions of what stayed —
 * so an edit redraws only what it changed and the viewport stays where the user left it.
 * Elements whose id starts with `ghost` (gesture helpers) are left alone.
 * Returns how many elements were added, removed and updated.
 */
export function applyProjection(cy: Core, elements: readonly ElementDefinition[]) {
  const next = new Map<string, ElementDefinition>();
  for (const e of elements) next.set(e.data.id!, e);
  let added = 0;
  let removed = 0;
  let updated = 0;
  cy.batch(() => {
    const gone = cy.elements().filter((e) => !next.has(e.id()) && !e.id().startsWith('ghost'));
    removed = gone.length;
    cy.remove(gone);
    const toAdd: ElementDefinition[] = [];
    for (const def of elements) {
      const ele = cy.getElementById(def.data.id!);
      if (ele.empty()) {
        toAdd.push(def);
        continue;
      }
      // An edge that now joins other nodes (an importer given another source) is replaced:
      // Cytoscape does not change an edge's ends through data().
      if (ele.isEdge() && (ele.data('source') !== def.data.source || ele.data('target') !== def.data.target)) {
        cy.remove(ele);
        removed++;
        toAdd.push(def);
        continue;
      }
      let changed = false;
      const parent = (def.data.parent as string | undefined) ?? null;
      if (ele.isNode() && (ele.data('parent') ?? null) !== parent) {
        ele.move({ parent });
        changed = true;
      }
      const data = plainData(def.data);
      if (!sameData(plainData(ele.data()), data)) {
        // Data keys that disappeared must be cleared too (e.g. a warning that went away).
        for (const k of Object.keys(plainData(ele.data()))) if (!(k in data)) ele.removeData(k);
        ele.data(data);
        changed = true;
      }
      const classes = typeof def.classes === 'string' ? def.classes : '';
      if (ele.classes().join(' ') !== classes.split(' ').filter(Boolean).join(' ')) {
        ele.classes(classes);
        changed = true;
      }
      if (def.position && ele.isNode() && ele.isChildless()) {
        const p = ele.position();
        if (p.x !== def.position.x || p.y !== def.position.y) {
          ele.position(def.position);
          changed = true;
        }
      }
      if (changed) updated++;
    }
    // Parents precede children in the projection, so one add() keeps the nesting.
    if (toAdd.length) cy.add(toAdd);
    added = toAdd.length;
  });
  return { added, removed, updated };
}

/** Data without the structural keys, which Cytoscape changes only through move(). */
function plainData(d: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) if (k !== 'id' && k !== 'parent' && k !== 'source' && k !== 'target' && v !== undefined) out[k] = v;
  return out;
}

function sameData(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return kb.every((k) => a[k] === b[k]);
}
