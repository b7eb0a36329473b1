// Entry of the run worker thread: registers tsx in this thread, then loads the TypeScript worker
// (execArgv '--import tsx' does not reach a worker's entry module on Node 20).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
