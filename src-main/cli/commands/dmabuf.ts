import type { Command } from 'commander';
import fs from 'node:fs';
import { CliError } from '../errors';
import { FieldError } from '../../../src-common/parse/field-error';
import { formatSize } from '../../../src-common/parse/size';
import { parseDuration } from '../../../src-common/parse/duration';
import { dmabufAieProblems } from '../../../src-common/workspace/devices/dmabuf';
import { ParamError, type ParamValues } from '../../engine/core';
import { checkParam } from '../../engine/params';
import { buildDmabufSimulation } from '../../engine/run/devices';
import { type DmabufModel, runStress, STRESS_LIMITS, WW_POLICIES, type StressOptions, type WwPolicy } from '../../engine/dmabuf';
import { loadWorkspace } from '../../host/workspace/load';
import { COMMANDS } from '../command-list';

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
  const dmabuf = program.command('dmabuf').description(COMMANDS.dmabuf.description);
  registerDmabufShow(dmabuf);

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

/** Runs a workspace's dma-buf devices (and its AI Engine, which AIE exporters need) for `afterNs`. */
export function showDmabuf(ref: string, afterNs: number, seed: number): { snapshot: ReturnType<DmabufModel['snapshot']>; log: string } {
  let ws;
  try {
    ws = loadWorkspace(ref);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const problem = dmabufAieProblems(ws.devices.dmabuf, ws.devices.aie)[0];
  if (problem) throw new CliError(`${ref}: devices.dmabuf.${problem.path[0]}[${problem.path[1]}].${problem.path[2]}: ${problem.message}`);
  let built;
  try {
    built = buildDmabufSimulation(ws, seed);
  } catch (e) {
    if (e instanceof ParamError) throw new CliError(`${ref}: params: ${e.message}`);
    throw e;
  }
  const { sim, dmabuf: model } = built;
  sim.runUntil(afterNs);
  return { snapshot: model.snapshot(), log: sim.log.format() };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

export function registerDmabufShow(dmabuf: Command): void {
  dmabuf
    .command('show')
    .description("run a workspace's dma-buf devices: exports, imports (attach + map), camera frames; print buffers, importers and the kernel log")
    .argument('<workspace>', 'workspace JSON file or builtin:NAME')
    .option('--after <duration>', 'simulated time to run (ns us ms s …)', '100ms')
    .option('--seed <n>', 'PRNG seed', '1')
    .option('--json <file>', 'also write {buffers, importers, log} to FILE')
    .action((ref: string, flags: { after: string; seed: string; json?: string }) => {
      let afterNs: number;
      try {
        afterNs = parseDuration(flags.after);
      } catch (e) {
        throw new CliError(`--after: ${(e as Error).message}`);
      }
      const seed = intFlag('seed', flags.seed);
      const { snapshot, log } = showDmabuf(ref, afterNs, seed);
      const out: string[] = [];
      if (snapshot.buffers.length === 0 && snapshot.importers.length === 0) out.push('no dma-buf devices in this workspace');
      if (snapshot.buffers.length)
        out.push(
          table([
            ['exporter', 'kind', 'buffer', 'size', 'refs', 'attached', 'exclusive fence', 'frames'],
            ...snapshot.buffers.map((b) => [b.name, b.kind, b.buffer, formatSize(b.size), String(b.refcount), b.attachments.join(',') || '-', b.exclusiveFence ?? '-', String(b.frames)]),
          ]),
        );
      if (snapshot.importers.length)
        out.push(
          '',
          table([
            ['importer', 'kind', 'source', 'status'],
            ...snapshot.importers.map((m) => [
              m.name,
              m.kind,
              m.source ?? '-',
              m.error ? `failed: ${m.error}` : m.mapped ? `mapped (${m.segments} segment${m.segments === 1 ? '' : 's'}), ${m.framesConsumed} frames` : 'not imported',
            ]),
          ]),
        );
      if (log) out.push('', 'kernel log:', log);
      console.log(out.join('\n'));
      if (flags.json) {
        try {
          fs.writeFileSync(flags.json, JSON.stringify({ ...snapshot, log: log ? log.split('\n') : [] }, null, 2) + '\n');
        } catch (e) {
          throw new CliError(`--json: cannot write ${flags.json}: ${(e as Error).message}`);
        }
      }
    });
}
