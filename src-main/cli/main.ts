import { Command, CommanderError } from 'commander';
import fs from 'node:fs';
import { CliError } from './errors';
import { registerInfo } from './commands/info';
import { registerStress } from './commands/stress';
import { registerExplore } from './commands/explore';
import { registerAie } from './commands/aie';
import { registerServe } from './commands/serve';
import { registerDmabuf } from './commands/dmabuf';
import { registerMhi } from './commands/mhi';
import { registerRun } from './commands/run';
import { registerParams } from './commands/params';
import { registerRuns } from './commands/runs';
import { registerReport } from './commands/report';
import { registerImport } from './commands/import';
import { registerExport } from './commands/export';

const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('twb')
  .description('Topology Workbench: draw a POWER9/KVM machine with devices, run stress workloads on a simulated kernel, watch what breaks.')
  .version(pkg.version, '-V, --version')
  .showHelpAfterError()
  .exitOverride();

// Each area registers its own subcommands.
registerInfo(program);
registerStress(program);
registerExplore(program);
registerAie(program);
registerServe(program);
registerDmabuf(program);
registerMhi(program);
registerRun(program);
registerParams(program);
registerRuns(program);
registerReport(program);
registerImport(program);
registerExport(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // commander already printed its message (help, version, or a usage error).
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`twb: ${(e as Error).message}\n`);
    process.exitCode = e instanceof CliError ? e.code : 1;
  }
}
