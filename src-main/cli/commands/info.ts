import type { Command } from 'commander';
import { topologySummary } from '../../engine/power9/summary';
import { loadWorkspace } from '../../host/workspace/load';
import { plural } from '../../../src-common/parse/plural';
import { formatSizeHuman } from '../../../src-common/parse/size';
import { COMMANDS } from '../command-list';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description(COMMANDS.info.description)
    .argument('<workspace>', 'workspace JSON file or builtin:NAME')
    .option('--json', 'print JSON: {host:{sockets,cores,threads,numaNodes,memoryBytes}, guests:[{name,vcpus}]}')
    .action((ref: string, opts: { json?: boolean }) => {
      const s = topologySummary(loadWorkspace(ref));
      if (opts.json) {
        console.log(JSON.stringify(s, null, 2));
        return;
      }
      const h = s.host;
      console.log(`host: ${plural(h.sockets, 'socket')}, ${plural(h.cores, 'core')}, ${plural(h.threads, 'thread')}, ${plural(h.numaNodes, 'NUMA node')}, ${formatSizeHuman(h.memoryBytes)} memory`);
      for (const g of s.guests) console.log(`guest ${g.name}: ${plural(g.vcpus, 'vCPU')}`);
    });
}
