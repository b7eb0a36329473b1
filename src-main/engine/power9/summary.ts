import { hostCpuCount, vcpuCount, type Workspace } from '../../../src-common/workspace';

/** The counts `twb info` prints and the outline shows. */
export function topologySummary(ws: Workspace) {
  const cores = ws.host.sockets.reduce((n, s) => n + s.cores, 0);
  return {
    host: {
      sockets: ws.host.sockets.length,
      cores,
      threads: hostCpuCount(ws.host),
      numaNodes: ws.host.sockets.length,
      memoryBytes: ws.host.sockets.reduce((n, s) => n + s.memoryBytes, 0),
    },
    guests: ws.guests.map((g) => ({ name: g.name, vcpus: vcpuCount(g) })),
  };
}
