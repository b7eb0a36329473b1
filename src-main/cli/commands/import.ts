import type { Command } from 'commander';
import { describeWorkspaceError, parseWorkspace } from '../../../src-common/workspace';
import { importHwlocXml } from '../../host/import/hwloc';
import { importLibvirtXml } from '../../host/import/libvirt';
import { importSynthetic } from '../../host/import/synthetic';
import { writeFileAtomic } from '../../host/import/write';
import { loadWorkspace, readTextFile } from '../../host/workspace/load';
import { CliError } from '../errors';
import { COMMANDS } from '../command-list';

function read(file: string): string {
  try {
    return readTextFile(file, file);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

function output(json: unknown, out?: string): void {
  const text = JSON.stringify(json, null, 2) + '\n';
  if (out) writeFileAtomic(out, text);
  else process.stdout.write(text);
}

export function registerImport(program: Command): void {
  const imp = program.command('import').description(COMMANDS.import.description);
  imp
    .command('hwloc')
    .description("new workspace from hwloc XML ('lstopo --of xml') or a synthetic description; prints it or writes -o")
    .argument('[file]', 'hwloc XML file')
    .option('--synthetic <desc>', 'hwloc synthetic description instead of a file, e.g. "pack:2 core:16 pu:4"')
    .option('--name <name>', 'workspace name (default: the host name, or "synthetic")')
    .option('-o, --output <file>', 'write the workspace JSON here (default: stdout)')
    .action((file: string | undefined, opts: { synthetic?: string; name?: string; output?: string }) => {
      if (!file === !opts.synthetic) throw new CliError('give either an hwloc XML file or --synthetic "DESC"');
      try {
        const ws = opts.synthetic ? importSynthetic(opts.synthetic, opts.name ?? 'synthetic') : importHwlocXml(read(file!), opts.name);
        // What the importer had to assume, said where a person reads it (stdout may be the JSON).
        for (const note of ws.host.source?.notes ?? []) process.stderr.write(`twb: warning: ${opts.synthetic ? 'synthetic' : file}: ${note}\n`);
        output(ws, opts.output);
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(`${opts.synthetic ? 'synthetic' : file}: ${(e as Error).message}`);
      }
    });
  imp
    .command('libvirt')
    .description('a guest from libvirt domain XML: prints the guest JSON, or with --into adds it to a workspace written to -o')
    .argument('<file>', 'libvirt domain XML (virsh dumpxml)')
    .option('--into <workspace>', 'workspace JSON file or builtin:NAME to add the guest to')
    .option('--replace', 'replace a guest of the same name instead of failing')
    .option('-o, --output <file>', 'where to write (the workspace with --into, else the guest JSON; default stdout)')
    .action((file: string, opts: { into?: string; replace?: boolean; output?: string }) => {
      const xml = read(file);
      // What the model leaves out of the domain, said where a person reads it (stdout may be the JSON).
      const warnings: string[] = [];
      const warn = () => warnings.forEach((w) => process.stderr.write(`twb: warning: ${file}: ${w}\n`));
      if (!opts.into) {
        try {
          output(importLibvirtXml(xml, undefined, warnings), opts.output);
          warn();
        } catch (e) {
          throw new CliError(`${file}: ${(e as Error).message}`);
        }
        return;
      }
      const ws = loadWorkspace(opts.into);
      let guest;
      try {
        guest = importLibvirtXml(xml, ws.host, warnings);
      } catch (e) {
        throw new CliError(`${file}: ${(e as Error).message}`);
      }
      warn();
      const exists = ws.guests.some((g) => g.name === guest.name);
      if (exists && !opts.replace) throw new CliError(`${opts.into} already has a guest named '${guest.name}' (use --replace)`);
      const guests = exists ? ws.guests.map((g) => (g.name === guest.name ? guest : g)) : [...ws.guests, guest];
      let next;
      const draft = { ...ws, guests };
      try {
        next = parseWorkspace(draft);
      } catch (e) {
        throw new CliError(`${file}: ${describeWorkspaceError(draft, e)}`);
      }
      output(next, opts.output);
    });
}
