import type { Workspace } from '../../../src-common/workspace';
import { MEM_KINDS } from '../../engine/aie';
import { buildAieSimulation } from '../../engine/run/devices';

export interface MemoryImage {
  /** "col,row" */
  tile: string;
  kind: string;
  bytes: Uint8Array;
}

/**
 * The final memory images of every AIE tile memory the workspace's kernels and images touched,
 * after `untilNs` of simulated time. The AIE model is independent of the host model (its own
 * Simulation and PRNG streams), so running it beside the run gives the run's AIE state.
 */
export function aieMemoryImages(ws: Workspace, seed: number, untilNs: number): MemoryImage[] {
  if (!ws.devices.aie) return [];
  const { sim, aie: model } = buildAieSimulation(ws, seed);
  sim.runUntil(untilNs);
  const out: MemoryImage[] = [];
  for (let col = 0; col < model.array.columns; col++)
    for (let row = 0; row < model.array.rows; row++) {
      const tile = model.array.tile({ col, row });
      if (!tile.isCore) continue;
      for (const kind of MEM_KINDS) if (tile.hasMemory(kind)) out.push({ tile: `${col},${row}`, kind, bytes: tile.memory(kind).snapshot() });
    }
  return out;
}
