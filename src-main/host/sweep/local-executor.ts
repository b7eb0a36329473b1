/** Executes sweep runs on this machine's thread pool (pool.ts). */
import type { SweepRecord } from '../store';
import { LOCAL_WORKER, type PlannedRun, type RunDelivery, type SweepExecutor } from './coordinator';
import { SweepPool } from './pool';

export class LocalExecutor implements SweepExecutor {
  readonly label = 'local';
  private readonly pool: SweepPool;

  constructor(threads?: number) {
    this.pool = new SweepPool(threads);
  }

  async execute(_sweep: SweepRecord, runs: PlannedRun[], deliver: (d: RunDelivery) => void, _complete: () => boolean, signal: AbortSignal): Promise<void> {
    const aborted = new Promise<never>((_, reject) => {
      const fail = () => reject(new SweepAborted());
      if (signal.aborted) fail();
      signal.addEventListener('abort', fail, { once: true });
    });
    const all = Promise.all(
      runs.map(async (r) => {
        const output = await this.pool.run(r.job, signal);
        // A run that ends after a stop belongs to no session: the resumed sweep runs it again.
        if (!signal.aborted) deliver({ config: r.config.key, seed: r.seed, output, worker: LOCAL_WORKER });
      }),
    );
    try {
      await Promise.race([all, aborted]);
    } finally {
      all.catch(() => {}); // the pool rejects what it abandons on close
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The sweep was stopped (Ctrl-C, the app's Stop): stored runs stay, `--resume` continues. */
export class SweepAborted extends Error {
  override name = 'SweepAborted';
  constructor() {
    super('sweep stopped');
  }
}
