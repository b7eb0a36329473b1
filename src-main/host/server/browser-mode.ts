import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, defaultStorePath, type Store } from '../store';
import { JobPool } from '../run/job-pool';
import { createBridgeHost } from './handlers';
import { LiveRuns } from './handlers/live-runs';
import { startServer, type RunningServer } from './server';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where `npm run build` puts the renderer. */
export const RENDERER_DIR = path.join(PACKAGE_ROOT, 'out', 'renderer');

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export interface BrowserMode {
  server: RunningServer;
  store: Store;
  /** Closes every client, ends running jobs, records an active run as cancelled, closes the store. */
  stop(): Promise<void>;
}

/** Opens the store and serves the app in browser mode (what `twb serve` runs); heavy requests run on job threads. */
export async function startBrowserMode(opts: { port: number; db?: string; rendererDir?: string }): Promise<BrowserMode> {
  // An explicit --db may be a new file, but in a folder that exists.
  const store = opts.db ? openStore(opts.db, { create: 'file' }) : openStore(defaultStorePath());
  const jobs = new JobPool();
  const liveRuns = new LiveRuns(store);
  try {
    const host = createBridgeHost({ store, version: packageVersion(), mode: 'browser', jobs, liveRuns });
    const server = await startServer({ host, port: opts.port, rendererDir: opts.rendererDir ?? RENDERER_DIR });
    const stop = async () => {
      await server.close();
      await Promise.all([jobs.close(), liveRuns.stopAll()]);
      store.close();
    };
    return { server, store, stop };
  } catch (e) {
    await jobs.close();
    store.close();
    throw e;
  }
}
