import { Worker } from 'node:worker_threads';
import type { RunSummary } from '../../engine/run/build';
import type { FromWorker, RunRequest, RunUpdate, ToWorker } from './protocol';

export interface RunHandle {
  pause(): void;
  resume(): void;
  cancel(): void;
  /** The summary (status finished, failed or cancelled); rejects only if the run could not start or the worker died. */
  readonly result: Promise<RunSummary>;
}

/**
 * Starts a run in a worker thread. The worker runs the TypeScript sources through tsx, resolved
 * from this package so it works from any working directory.
 */
export function startRun(request: RunRequest, onUpdate?: (u: RunUpdate) => void): RunHandle {
  const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url));
  const send = (m: ToWorker) => worker.postMessage(m);
  let settled = false;
  const result = new Promise<RunSummary>((resolve, reject) => {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'update') onUpdate?.(m.update);
      else if (m.type === 'done') {
        settled = true;
        resolve(m.summary);
      } else {
        settled = true;
        reject(new Error(m.message));
      }
    });
    worker.on('error', (e) => {
      settled = true;
      reject(new Error(`run worker failed: ${e.message}`, { cause: e }));
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`run worker exited (code ${code}) before finishing`));
    });
  });
  send({ type: 'start', request });
  return {
    pause: () => send({ type: 'pause' }),
    resume: () => send({ type: 'resume' }),
    cancel: () => send({ type: 'cancel' }),
    result,
  };
}
