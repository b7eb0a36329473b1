/**
 * Benchmark of the exhaustive explorer: `twb explore ipi` per kernel variant
 * (target ≤ 1 s each) and each example litmus test (target ≤ 100 ms each). Wall times are
 * the best of a few repetitions, after a warm-up run.
 *
 *   node --import tsx bench/explore.ts          (or through bench/run.ts)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exploreIpi } from '../src-main/engine/ipi/explore-ipi';
import { BARRIER_VARIANTS, barriersOf } from '../src-main/engine/ipi/handshake';
import { judgeLitmus } from '../src-main/engine/litmus/judge';
import { parseLitmus } from '../src-main/engine/litmus/parse';
import { best } from './metric';

const LITMUS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../resources/litmus');

/** Metric name → value; `*_ms` are milliseconds of wall time, `*_states` counts. */
export function benchExplore(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of BARRIER_VARIANTS) {
    let states = 0;
    out[`explore.ipi.${v}.wall_ms`] = round(best(3, () => (states = exploreIpi(barriersOf(v)).statesExplored)));
    out[`explore.ipi.${v}.states`] = states;
  }
  for (const f of fs.readdirSync(LITMUS_DIR).filter((x) => x.endsWith('.litmus')).sort()) {
    const src = fs.readFileSync(path.join(LITMUS_DIR, f), 'utf8');
    out[`explore.litmus.${f.replace(/\.litmus$/, '')}.wall_ms`] = round(best(5, () => judgeLitmus(parseLitmus(src))));
  }
  return out;
}

const round = (x: number): number => Math.round(x * 100) / 100;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [k, v] of Object.entries(benchExplore())) console.log(`${k} ${v}`);
}
