// Entry of a job thread (piscina): registers tsx in this thread, then loads the TypeScript job
// table (execArgv '--import tsx' does not reach a worker's entry module on Node 20).
import { register } from 'tsx/esm/api';

register();
const jobs = await import('./jobs.ts');
export default jobs.default;
