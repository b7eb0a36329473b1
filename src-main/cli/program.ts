import { Command } from 'commander';
import fs from 'node:fs';
import { COMMANDS, type CommandName } from './command-list';

type Register = (program: Command) => void;

/** Each top-level command's module, loaded only when that command runs (or for a full listing). */
const MODULES: Record<CommandName, () => Promise<Register>> = {
  info: async () => (await import('./commands/info')).registerInfo,
  run: async () => (await import('./commands/run')).registerRun,
  runs: async () => (await import('./commands/runs')).registerRuns,
  report: async () => (await import('./commands/report')).registerReport,
  params: async () => (await import('./commands/params')).registerParams,
  'stress-check': async () => (await import('./commands/stress')).registerStress,
  explore: async () => (await import('./commands/explore')).registerExplore,
  import: async () => (await import('./commands/import')).registerImport,
  export: async () => (await import('./commands/export')).registerExport,
  serve: async () => (await import('./commands/serve')).registerServe,
  aie: async () => (await import('./commands/aie')).registerAie,
  dmabuf: async () => (await import('./commands/dmabuf')).registerDmabuf,
  mhi: async () => (await import('./commands/mhi')).registerMhi,
  sweep: async () => (await import('./commands/sweep')).registerSweep,
  sweeps: async () => (await import('./commands/sweeps')).registerSweeps,
  worker: async () => (await import('./commands/worker')).registerWorker,
};

export function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(MODULES, name);
}

/**
 * The `twb` program. `load`: the one command about to run (its module is loaded, nothing
 * else); 'list' — every command as an entry of the help list only, from command-list.ts (for
 * `--help`, no command or an unknown one); 'all' — every module (tests compare the two).
 */
export async function createProgram(load: CommandName | 'list' | 'all'): Promise<Command> {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const program = new Command('twb')
    .description('Topology Workbench: draw a POWER9/KVM machine with devices, run stress workloads on a simulated kernel, watch what breaks.')
    .version(pkg.version, '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  if (load === 'list') {
    for (const [name, c] of Object.entries(COMMANDS)) program.command(name).description(c.description);
    program.configureHelp({ subcommandTerm: (cmd) => (isCommand(cmd.name()) ? COMMANDS[cmd.name() as CommandName].term : `${cmd.name()} [command]`) });
  } else {
    for (const name of load === 'all' ? (Object.keys(MODULES) as CommandName[]) : [load]) (await MODULES[name]())(program);
  }
  return program;
}

/** What `argv` (after `node twb`) needs loaded: `--version` needs no command at all. */
export function whatToLoad(args: readonly string[]): CommandName | 'list' {
  const [first, second] = args;
  if (isCommand(first)) return first;
  if (first === 'help' && isCommand(second)) return second;
  return 'list';
}
