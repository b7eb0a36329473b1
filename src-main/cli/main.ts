import { Command, CommanderError } from 'commander';
import fs from 'node:fs';
import { CliError } from './errors';
// A reader that stops early (`twb … | head -1`) is not an error: finish quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('twb')
  .description('Topology Workbench: draw a POWER9/KVM machine with devices, run stress workloads on a simulated kernel, watch what breaks.')
  .version(pkg.version, '-V, --version')
  .showHelpAfterError()
  .exitOverride();

// Each area registers its own subcommands from commands/<area>.ts. Only the module of the
// command being run is loaded (the rest cost seconds of start-up through tsx); help and
// unknown commands load them all so that every command is listed; --version needs none.
type Register = (program: Command) => void;
const areas: Record<string, () => Promise<Register>> = {
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
const wanted = process.argv[2];
const versionOnly = wanted === '-V' || wanted === '--version';
const toLoad = versionOnly ? [] : wanted !== undefined && Object.hasOwn(areas, wanted) ? [areas[wanted]] : Object.values(areas);
for (const load of toLoad) (await load())(program);

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
