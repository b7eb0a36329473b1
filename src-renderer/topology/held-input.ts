/**
 * Input that reaches the drawing before Cytoscape exists (its module still loading after the
 * first frame: load-cytoscape.ts), held and handed to Cytoscape once it does: a click made then
 * selects what is under it, a key moves the focus ring, as they would a moment later.
 * Only a release whose press was held is held (Cytoscape listens for it on the window).
 */
const HELD = ['mousedown', 'keydown', 'wheel'] as const;

export class HeldInput {
  #held: Event[] = [];
  #pressed = false;
  #hold = (e: Event) => {
    // Tab moves the focus on (its default action, which a replayed event would not have).
    if (!this.waiting() || (e instanceof KeyboardEvent && e.key === 'Tab')) return;
    if (e.type === 'mouseup') {
      if (!this.#pressed) return;
      this.#pressed = false;
    }
    if (e.type === 'mousedown') this.#pressed = true;
    // Nothing else sees it now (the canvas's own key handler neither): it comes again, to Cytoscape.
    e.stopPropagation();
    e.preventDefault();
    this.#held.push(new (e.constructor as typeof Event)(e.type, e));
    this.onHold();
  };

  /** `waiting()`: whether Cytoscape is still to come; `onHold`: an event was held (load it now). */
  constructor(
    private readonly el: HTMLElement,
    private readonly waiting: () => boolean,
    private readonly onHold: () => void,
  ) {
    for (const t of HELD) el.addEventListener(t, this.#hold, { capture: true });
    window.addEventListener('mouseup', this.#hold, { capture: true });
  }

  /**
   * Dispatches what was held, in order: a mouse or wheel event to what is now under it (a
   * Cytoscape canvas: Cytoscape takes only events on its canvases, not on the container), a key
   * to the drawing.
   */
  replay(): void {
    this.#pressed = false;
    for (const e of this.#held.splice(0)) {
      const under = e instanceof MouseEvent ? document.elementFromPoint(e.clientX, e.clientY) : null;
      (under && this.el.contains(under) ? under : this.el).dispatchEvent(e);
    }
  }

  destroy(): void {
    for (const t of HELD) this.el.removeEventListener(t, this.#hold, { capture: true });
    window.removeEventListener('mouseup', this.#hold, { capture: true });
    this.#held = [];
  }
}
