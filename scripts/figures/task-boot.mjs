// Entry of a figures pool thread (piscina): registers tsx in this thread, then loads the
// TypeScript task (execArgv '--import tsx' does not reach a worker's entry module on Node 20).
import { register } from 'tsx/esm/api';

register();
const task = await import('./task.ts');
export default task.default;
