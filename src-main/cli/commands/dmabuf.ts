import type { Command } from 'commander';
import fs from 'node:fs';
import { CliError } from '../errors';
import { FieldError } from '../../../src-common/parse/field-error';
import { checkParam, type ParamValues } from '../../engine/core';
import { runStress, STRESS_LIMITS, WW_POLICIES, type StressOptions, type WwPolicy } from '../../engine/dmabuf';

interface StressFlags {
  buffers: string;
  workers: string;
  jobs: string;
  mode: string;
  seed: string;
  json?: string;
  set: string[];
}

/** A whole decimal number within the option's limits, or an error naming the flag. */
function intFlag(flag: keyof typeof STRESS_LIMITS, text: string): number {
  const [lo, hi] = STRESS_LIMITS[flag];
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < lo || n > hi) throw new CliError(`--${flag}: expected an integer ${lo}..${hi}, got '${text}'`);
  return n;
}

function setFlags(pairs: string[]): ParamValues {
  const out: ParamValues = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--set: expected KEY=VALUE, got '${pair}'`);
    const key = pair.slice(0, eq);
    if (!key.startsWith('dmabuf.')) throw new CliError(`--set: '${key}' is not a dma-buf parameter (dmabuf.*)`);
    try {
      out[key] = checkParam(key, pair.slice(eq + 1));
    } catch (e) {
      throw new CliError(`--set: ${(e as Error).message}`);
    }
  }
  return out;
}

export function registerDmabuf(program: Command): void {
  const dmabuf = program.command('dmabuf').description('the dma-buf framework: exporters, importers, fences, ticketed reservations');

  dmabuf
    .command('stress')
    .description(
      'workers reserve random buffer sets in random order with tickets, wait for fences, run a job, attach its fence and release (after the kernel test-ww_mutex stress)',
    )
    .option('--buffers <n>', `shared buffers (${STRESS_LIMITS.buffers.join('..')})`, '16')
    .option('--workers <n>', `workers, each with its own device (${STRESS_LIMITS.workers.join('..')})`, '8')
    .option('--jobs <n>', `jobs in total (${STRESS_LIMITS.jobs.join('..')})`, '5000')
    .option('--mode <policy>', `ticket policy: ${WW_POLICIES.join('|')}`, 'wait-die')
    .option('--seed <n>', 'PRNG seed', '1')
    .option('--set <key=value>', 'override a dmabuf.* model parameter (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json <file>', 'also write {completedJobs, deadlocks, orderViolations, backoffs, jobsPerSimulatedSecond} to FILE')
    .action((flags: StressFlags) => {
      if (!(WW_POLICIES as readonly string[]).includes(flags.mode)) throw new CliError(`--mode: expected one of ${WW_POLICIES.join(', ')}, got '${flags.mode}'`);
      const opts: StressOptions = {
        buffers: intFlag('buffers', flags.buffers),
        workers: intFlag('workers', flags.workers),
        jobs: intFlag('jobs', flags.jobs),
        seed: intFlag('seed', flags.seed),
        mode: flags.mode as WwPolicy,
        params: setFlags(flags.set),
      };
      let run;
      try {
        run = runStress(opts);
      } catch (e) {
        if (e instanceof FieldError) throw new CliError(`--${e.field}: ${e.detail}`);
        throw e;
      }
      const r = run.result;
      const lines = [
        `dmabuf stress: ${opts.buffers} buffers, ${opts.workers} workers, ${opts.jobs} jobs, ${opts.mode}, seed ${opts.seed}`,
        `completed jobs          ${r.completedJobs}`,
        `deadlocks               ${r.deadlocks}`,
        `order violations        ${r.orderViolations}`,
        `back-offs               ${r.backoffs}${opts.mode === 'wound-wait' ? ` (${run.wounds} wounds)` : ''}`,
        `jobs per simulated s    ${r.jobsPerSimulatedSecond}`,
        `simulated time          ${(run.simulatedNs / 1e6).toFixed(3)} ms`,
      ];
      if (run.log) lines.push('', run.log);
      console.log(lines.join('\n'));
      if (flags.json) {
        try {
          fs.writeFileSync(flags.json, JSON.stringify(r, null, 2) + '\n');
        } catch (e) {
          throw new CliError(`--json: cannot write ${flags.json}: ${(e as Error).message}`);
        }
      }
    });
}
