/**
 * Start-up of the `twb` CLI (built JavaScript, bin/twb.js → out/main/cli.js): `twb --version`
 * (target ≤ 150 ms) and `twb --help` (≤ 250 ms), wall time of the whole process, median of 11
 * after a warm-up run; and bare `node -e 0` in the same rounds, for ratios (`cli.*_vs_node`)
 * that noise and load affect less than the absolute figures.
 *
 *   node --import tsx bench/cli.ts          (or through bench/run.ts: --only cli)
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TWB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/twb.js');

/** Wall time in ms of one `node ARGS`. */
function wallMs(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  return performance.now() - t0;
}

/**
 * Median wall time of each case over `reps` rounds, after one warm-up round (disk cache, the
 * build check). The cases take turns within a round, so a change of load while it runs moves
 * them all alike and the ratios to `node -e 0` stay meaningful.
 */
function medians(cases: Record<string, string[]>, reps = 11): Record<string, number> {
  for (const args of Object.values(cases)) wallMs(args);
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = 0; i < reps; i++) for (const [k, args] of Object.entries(cases)) times[k].push(wallMs(args));
  return Object.fromEntries(Object.entries(times).map(([k, t]) => [k, t.sort((a, b) => a - b)[reps >> 1]]));
}

export function benchCli(): Record<string, number> {
  const m = medians({ node: ['-e', '0'], version: [TWB, '--version'], help: [TWB, '--help'] });
  const ratio = (x: number) => Math.round((x / m.node) * 100) / 100;
  return {
    'cli.node_startup_ms': Math.round(m.node),
    'cli.version_ms': Math.round(m.version),
    'cli.help_ms': Math.round(m.help),
    'cli.version_vs_node': ratio(m.version),
    'cli.help_vs_node': ratio(m.help),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(benchCli());
