import type { Command } from 'commander';
import { topologySummary } from '../../engine/power9/summary';
import { loadWorkspace } from '../../host/workspace/load';
import { formatSize } from '../../../src-common/parse/size';
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
      console.log(`host: ${h.sockets} sockets, ${h.cores} cores, ${h.threads} threads, ${h.numaNodes} NUMA nodes, ${formatSize(h.memoryBytes)} memory`);
      for (const g of s.guests) console.log(`guest ${g.name}: ${g.vcpus} vCPUs`);
    });
}
