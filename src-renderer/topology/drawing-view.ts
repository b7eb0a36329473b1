/**
 * The drawing's viewport and frames as the canvas layers see them (canvas-layer.ts): Cytoscape's
 * once it exists; before that, the fit view of a workspace's first frame, which the scene and
 * label layers paint without Cytoscape.
 *
 * Loading the Cytoscape instance — creating it, styling its nodes, its own first frame — costs
 * more than the first frame itself, so TopologyCanvas creates it right after that frame, or at
 * once when anything needs it sooner (a pointer or key on the drawing; TopologyCanvas `addAllNodes`).
 */
import type { Core, NodeCollection } from 'cytoscape';

/** What a canvas layer reads of the drawing; a Cytoscape instance is one. */
export interface LayerHost {
  container(): HTMLElement | null;
  zoom(): number;
  pan(): { x: number; y: number };
  on(events: 'render', handler: () => void): unknown;
  off(events: 'render', handler: () => void): unknown;
  destroyed(): boolean;
}

export class DrawingView implements LayerHost {
  #cy: Core | null = null;
  #zoom = 1;
  #pan = { x: 0, y: 0 };
  #handlers = new Set<() => void>();
  #frame = 0;
  #destroyed = false;
  #emit = () => {
    for (const h of [...this.#handlers]) h();
  };

  constructor(private readonly el: HTMLElement) {}

  /** The Cytoscape instance, once TopologyCanvas created it. */
  get cy(): Core | null {
    return this.#cy;
  }

  container(): HTMLElement {
    return this.el;
  }

  zoom(): number {
    return this.#cy ? this.#cy.zoom() : this.#zoom;
  }

  pan(): { x: number; y: number } {
    return this.#cy ? this.#cy.pan() : this.#pan;
  }

  /** Cytoscape's nodes, or none before it exists (the scene layer paints them then). */
  nodes(): NodeCollection | null {
    return this.#cy ? this.#cy.nodes() : null;
  }

  /**
   * Before Cytoscape: shows the drawing at `zoom` and `pan`. The layers paint it in the next
   * frame, as they would in Cytoscape's; `painted` runs in that frame, after them.
   */
  show(zoom: number, pan: { x: number; y: number }, painted?: () => void): void {
    if (this.#cy) return;
    this.#zoom = zoom;
    this.#pan = { ...pan };
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      if (this.#cy || this.#destroyed) return;
      this.#emit();
      painted?.();
    });
  }

  /** From now on the layers follow `cy`'s viewport and paint in its frames. */
  attach(cy: Core): void {
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#cy = cy;
    cy.on('render', this.#emit);
  }

  on(_events: 'render', handler: () => void): void {
    this.#handlers.add(handler);
  }

  off(_events: 'render', handler: () => void): void {
    this.#handlers.delete(handler);
  }

  destroyed(): boolean {
    return this.#destroyed || Boolean(this.#cy?.destroyed());
  }

  destroy(): void {
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#destroyed = true;
    this.#handlers.clear();
  }
}
