/**
 * The run worker (worker_threads): receives a RunRequest, builds the run and says `ready` (or
 * `error`: the run cannot start), then on `go` simulates it with driveBuiltRun, posting batched
 * updates and the summary. pause/resume/cancel arrive between chunks of simulated time.
 */
import { parentPort } from 'node:worker_threads';
import { buildRun, type BuiltRun } from '../../engine/run/build';
import { driveBuiltRun } from './drive';
import type { FromWorker, RunRequest, ToWorker } from './protocol';
import { parseUntil } from '../../../src-common/parse/until';

if (!parentPort) throw new Error('run worker must be started as a worker thread');
const port = parentPort;
let paused = false;
let cancelled = false;
let wake: (() => void) | null = null;
let built: { run: BuiltRun; request: RunRequest } | null = null;
const post = (m: FromWorker) => port.postMessage(m);
const fail = (message: string) => {
  post({ type: 'error', message });
  port.close();
};

port.on('message', (m: ToWorker) => {
  if (m.type === 'pause') paused = true;
  else if (m.type === 'resume') paused = false;
  else if (m.type === 'cancel') cancelled = true;
  else if (m.type === 'start') {
    try {
      if (m.request.until !== undefined) {
        try {
          parseUntil(m.request.until);
        } catch (e) {
          throw new Error(`until: ${(e as Error).message}`, { cause: e });
        }
      }
      built = { run: buildRun(m.request.workspace, { seed: m.request.seed, set: m.request.set }), request: m.request };
      // Initialising the models (the simulation's start) is part of building: a big machine
      // takes seconds here, and until ready a stop ends the worker at once.
      built.run.sim.start();
    } catch (e) {
      return fail((e as Error).message);
    }
    post({ type: 'ready' });
    return;
  } else if (m.type === 'go') {
    if (!built) return fail('run worker: go before start');
    driveBuiltRun(built.run, built.request, {
      onUpdate: (update) => post({ type: 'update', update }),
      paused: () => paused,
      cancelled: () => cancelled,
      pauseAtUntil: () => {
        paused = true;
      },
      between: async (flush) => {
        await new Promise<void>((r) => setImmediate(r));
        if (paused && !cancelled) flush(); // confirms the pause: an update with paused: true
        while (paused && !cancelled) await new Promise<void>((r) => (wake = r));
      },
    }).then(
      (summary) => {
        post({ type: 'done', summary });
        port.close();
      },
      (e: unknown) => fail((e as Error).message),
    );
    return;
  }
  wake?.();
  wake = null;
});
