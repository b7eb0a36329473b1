/**
 * The bottom panel's height: dragged on its splitter or set by keyboard, remembered across
 * reloads (localStorage), and a maximised state that gives it the centre's room.
 */
const KEY = 'twb.bottomHeight';
export const MIN_BOTTOM = 120;
export const DEFAULT_BOTTOM = 220;
/** One arrow-key step on the splitter (Page Up/Down: four). */
export const STEP = 24;

/** Where the height is remembered: localStorage in the app, a map in tests. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export class PanelSize {
  #height = $state(DEFAULT_BOTTOM);
  #maximised = $state(false);

  constructor(private readonly storage: KeyValueStore = (globalThis as unknown as { localStorage: KeyValueStore }).localStorage) {
    const saved = Number(storage.getItem(KEY));
    if (Number.isFinite(saved) && saved >= MIN_BOTTOM) this.#height = Math.round(saved);
  }

  get height() {
    return this.#height;
  }
  get maximised() {
    return this.#maximised;
  }

  /** Sets the height, kept between MIN_BOTTOM and `max` (the room the window has), and remembers it. */
  set(px: number, max: number): void {
    this.#height = Math.round(Math.max(MIN_BOTTOM, Math.min(Math.max(MIN_BOTTOM, max), px)));
    this.#maximised = false;
    this.storage.setItem(KEY, String(this.#height));
  }

  toggleMaximised(): void {
    this.#maximised = !this.#maximised;
  }
}
