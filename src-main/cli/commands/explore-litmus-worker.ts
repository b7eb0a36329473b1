/** Worker thread of `twb explore litmus --jobs N`: judges one test per message. */
import { parentPort } from 'node:worker_threads';
import { judgeSource } from './explore-litmus-judge';

parentPort!.on('message', (m: { file: string; source: string | { message: string }; states: boolean }) => {
  const source = typeof m.source === 'string' ? m.source : new Error(m.source.message);
  parentPort!.postMessage(judgeSource(m.file, source, m.states));
});
