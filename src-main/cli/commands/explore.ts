import type { Command } from 'commander';
import fs from 'node:fs';
import { CliError } from '../errors';
import { exploreIpi } from '../../engine/ipi/explore-ipi';
import { BARRIER_VARIANTS, barriersOf, type BarrierVariant } from '../../engine/ipi/handshake';
import { LitmusSyntaxError, parseLitmus } from '../../engine/litmus/parse';
import { formatLitmusResult, judgeLitmus } from '../../engine/litmus/judge';

const VARIANT_DOC: Record<BarrierVariant, string> = {
  none: 'no smp_mb() before setting host_ipi, none after clearing it (the old kvmppc_set_host_ipi(cpu, 0/1))',
  set: 'smp_mb() before setting host_ipi only',
  clear: 'smp_mb() after clearing host_ipi only',
  both: 'smp_mb() before setting and after clearing host_ipi (the fix)',
};

export function registerExplore(program: Command): void {
  const explore = program.command('explore').description('exhaustive exploration under the POWER memory model');

  explore
    .command('ipi')
    .description('explore every interleaving and reordering of the host_ipi/doorbell handshake (target CPU 42, senders X and 105)')
    .requiredOption('--barriers <variant>', `kernel variant: ${BARRIER_VARIANTS.join('|')}`)
    .option('--json <file>', 'also write {lostIpiReachable, witnesses, statesExplored} to FILE')
    .action((opts: { barriers: string; json?: string }) => {
      const variant = opts.barriers as BarrierVariant;
      if (!BARRIER_VARIANTS.includes(variant)) {
        throw new CliError(`--barriers: expected one of ${BARRIER_VARIANTS.join(', ')}, got '${opts.barriers}'`);
      }
      const r = exploreIpi(barriersOf(variant));
      const out = [`kernel variant: ${variant} (${VARIANT_DOC[variant]})`, 'target CPU 42 running a guest; CPU X sends RESCHEDULE, CPU 105 sends CALL_FUNCTION'];
      out.push(`lost IPI reachable: ${r.lostIpiReachable ? `yes (${r.witnesses.length} losing outcome${r.witnesses.length === 1 ? '' : 's'})` : 'no'}`);
      r.witnesses.forEach((w, i) => {
        out.push('', `witness ${i + 1}: message[${w.lost.join('] and message[')}] lost; reordering on CPU ${w.reorderedOn.join(', ')}`, w.text);
      });
      out.push('', `states explored: ${r.statesExplored} (${r.outcomes} distinct final outcomes)`);
      console.log(out.join('\n'));
      if (opts.json) {
        const json = { variant, barriers: barriersOf(variant), lostIpiReachable: r.lostIpiReachable, witnesses: r.witnesses, statesExplored: r.statesExplored };
        writeJson(opts.json, json);
      }
    });

  explore
    .command('litmus')
    .description('judge a Linux-kernel C litmus test under the POWER model, answering like herd7')
    .argument('<file>', 'a .litmus file (C-litmus format)')
    .option('--witness', 'also print a witness trace for each final state satisfying the condition')
    .option('--json <file>', 'also write {name, observation, positive, negative, states, statesExplored} to FILE')
    .action((file: string, opts: { witness?: boolean; json?: string }) => {
      let src: string;
      try {
        src = fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
      }
      let test;
      try {
        test = parseLitmus(src);
      } catch (e) {
        if (e instanceof LitmusSyntaxError) throw new CliError(`${file}:${e.line}:${e.column}: ${e.detail}`);
        throw e;
      }
      const r = judgeLitmus(test);
      console.log(formatLitmusResult(test, r, opts.witness));
      if (opts.json) {
        writeJson(opts.json, {
          name: r.name,
          observation: r.observation,
          positive: r.positive,
          negative: r.negative,
          states: r.states.map((s) => ({ state: s.text, satisfies: s.satisfies })),
          statesExplored: r.statesExplored,
        });
      }
    });
}

function writeJson(file: string, value: unknown): void {
  try {
    fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
  } catch (e) {
    throw new CliError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
