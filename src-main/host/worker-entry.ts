/**
 * The entry module of a worker thread. Built code (out/main, where the build defines
 * __TWB_BUILT__) starts the built JavaScript entry beside it (out/main/<name>.js, see
 * electron.vite.config.ts); the sources (tests, tsx) start a boot file that registers tsx in the
 * new thread and loads the TypeScript (execArgv '--import tsx' does not reach a worker's entry
 * module on Node 20).
 */
declare const __TWB_BUILT__: boolean | undefined;

export type WorkerName = 'run-worker' | 'sweep-worker' | 'litmus-worker' | 'job-worker';

export function workerEntry(name: WorkerName, sourceBoot: URL): URL {
  if (typeof __TWB_BUILT__ !== 'undefined' && __TWB_BUILT__) return new URL(`../../out/main/${name}.js`, import.meta.url);
  return sourceBoot;
}
