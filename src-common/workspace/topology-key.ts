import type { Workspace } from './schema';

/**
 * What of a workspace a run's overlay depends on: the host's CPUs and where each vCPU may run.
 * A run shown over a workspace whose key differs shows results of the previous topology (the
 * renderer dims them); the host computes the same key for a stored run from the document it ran.
 */
export function topologyKey(ws: Workspace): string {
  return JSON.stringify([ws.host.threadsPerCore, ws.host.sockets.map((s) => s.cores), ws.guests.map((g) => [g.name, g.smp, g.vcpupin])]);
}
