import { CommanderError } from 'commander';
import { CliError } from './errors';
import { createProgram, whatToLoad } from './program';

// A reader that stops early (`twb … | head -1`) is not an error: finish quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

// Only the module of the command being run is loaded; help and --version load none.
const program = await createProgram(whatToLoad(process.argv.slice(2)));
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
