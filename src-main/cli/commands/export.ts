import type { Command } from 'commander';
import { exportWorkspaceHwloc } from '../../host/import/hwloc';
import { exportLibvirtXml } from '../../host/import/libvirt';
import { writeFileAtomic } from '../../host/import/write';
import { loadWorkspace } from '../../host/workspace/load';
import { CliError } from '../errors';
import { COMMANDS } from '../command-list';

function output(text: string, out?: string): void {
  if (out) writeFileAtomic(out, text);
  else process.stdout.write(text);
}

export function registerExport(program: Command): void {
  const exp = program.command('export').description(COMMANDS.export.description);
  exp
    .command('hwloc')
    .description('the host as hwloc 2 XML with its caches, I/O and MHI modems (readable by lstopo --input FILE)')
    .argument('<workspace>', 'workspace JSON file or builtin:NAME')
    .option('-o, --output <file>', 'write here (default: stdout)')
    .action((ref: string, opts: { output?: string }) => output(exportWorkspaceHwloc(loadWorkspace(ref)), opts.output));
  exp
    .command('libvirt')
    .description('a guest as libvirt domain XML (validates with virt-xml-validate FILE domain)')
    .argument('<workspace>', 'workspace JSON file or builtin:NAME')
    .argument('<guest>', 'guest name')
    .option('-o, --output <file>', 'write here (default: stdout)')
    .action((ref: string, name: string, opts: { output?: string }) => {
      const ws = loadWorkspace(ref);
      const g = ws.guests.find((x) => x.name === name);
      if (!g) throw new CliError(`${ref} has no guest '${name}' (guests: ${ws.guests.map((x) => x.name).join(', ') || 'none'})`);
      output(exportLibvirtXml(g), opts.output);
    });
}
