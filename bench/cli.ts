/**
 * Start-up of the `twb` CLI (built JavaScript, bin/twb.js → out/main/cli.js): `twb --version`
 * (target ≤ 150 ms) and `twb --help` (≤ 250 ms), wall time of the whole process, median of 11
 * after a warm-up run; and bare `node -e 0` on the same machine, for a ratio that noise and
 * load affect less than the absolute figures.
 *
 *   node --import tsx bench/cli.ts          (or through bench/run.ts: --only cli)
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TWB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/twb.js');

/** Median wall time in ms of `reps` runs of `node ARGS`, after one warm-up (disk cache, the build check). */
function medianMs(args: string[], reps = 11): number {
  const run = () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
    return performance.now() - t0;
  };
  run();
  const t = Array.from({ length: reps }, run).sort((a, b) => a - b);
  return Math.round(t[reps >> 1]);
}

export function benchCli(): Record<string, number> {
  return {
    'cli.node_startup_ms': medianMs(['-e', '0']),
    'cli.version_ms': medianMs([TWB, '--version']),
    'cli.help_ms': medianMs([TWB, '--help']),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(benchCli());
