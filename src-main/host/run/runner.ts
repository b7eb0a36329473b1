import { Worker } from 'node:worker_threads';
import { LimitError } from '../../../src-common/bridge/errors';
import type { RunSummary } from '../../engine/run/build';
import type { FromWorker, RunRequest, RunUpdate, ToWorker } from './protocol';
import { workerEntry } from '../worker-entry';

/** What one run worker may use (docs/limits.md). */
export const RUN_BUDGET = {
  /** The worker's V8 heap (old generation), MB: the 20 h seed run peaks near 230 MB for the whole process. */
  memoryMb: 2048,
  /** Wall time to build the run (models, tasks, pinning) before it is given up, ms. */
  buildMs: 60_000,
  /** After a cancel, how long a running worker has to stop between chunks before it is ended, ms. */
  stopGraceMs: 5_000,
};

export interface RunHandle {
  /** Resolves once the run is built; rejects with why it cannot start (bad workspace or parameter; a LimitError past a budget). */
  readonly ready: Promise<void>;
  /** Starts simulating (after ready). */
  go(): void;
  pause(): void;
  resume(): void;
  /** Stops the run: between chunks if it is running (status cancelled), at once if it is still being built. */
  cancel(): void;
  /** The summary (status finished, failed or cancelled); rejects if the run could not start or the worker died. */
  readonly result: Promise<RunSummary>;
}

/**
 * Starts a run in a worker thread with a memory budget: the worker builds the run and reports
 * `ready`; with `holdUntilGo` nothing is simulated until `go()` (the caller records the run
 * only once it is known to start). The worker is the built run worker, or worker.ts through
 * tsx from the sources (worker-entry.ts).
 */
export function startRun(request: RunRequest, onUpdate?: (u: RunUpdate) => void, opts: { holdUntilGo?: boolean; budget?: typeof RUN_BUDGET } = {}): RunHandle {
  const budget = opts.budget ?? RUN_BUDGET;
  const worker = new Worker(workerEntry('run-worker', new URL('./worker-boot.mjs', import.meta.url)), { resourceLimits: { maxOldGenerationSizeMb: budget.memoryMb } });
  const send = (m: ToWorker) => worker.postMessage(m);
  let isReady = false;
  let settled = false;
  let readyCallbacks!: { resolve: () => void; reject: (e: Error) => void };
  const ready = new Promise<void>((resolve, reject) => (readyCallbacks = { resolve, reject }));
  // A caller that only awaits `result` must not see an unhandled rejection of `ready`.
  ready.catch(() => {});
  let stopTimer: ReturnType<typeof setTimeout> | undefined;
  const buildTimer = setTimeout(() => {
    end(new LimitError(`the run could not be built within its ${budget.buildMs / 1000} s budget`));
  }, budget.buildMs);
  let rejectResult!: (e: Error) => void;
  const end = (e: Error) => {
    if (settled) return;
    settled = true;
    clearTimeout(buildTimer);
    clearTimeout(stopTimer);
    if (!isReady) readyCallbacks.reject(e);
    rejectResult(e);
    void worker.terminate();
  };
  const result = new Promise<RunSummary>((resolve, reject) => {
    rejectResult = reject;
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        isReady = true;
        clearTimeout(buildTimer);
        readyCallbacks.resolve();
        if (!opts.holdUntilGo) send({ type: 'go' });
      } else if (m.type === 'update') onUpdate?.(m.update);
      else if (m.type === 'done') {
        settled = true;
        clearTimeout(stopTimer);
        resolve(m.summary);
      } else end(new Error(m.message));
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') end(new LimitError(`run worker failed: it ran out of its ${budget.memoryMb} MB memory budget`, { cause: e }));
      else end(new Error(`run worker failed: ${e.message}`, { cause: e }));
    });
    worker.on('exit', (code) => end(new Error(`run worker exited (code ${code}) before finishing`)));
  });
  result.catch(() => {});
  send({ type: 'start', request });
  return {
    ready,
    go: () => send({ type: 'go' }),
    pause: () => send({ type: 'pause' }),
    resume: () => send({ type: 'resume' }),
    cancel: () => {
      if (settled) return;
      if (!isReady) return end(new Error('the run was stopped before it started'));
      send({ type: 'cancel' });
      // A paused worker only sees the cancel once woken.
      send({ type: 'resume' });
      // A worker stuck inside one event never reaches the next chunk: end it.
      stopTimer ??= setTimeout(() => end(new Error(`the run did not stop within ${budget.stopGraceMs / 1000} s of being cancelled and was ended`)), budget.stopGraceMs);
    },
    result,
  };
}
