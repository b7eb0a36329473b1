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

/** The blocks the move gesture grabs, by their own area (label band, padding, border). */
export const MOVABLE_SELECTOR = 'node.machine, node.guest, node.aie, node.dmabuf';
/** Pointer travel (rendered px) before a press on a block becomes a move, so a click still selects. */
const MOVE_SLOP = 4;

/**
 * The move gesture: press on a block's own area — the machine, a guest, the AI Engine array or
 * the dma-buf block, whose children lie above it and keep their own gestures (a vCPU drag still
 * pins) — drag, release. A dashed ghost of the block follows the pointer; the release reports
 * the block's new top-left corner (model units). The drawing itself moves only when the
 * document does, so the edit is one undo step and the picture stays a projection.
 */
export function attachMoveGesture(cy: Core, onmove: (id: string, topLeft: At, at: At) => void): () => void {
  let grab: { id: string; x1: number; y1: number; w: number; h: number; from: At; rendered: At } | null = null;

  const clear = () => {
    cy.remove('#ghost-box');
    grab = null;
    cy.userPanningEnabled(true);
    cy.boxSelectionEnabled(true);
  };
  const start = (e: EventObject) => {
    const n = e.target as NodeSingular;
    const c = n.position();
    const w = n.data('w') as number;
    const h = n.data('h') as number;
    grab = { id: n.id(), x1: c.x - w / 2, y1: c.y - h / 2, w, h, from: { ...e.position }, rendered: { ...e.renderedPosition } };
    cy.userPanningEnabled(false);
    cy.boxSelectionEnabled(false);
  };
  const topLeft = (e: EventObject, g: NonNullable<typeof grab>): At => ({ x: Math.round(g.x1 + e.position.x - g.from.x), y: Math.round(g.y1 + e.position.y - g.from.y) });
  const drag = (e: EventObject) => {
    if (!grab) return;
    let ghost = cy.getElementById('ghost-box');
    if (ghost.empty()) {
      if (Math.hypot(e.renderedPosition.x - grab.rendered.x, e.renderedPosition.y - grab.rendered.y) < MOVE_SLOP) return;
      ghost = cy.add({ group: 'nodes', data: { id: 'ghost-box', w: grab.w, h: grab.h }, classes: 'ghost-box', selectable: false });
    }
    const p = topLeft(e, grab);
    ghost.position({ x: p.x + grab.w / 2, y: p.y + grab.h / 2 });
  };
  const end = (e: EventObject) => {
    if (!grab) return;
    const g = grab;
    const moved = cy.getElementById('ghost-box').nonempty();
    clear();
    if (moved) onmove(g.id, topLeft(e, g), e.renderedPosition ?? e.position);
  };

  cy.on('tapstart', MOVABLE_SELECTOR, start);
  cy.on('tapdrag', drag);
  cy.on('tapend', end);
  return () => {
    cy.off('tapstart', MOVABLE_SELECTOR, start);
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
