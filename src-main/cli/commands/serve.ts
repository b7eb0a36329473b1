import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors';
import { RENDERER_DIR, startBrowserMode } from '../../host/server/browser-mode';
import { COMMANDS } from '../command-list';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(COMMANDS.serve.description)
    .option('--port <N>', 'TCP port; 0 picks a free one', '0')
    .option('--db <FILE>', 'SQLite store (default $XDG_DATA_HOME/topology-workbench/workbench.db)')
    .action(async (opts: { port: string; db?: string }) => {
      if (!/^\d+$/.test(opts.port) || Number(opts.port) > 65535) throw new CliError(`--port: expected 0..65535, got '${opts.port}'`);
      if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html')))
        process.stderr.write(`twb: warning: the renderer is not built (${RENDERER_DIR}); run \`npm run build\`\n`);
      let started;
      try {
        started = await startBrowserMode({ port: Number(opts.port), db: opts.db });
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const { server } = started;
      // Every request path answers its own failures; should a defect still leave a promise
      // rejected, say so and keep serving the other clients rather than exit.
      process.on('unhandledRejection', (e) => process.stderr.write(`twb serve: internal error (still serving): ${(e as Error)?.stack ?? String(e)}\n`));
      process.stdout.write(`${server.url}\n`);
      // SIGTERM/SIGINT: clients closed, job threads ended, an active run recorded as cancelled.
      const stop = () => {
        void started.stop().then(
          () => process.exit(0),
          (e: unknown) => {
            process.stderr.write(`twb serve: stopping: ${(e as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
