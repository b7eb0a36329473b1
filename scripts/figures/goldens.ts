/**
 * The key model figures, pinned by test/unit/goldens.test.ts against goldens.json: a change to
 * the model that moves any of them fails that test until `npm run figures` rewrites the goldens
 * (and the docs' tables) and the diff is reviewed. Cheap enough for every `npm test`.
 */
import { createHash } from 'node:crypto';
import { SEC } from '../../src-main/engine/core';
import { runStress } from '../../src-main/engine/dmabuf';
import { exploreIpi } from '../../src-main/engine/ipi/explore-ipi';
import { BARRIER_SETS } from '../../src-main/engine/run/build';
import { buildAieSimulation } from '../../src-main/engine/run/devices';
import { loadWorkspace } from '../../src-main/host/workspace/load';
import { runFigureJob } from './task';

export function computeGoldens(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // The seed scenario, 1 simulated hour, the unfixed kernel and the fix (at the hardware-derived
  // defaults neither loses an IPI in an hour: docs/models/ipi.md), and the what-if built-in, whose
  // unfixed kernel loses IPIs and locks up within minutes — the cascade.
  for (const workspace of ['seed-power9-ipi', 'seed-power9-ipi-whatif'])
    for (const barriers of ['none', 'both'])
      for (const seed of [1, 2]) out[`${workspace}.${barriers}.seed${seed}.1h`] = runFigureJob({ kind: 'run', workspace: `builtin:${workspace}`, seed, set: { 'kernel.barriers': barriers }, hours: 1 });
  for (const v of Object.keys(BARRIER_SETS)) {
    const r = exploreIpi(BARRIER_SETS[v], undefined, { witnessText: false });
    out[`explore-ipi.${v}`] = { lostIpiReachable: r.lostIpiReachable, witnesses: r.witnesses.length, candidates: r.candidates };
  }
  out['mhi-loopback.4M.mtu4096.ring32.gen3x1.seed3'] = runFigureJob({ kind: 'loopback', bytes: 4 * 1024 * 1024, mtu: 4096, ring: 32, seed: 3, pcieGen: 3, pcieWidth: 1 });
  const stress = runStress({ buffers: 16, workers: 8, jobs: 5000, mode: 'wait-die', seed: 1 });
  out['dmabuf-stress.16x8x5000.wait-die.seed1'] = { ...stress.result, trace: stress.traceDigest };
  const { sim, aie } = buildAieSimulation(loadWorkspace('builtin:aie-demo'), 1);
  sim.runUntil(SEC / 1000);
  out['aie-demo.tile1,1.data.1ms.sha256'] = createHash('sha256').update(aie.array.tile({ col: 1, row: 1 }).memory('data').snapshot()).digest('hex');
  return out;
}
