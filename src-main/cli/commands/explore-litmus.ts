/**
 * `twb explore litmus PATH…`: judges litmus tests (PPC assembly or kernel C, files or directories
 * of *.litmus) under the POWER model, one `Observation` line per test as herd7 prints it, then
 * `N tests, N Sometimes, N Never, N errors` (Always counts with Sometimes' neighbours: it is
 * listed only when non-zero). `--jobs N` judges N tests at a time in worker threads; each test
 * has a heap and a wall-time budget there, so a test too large to explore ends with a message
 * naming the budget instead of V8 aborting out of memory (the model's own bounds catch most).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { workerEntry } from '../../host/worker-entry';
import { CliError } from '../errors';
import type { LitmusVerdict } from './explore-litmus-judge';

export interface LitmusRunOptions {
  jobs: number;
  states: boolean;
  /** Wall time one test may take (ms). */
  timeLimitMs: number;
  /** Heap of each worker thread (MB). */
  memoryMb: number;
}

/** Bound on the number of tests one command judges. */
export const MAX_LITMUS_FILES = 100_000;

/** The .litmus files named by `paths` (directories searched recursively), sorted within each directory. */
export function collectLitmusFiles(paths: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string, top: boolean): void => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (e) {
      throw new CliError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) {
        const child = path.join(p, name);
        if (name.endsWith('.litmus') || fs.statSync(child).isDirectory()) visit(child, false);
      }
    } else if (top || p.endsWith('.litmus')) out.push(p);
    if (out.length > MAX_LITMUS_FILES) throw new CliError(`more than ${MAX_LITMUS_FILES} litmus files`);
  };
  for (const p of paths) visit(p, true);
  return out;
}

/** Judges every file, `jobs` at a time, each within its budgets; calls `onResult` in the files' order. */
export async function judgeFiles(files: string[], opts: LitmusRunOptions, onResult: (r: LitmusVerdict) => void): Promise<void> {
  const jobs = Math.max(1, Math.min(opts.jobs, files.length));
  const pool = new Piscina<{ file: string; source: string | { message: string }; states: boolean }, LitmusVerdict>({
    filename: workerEntry('litmus-worker', new URL('./explore-litmus-boot.mjs', import.meta.url)).href,
    minThreads: jobs,
    maxThreads: jobs,
    resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb },
  });
  // A worker that runs out of heap is replaced by piscina; the task's rejection carries the reason.
  pool.on('error', () => {});
  const judge = async (file: string): Promise<LitmusVerdict> => {
    const source = readOrError(file);
    try {
      return await pool.run(
        { file, source: typeof source === 'string' ? source : { message: source.message }, states: opts.states },
        { signal: AbortSignal.timeout(opts.timeLimitMs) },
      );
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.name === 'AbortError') return { file, error: `${file}: the exploration stopped after its ${formatMs(opts.timeLimitMs)} budget (--time-limit)` };
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') return { file, error: `${file}: the exploration ran out of its ${opts.memoryMb} MB heap (--memory-limit)` };
      return { file, error: `${file}: ${err.message}` };
    }
  };
  try {
    // At most `jobs` tests are handed to the pool at a time, so a test's time budget starts when
    // it runs (not while it waits in the queue) and only that many sources are in memory.
    // Results are printed in the files' order as they complete.
    const pending: Promise<LitmusVerdict>[] = [];
    let next = 0;
    const startNext = (): void => {
      if (next < files.length) pending.push(judge(files[next++]).finally(startNext));
    };
    for (let i = 0; i < jobs; i++) startNext();
    for (let i = 0; i < files.length; i++) onResult(await pending[i]);
  } finally {
    await pool.destroy();
  }
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function readOrError(file: string): string | Error {
  try {
    const st = fs.statSync(file);
    if (st.size > 1024 * 1024) return new Error(`larger than 1 MiB (${st.size} bytes)`);
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    return new Error(`cannot read: ${(e as Error).message}`);
  }
}

export function defaultJobs(): number {
  return Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
}
