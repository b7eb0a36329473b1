import type { Command } from 'commander';
import { parseStressArgs } from '../../engine/stress/parse';
import { renderStressPlain, renderStressRaw } from '../../engine/stress/render';
import { COMMANDS } from '../command-list';

/**
 * `twb stress-check [--raw] -- ARGS`: parses ARGS exactly as stress 1.0.7 would. Plain output is
 * stress's message without its `stress: info: [PID] ` / `stress: FAIL: [PID] (LINE) ` prefix
 * (`dispatching hogs: 2 cpu, 0 io, 0 vm, 0 hdd` on stdout; `unrecognized option: --bogus` on
 * stderr, exit 1); `--raw` prints stress's exact bytes with this process's PID.
 */
export function registerStress(program: Command): void {
  program
    .command('stress-check')
    .description(COMMANDS['stress-check'].description)
    .option('--raw', "print stress's exact output, with its 'stress: info: [PID]' / 'stress: FAIL: [PID] (LINE)' prefixes")
    .argument('[args...]', 'stress arguments (put them after --)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action((args: string[], opts: { raw?: boolean }) => {
      const r = parseStressArgs(args);
      const out = opts.raw ? renderStressRaw(r, process.pid) : renderStressPlain(r);
      process.stdout.write(out.stdout);
      process.stderr.write(out.stderr);
      process.exitCode = out.exitCode;
    });
}
