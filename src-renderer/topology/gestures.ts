import type { Core, EventObject, NodeSingular } from 'cytoscape';

type At = { x: number; y: number };

/**
 * The pin gesture: press on a vCPU, drag, release over a thread, core, package or NUMA node.
 * A dashed ghost edge follows the pointer; the object under it is highlighted. If the pressed
 * vCPU is part of the selection, every selected vCPU is pinned. Returns the cleanup.
 */
export function attachPinGesture(cy: Core, onpin: (vcpus: string[], target: string, at: At) => void): () => void {
  return attachLinkGesture(cy, 'node.vcpu', new Set(['pu', 'core', 'package', 'numa']), (from, target, at) => {
    const sel = cy.nodes('.vcpu:selected').filter((n) => n.data('container') === from.data('container'));
    onpin(from.selected() && sel.length > 1 ? sel.map((n) => n.id()) : [from.id()], target, at);
  });
}

/** The source gesture: press on a dma-buf importer, release over a buffer or an exporter to import it from there. */
export function attachSourceGesture(cy: Core, onsource: (importer: string, target: string, at: At) => void): () => void {
  return attachLinkGesture(cy, 'node.dma-importer', new Set(['dma-buffer', 'dma-exporter']), (from, target, at) => onsource(from.id(), target, at));
}

/** Drag from a node matching `fromSelector` onto a node of one of `targetKinds`, with a ghost edge following the pointer. */
function attachLinkGesture(cy: Core, fromSelector: string, targetKinds: Set<string>, onlink: (from: NodeSingular, target: string, at: At) => void): () => void {
  let source: NodeSingular | null = null;
  let over: NodeSingular | null = null;

  const clear = () => {
    cy.remove('#ghost-node, #ghost-edge');
    over?.removeClass('drop-target');
    over = null;
    source = null;
    cy.userPanningEnabled(true);
    cy.boxSelectionEnabled(true);
  };
  const targetAt = (e: EventObject): NodeSingular | null => {
    const p = e.position;
    // Topmost (highest z) pinnable node under the pointer.
    const hits = cy.nodes().filter((n) => targetKinds.has(n.data('kind')) && inside(n, p));
    if (hits.empty()) return null;
    return hits.max((n) => zOf(n as NodeSingular)).ele as unknown as NodeSingular;
  };

  const start = (e: EventObject) => {
    const n = e.target as NodeSingular;
    source = n;
    cy.userPanningEnabled(false);
    cy.boxSelectionEnabled(false);
    cy.add([
      { group: 'nodes', data: { id: 'ghost-node', w: 1, h: 1 }, position: { ...e.position }, classes: 'ghost' },
      { group: 'edges', data: { id: 'ghost-edge', source: n.id(), target: 'ghost-node' }, classes: 'ghost' },
    ]);
  };
  const drag = (e: EventObject) => {
    if (!source) return;
    cy.getElementById('ghost-node').position({ ...e.position });
    const t = targetAt(e);
    if (t !== over) {
      over?.removeClass('drop-target');
      over = t;
      over?.addClass('drop-target');
    }
  };
  const end = (e: EventObject) => {
    if (!source) return;
    const from = source;
    const t = targetAt(e);
    const moved = cy.getElementById('ghost-edge').nonempty();
    clear();
    if (!t || !moved) return;
    onlink(from, t.id(), e.renderedPosition ?? e.position);
  };

  cy.on('tapstart', fromSelector, start);
  cy.on('tapdrag', drag);
  cy.on('tapend', end);
  return () => {
    cy.off('tapstart', fromSelector, start);
    cy.off('tapdrag', drag);
    cy.off('tapend', end);
  };
}

const Z: Record<string, number> = { package: 10, numa: 20, core: 30, pu: 40 };
const zOf = (n: NodeSingular) => Z[n.data('kind') as string] ?? 0;

function inside(n: NodeSingular, p: { x: number; y: number }) {
  const c = n.position();
  const w = n.data('w') / 2;
  const h = n.data('h') / 2;
  return p.x >= c.x - w && p.x <= c.x + w && p.y >= c.y - h && p.y <= c.y + h;
}
