export type ThemeName = 'light' | 'dark';

const KEY = 'twb.theme';

/** Light/dark theme: follows the system until the user picks one, then remembers it. */
export class ThemeStore {
  #name = $state<ThemeName>('light');

  constructor() {
    const saved = localStorage.getItem(KEY);
    this.#name = saved === 'dark' || saved === 'light' ? saved : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    this.#applyToDocument();
  }

  get name(): ThemeName {
    return this.#name;
  }

  toggle(): void {
    this.#name = this.#name === 'dark' ? 'light' : 'dark';
    localStorage.setItem(KEY, this.#name);
    this.#applyToDocument();
  }

  #applyToDocument(): void {
    document.documentElement.dataset.theme = this.#name;
    document.documentElement.style.colorScheme = this.#name;
  }
}
