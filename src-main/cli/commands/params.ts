import type { Command } from 'commander';
import { describeRange, type ParamDef } from '../../engine/core';
import { allParams } from '../../engine/params';
import { BARRIER_SETS, WORKLOAD_OVERRIDE_PREFIX } from '../../engine/run/build';
import { COMMANDS } from '../command-list';

export function registerParams(program: Command): void {
  program
    .command('params')
    .description(COMMANDS.params.description)
    .option('--json', 'print JSON: [{key, unit, default, doc, source, min?, max?, integer?, values?, maxLength?}]')
    .action((opts: { json?: boolean }) => {
      const list = [
        ...allParams(),
        { key: 'kernel.barriers', unit: 'enum', default: '(workspace)', values: Object.keys(BARRIER_SETS), doc: 'Kernel variant: smp_mb() before setting host_ipi (set), after clearing it (clear), both (the fix), or none.', source: 'Seed kvm-ppc-host-ipi-barriers.' },
        {
          key: `${WORKLOAD_OVERRIDE_PREFIX}TARGET`,
          unit: 'stress command line',
          default: '(workspace)',
          doc: "Replaces the stress command line of guest TARGET (or 'host'); 'none' removes it, e.g. workloads.A=none for an idle guest A, workloads.B='--cpu 4 --vm 2'.",
          source: 'stress 1.0.7 options (docs/architecture.md §3.3).',
        },
      ].sort((a, b) => a.key.localeCompare(b.key));
      if (opts.json) {
        console.log(JSON.stringify(list, null, 2));
        return;
      }
      const lines = list.map((p) => {
        const accepts = 'min' in p || 'values' in p || p.unit === 'bool' || p.unit === 'string' ? describeRange(p as ParamDef) : p.unit;
        return `${p.key} = ${String(p.default)}; ${accepts}\n    ${p.doc}\n    source: ${p.source}\n`;
      });
      process.stdout.write(lines.join(''));
    });
}
