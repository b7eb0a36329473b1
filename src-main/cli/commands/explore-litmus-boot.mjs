// Entry of a `twb explore litmus --jobs N` pool thread (piscina): registers tsx in this thread
// (execArgv does not reach a worker's entry module on Node 20), then loads the TypeScript task.
import { register } from 'tsx/esm/api';

register();
const task = await import('./explore-litmus-task.ts');
export default task.default;
