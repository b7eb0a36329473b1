import type { Store } from '../../store';

/** What the bridge handlers need from the process hosting them. */
export interface HandlerDeps {
  store: Store;
  version: string;
  mode: 'electron' | 'browser' | 'test';
}
