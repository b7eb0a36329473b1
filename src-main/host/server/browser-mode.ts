import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, defaultStorePath, type Store } from '../store';
import { createBridgeHost } from './handlers';
import { startServer, type RunningServer } from './server';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where `npm run build` puts the renderer. */
export const RENDERER_DIR = path.join(PACKAGE_ROOT, 'out', 'renderer');

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Opens the store and serves the app in browser mode (what `twb serve` runs). */
export async function startBrowserMode(opts: { port: number; db?: string; rendererDir?: string }): Promise<{ server: RunningServer; store: Store }> {
  // An explicit --db may be a new file, but in a folder that exists.
  const store = opts.db ? openStore(opts.db, { create: 'file' }) : openStore(defaultStorePath());
  try {
    const host = createBridgeHost({ store, version: packageVersion(), mode: 'browser' });
    const server = await startServer({ host, port: opts.port, rendererDir: opts.rendererDir ?? RENDERER_DIR });
    return { server, store };
  } catch (e) {
    store.close();
    throw e;
  }
}
