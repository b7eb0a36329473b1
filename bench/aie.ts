/**
 * Benchmark of the AI Engine model: a full VC1902-sized array (50 × 8 core tiles)
 * in one partition, every core filling, copying north and adding 8192 words, run for 1 ms of
 * simulated time; and the xxd formatting of one 32 KiB data memory. Wall times are the best
 * of a few repetitions after a warm-up.
 *
 *   node --import tsx bench/aie.ts          (or through bench/run.ts)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatXxd } from '../src-common/hex/xxd';
import { MS, Simulation } from '../src-main/engine/core';
import { AieModel } from '../src-main/engine/aie';
import type { AieArray, AieKernel } from '../src-common/workspace';
import { best } from './metric';

function fullArray(): AieArray {
  const kernels: AieKernel[] = [];
  const words = 2048; // × 4 bytes = 8 KiB per range
  for (let col = 0; col < 50; col++)
    for (let row = 1; row < 9; row++) {
      kernels.push({ op: 'fill', col, row, start: '0us', dst: 0, words, value: col * 16 + row, step: 1 });
      if (row < 8) kernels.push({ op: 'copy', col, row, start: '0us', src: 0, words, to: 'north', dst: 0x2000 });
      kernels.push({ op: 'vadd', col, row, start: '50us', a: 0, b: 0x2000, dst: 0x4000, words });
    }
  return { columns: 50, rows: 9, partitions: [{ name: 'all', startCol: 0, numCols: 50, kernels }] };
}

/** Metric name → value; `*_ms` are milliseconds of wall time. */
export function benchAie(): Record<string, number> {
  const out: Record<string, number> = {};
  const config = fullArray();
  let words = 0;
  out['aie.vc1902_1ms.wall_ms'] = round(
    best(3, () => {
      const sim = new Simulation({ seed: 1 });
      const model = sim.add(new AieModel(sim, config));
      sim.runUntil(MS);
      words = model.array.describe().tiles.reduce((n, t) => n + (t.core?.words ?? 0), 0);
    }),
  );
  out['aie.vc1902_1ms.words'] = words;
  const mem = Uint8Array.from({ length: 32 * 1024 }, (_, i) => (i * 31) & 0xff);
  out['aie.xxd_32KiB.wall_ms'] = round(best(10, () => formatXxd(mem)));
  return out;
}

const round = (x: number): number => Math.round(x * 100) / 100;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [k, v] of Object.entries(benchAie())) console.log(`${k} ${v}`);
}
