// Entry of a `twb explore litmus --jobs N` worker thread: registers tsx here (execArgv does not
// reach a worker's entry module on Node 20), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./explore-litmus-worker.ts');
