/**
 * The run worker (worker_threads): receives a RunRequest, simulates it with driveRun, posts
 * batched updates and the summary. pause/resume/cancel arrive between chunks of simulated time.
 */
import { parentPort } from 'node:worker_threads';
import { driveRun } from './drive';
import type { FromWorker, ToWorker } from './protocol';

if (!parentPort) throw new Error('run worker must be started as a worker thread');
const port = parentPort;
let paused = false;
let cancelled = false;
let wake: (() => void) | null = null;
const post = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'pause') paused = true;
  else if (m.type === 'resume') paused = false;
  else if (m.type === 'cancel') cancelled = true;
  else if (m.type === 'start') {
    driveRun(m.request, {
      onUpdate: (update) => post({ type: 'update', update }),
      paused: () => paused,
      cancelled: () => cancelled,
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
      (e: unknown) => {
        post({ type: 'error', message: (e as Error).message });
        port.close();
      },
    );
    return;
  }
  wake?.();
  wake = null;
});
