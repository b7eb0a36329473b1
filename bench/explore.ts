/**
 * Benchmark of the POWER model and the explorers:
 * - `twb explore ipi` per kernel variant (target ≤ 1 s each), each example litmus test (≤ 100 ms);
 * - `explore.campaign_public.*`: the whole command `twb explore litmus --jobs 2` on the
 *   herding-cats campaign's public half (../shared/herding-cats, 4,069 tests; target for the whole
 *   8,141-test campaign ≤ 60 s on 2 cores, no test over 1 s): wall time, the load average it ran
 *   under, agreement with ppc.cat's published verdicts, and per-test times measured in process;
 * - `explore.campaign_like.*`: the same judge over the generated classic families
 *   (litmus/families.ts: every family × fence/dependency variant), and the operational machine
 *   exploring the two-thread ones;
 * - `explore.step.*`: one enabled()+apply() step of the operational machine on random walks (the
 *   cost the timed IPI episodes pay per transition).
 * Wall times of small things are the best of a few repetitions, after a warm-up run.
 *
 *   node --import tsx bench/explore.ts          (or through bench/run.ts)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exploreIpi } from '../src-main/engine/ipi/explore-ipi';
import { BARRIER_VARIANTS, barriersOf } from '../src-main/engine/ipi/handshake';
import { generateFamilies } from '../src-main/engine/litmus/families';
import { judgeLitmus } from '../src-main/engine/litmus/judge';
import { parseLitmus } from '../src-main/engine/litmus/parse';
import { explore } from '../src-main/engine/memory-model/explore';
import { Machine } from '../src-main/engine/memory-model/machine';
import { compile } from '../src-main/engine/memory-model/program';
import { best } from './metric';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LITMUS_DIR = path.join(ROOT, 'resources/litmus');
const CAMPAIGN = path.resolve(ROOT, '../shared/herding-cats');

/** Metric name → value; `*_ms` are milliseconds of wall time, `*_states` counts. */
export function benchExplore(): Record<string, number> {
  const out: Record<string, number> = { ...benchCampaignPublic(), ...benchCampaignLike(), ...benchSteps() };
  for (const v of BARRIER_VARIANTS) {
    let candidates = 0;
    out[`explore.ipi.${v}.wall_ms`] = round(best(3, () => (candidates = exploreIpi(barriersOf(v)).candidates)));
    out[`explore.ipi.${v}.candidates`] = candidates;
  }
  for (const f of fs.readdirSync(LITMUS_DIR).filter((x) => x.endsWith('.litmus')).sort()) {
    const src = fs.readFileSync(path.join(LITMUS_DIR, f), 'utf8');
    out[`explore.litmus.${f.replace(/\.litmus$/, '')}.wall_ms`] = round(best(5, () => judgeLitmus(parseLitmus(src))));
  }
  return out;
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** The public half through the whole CLI, as a user runs it; then each test timed in process. */
function benchCampaignPublic(): Record<string, number> {
  const tsv = path.join(CAMPAIGN, 'verdicts-public.tsv');
  if (!fs.existsSync(tsv)) {
    console.error(`explore: no campaign at ${CAMPAIGN}; explore.campaign_public.* skipped`);
    return {};
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-bench-campaign-'));
  try {
    execFileSync('tar', ['xzf', path.join(CAMPAIGN, 'power-campaign-public.tgz'), '-C', tmp]);
    const dir = path.join(tmp, 'herding-cats-public');
    const json = path.join(tmp, 'verdicts.json');
    const load = os.loadavg()[0];
    const t0 = performance.now();
    execFileSync(process.execPath, [path.join(ROOT, 'bin/twb.js'), 'explore', 'litmus', dir, '--jobs', '2', '--json', json], { stdio: 'ignore', maxBuffer: 1 << 26 });
    const wall = (performance.now() - t0) / 1000;
    const published = new Map(fs.readFileSync(tsv, 'utf8').trim().split('\n').map((l) => l.split('\t')).map(([n, model, hw]) => [n, { model, hw }]));
    const verdicts = JSON.parse(fs.readFileSync(json, 'utf8')) as { name?: string; observation?: string; error?: string }[];
    let agree = 0;
    let neverButObserved = 0;
    for (const v of verdicts) {
      const p = v.name ? published.get(v.name) : undefined;
      if (!p || !v.observation) continue;
      const ours = v.observation === 'Never' ? 'No' : 'Ok';
      if (ours === p.model) agree++;
      if (ours === 'No' && p.hw === 'Ok') neverButObserved++;
    }
    const times = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.litmus'))
      .map((f) => {
        const src = fs.readFileSync(path.join(dir, f), 'utf8');
        const a = performance.now();
        judgeLitmus(parseLitmus(src));
        return performance.now() - a;
      })
      .sort((a, b) => a - b);
    return {
      'explore.campaign_public.tests': verdicts.length,
      'explore.campaign_public.errors': verdicts.filter((v) => v.error).length,
      'explore.campaign_public.agree_with_ppc_cat': agree,
      'explore.campaign_public.never_but_observed': neverButObserved,
      'explore.campaign_public.jobs2_wall_s': round(wall),
      'explore.campaign_public.load_avg_1m': round(load),
      'explore.campaign_public.in_process_wall_s': round(times.reduce((a, b) => a + b, 0) / 1000),
      'explore.campaign_public.median_test_ms': round(times[times.length >> 1]),
      'explore.campaign_public.max_test_ms': round(times[times.length - 1]),
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The generated classic families: the judge on all of them, the machine on the two-thread ones. */
function benchCampaignLike(): Record<string, number> {
  const tests = generateFamilies();
  const times: number[] = [];
  for (const t of tests) {
    const a = performance.now();
    judgeLitmus(parseLitmus(t.source));
    times.push(performance.now() - a);
  }
  times.sort((a, b) => a - b);
  const twoThread = tests.filter((t) => ['MP', 'SB', 'LB', 'R', 'S', '2+2W'].includes(t.family));
  let states = 0;
  const a = performance.now();
  for (const t of twoThread) states += explore(compile(parseLitmus(t.source).program)).statesExplored;
  const machineMs = performance.now() - a;
  return {
    'explore.campaign_like.tests': tests.length,
    'explore.campaign_like.judge_wall_ms': round(times.reduce((x, y) => x + y, 0)),
    'explore.campaign_like.median_test_ms': round(times[times.length >> 1]),
    'explore.campaign_like.max_test_ms': round(times[times.length - 1]),
    'explore.campaign_like.machine_2thread_tests': twoThread.length,
    'explore.campaign_like.machine_2thread_wall_ms': round(machineMs),
    'explore.campaign_like.machine_2thread_states': states,
  };
}

/** Random walks (a fixed LCG) to a final state: µs per enabled()+apply() pair. */
function benchSteps(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of ['MP+lwsyncs', 'WRC+lwsync+addr', 'IRIW+syncs']) {
    const m = new Machine(compile(parseLitmus(fs.readFileSync(path.join(LITMUS_DIR, `${name}.litmus`), 'utf8')).program));
    let seed = 1;
    const walk = (runs: number): number => {
      let steps = 0;
      for (let i = 0; i < runs; i++) {
        let s = m.initial();
        for (let moves = m.enabled(s); moves.length > 0; moves = m.enabled(s)) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          s = m.apply(s, moves[seed % moves.length]).state;
          steps++;
        }
      }
      return steps;
    };
    walk(200);
    const a = performance.now();
    const steps = walk(2000);
    out[`explore.step.${name}.step_us`] = round(((performance.now() - a) * 1000) / steps);
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [k, v] of Object.entries(benchExplore())) console.log(`${k} ${v}`);
}
