import type { Command } from 'commander';
import fs from 'node:fs';
import { CliError } from '../errors';
import { exploreIpi } from '../../engine/ipi/explore-ipi';
import { BARRIER_VARIANTS, barriersOf, SENDER_KINDS, type BarrierVariant, type SenderKind } from '../../engine/ipi/handshake';
import { collectLitmusFiles, defaultJobs, judgeFiles } from './explore-litmus';
import { type LitmusVerdict, observationLine } from './explore-litmus-judge';
import { parseDuration } from '../../../src-common/parse/duration';
import { COMMANDS } from '../command-list';

const VARIANT_DOC: Record<BarrierVariant, string> = {
  none: 'no smp_mb() before setting host_ipi, none after clearing it (the old kvmppc_set_host_ipi(cpu, 0/1))',
  set: 'smp_mb() before setting host_ipi only',
  clear: 'smp_mb() after clearing host_ipi only',
  both: 'smp_mb() before setting and after clearing host_ipi (the fix)',
};

export function registerExplore(program: Command): void {
  const explore = program.command('explore').description(COMMANDS.explore.description);

  explore
    .command('ipi')
    .description('search every execution POWER allows of the host_ipi/doorbell handshake (target CPU 42, senders X and 105) for a lost IPI')
    .requiredOption('--barriers <variant>', `kernel variant: ${BARRIER_VARIANTS.join('|')}`)
    .option('--senders <K1,K2>', `what CPU X and CPU 105 send (a run's lost-IPI episode names the pair it matches): two of ${SENDER_KINDS.join(', ')}`, 'RESCHEDULE,CALL_FUNCTION')
    .option('--json <file>', 'also write {lostIpiReachable, witnesses, candidates, losingExecutions} to FILE')
    .action((opts: { barriers: string; senders: string; json?: string }) => {
      const variant = opts.barriers as BarrierVariant;
      if (!BARRIER_VARIANTS.includes(variant)) {
        throw new CliError(`--barriers: expected one of ${BARRIER_VARIANTS.join(', ')}, got '${opts.barriers}'`);
      }
      const kinds = opts.senders.split(',').map((k) => k.trim()) as SenderKind[];
      if (kinds.length !== 2 || !kinds.every((k) => SENDER_KINDS.includes(k)))
        throw new CliError(`--senders: expected two of ${SENDER_KINDS.join(', ')} separated by a comma, got '${opts.senders.slice(0, 80)}'`);
      const r = exploreIpi(barriersOf(variant), { target: '42', senders: [{ cpu: 'X', kind: kinds[0] }, { cpu: '105', kind: kinds[1] }] });
      const out = [`kernel variant: ${variant} (${VARIANT_DOC[variant]})`, `target CPU 42 running a guest; CPU X sends ${kinds[0]}, CPU 105 sends ${kinds[1]}`];
      out.push(`lost IPI reachable: ${r.lostIpiReachable ? `yes (${r.witnesses.length} losing outcome${r.witnesses.length === 1 ? '' : 's'})` : 'no'}`);
      r.witnesses.forEach((w, i) => {
        out.push('', `witness ${i + 1}: message[${w.lost.join('] and message[')}] lost; reordering on CPU ${w.reorderedOn.join(', ')}`, w.text);
      });
      out.push('', `candidate executions checked: ${r.candidates} (${r.losingExecutions} consistent with ppc.cat and losing)`);
      console.log(out.join('\n'));
      if (opts.json) {
        const json = { variant, barriers: barriersOf(variant), lostIpiReachable: r.lostIpiReachable, witnesses: r.witnesses, candidates: r.candidates, losingExecutions: r.losingExecutions };
        writeJson(opts.json, json);
      }
    });

  explore
    .command('litmus')
    .description('judge litmus tests (PPC assembly or kernel C; files or directories) under the POWER model, answering like herd7 with ppc.cat')
    .argument('<paths...>', '.litmus files, or directories searched for them')
    .option('--jobs <n>', 'judge N tests at a time in worker threads', String(defaultJobs()))
    .option('--states', "also print herd7's whole report (final states, witnesses, condition) for each test")
    .option('--json <file>', 'also write every verdict {file, name, observation, positive, negative, states} or {file, error} to FILE')
    .option('--time-limit <duration>', 'give up on a test after this long (the state space of a large test grows exponentially)', '10m')
    .option('--memory-limit <MB>', 'the heap of each worker thread; a test that needs more is given up with a message', '2048')
    .action(async (paths: string[], opts: { jobs: string; states?: boolean; json?: string; timeLimit: string; memoryLimit: string }) => {
      const jobs = Number(opts.jobs);
      if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new CliError(`--jobs: expected an integer from 1 to 64, got '${opts.jobs}'`);
      let timeLimitMs: number;
      try {
        timeLimitMs = parseDuration(opts.timeLimit) / 1e6;
      } catch (e) {
        throw new CliError(`--time-limit: ${(e as Error).message}`);
      }
      if (!(timeLimitMs >= 1 && timeLimitMs <= 24 * 3600_000)) throw new CliError(`--time-limit: expected 1ms to 24h, got '${opts.timeLimit}'`);
      const memoryMb = Number(opts.memoryLimit);
      if (!/^\d+$/.test(opts.memoryLimit) || memoryMb < 64 || memoryMb > 65536) throw new CliError(`--memory-limit: expected 64..65536 (MB), got '${opts.memoryLimit}'`);
      const files = collectLitmusFiles(paths);
      if (files.length === 0) throw new CliError(`no .litmus files in ${paths.join(' ')}`);
      const verdicts: LitmusVerdict[] = [];
      const counts = { Sometimes: 0, Never: 0, Always: 0, errors: 0 };
      await judgeFiles(files, { jobs, states: opts.states === true, timeLimitMs: Math.round(timeLimitMs), memoryMb }, (v) => {
        verdicts.push(v);
        if (v.error) {
          counts.errors++;
          process.stderr.write(`twb: ${v.error}\n`);
          return;
        }
        counts[v.observation!]++;
        console.log(opts.states ? `${v.report}\n` : observationLine(v));
      });
      const always = counts.Always > 0 ? `, ${counts.Always} Always` : '';
      console.log(`${files.length} test${files.length === 1 ? '' : 's'}, ${counts.Sometimes} Sometimes, ${counts.Never} Never${always}, ${counts.errors} error${counts.errors === 1 ? '' : 's'}`);
      if (opts.json) writeJson(opts.json, verdicts.map(({ report: _report, ...v }) => v));
      if (counts.errors > 0) process.exitCode = 1;
    });
}

function writeJson(file: string, value: unknown): void {
  try {
    fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
  } catch (e) {
    throw new CliError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
