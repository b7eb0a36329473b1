/**
 * `node --import tsx scripts/ipi-seed-table.ts [seeds=1..20] [hours=20] [--set KEY=VALUE]…`: the seed
 * scenario (builtin:seed-power9-ipi) per kernel variant none and both — first soft lockup, lost IPIs by
 * partner kind, hung-task reports, CPU time per run — and the medians over the seeds, as the markdown
 * table in docs/models/ipi.md.
 */
import { buildRun, PARTNER_KINDS } from '../src-main/engine/run/build';
import { loadWorkspace } from '../src-main/host/workspace/load';
import type { ParamValues } from '../src-main/engine/core';

const args = process.argv.slice(2);
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--set');
const [from, to] = (positional[0] ?? '1..20').split('..').map(Number);
const hours = Number(positional[1] ?? 20);
const set: ParamValues = {};
args.forEach((a, i) => {
  if (a === '--set') {
    const [k, v] = args[i + 1].split('=');
    set[k] = v;
  }
});
const ws = loadWorkspace('builtin:seed-power9-ipi');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (t: number | null) => (t === null ? '—' : `${Math.round(t)} s`);
for (const barriers of ['none', 'both']) {
  console.log(`\n**${barriers}**${Object.keys(set).length ? ` (${Object.entries(set).map(([k, v]) => `${k}=${v}`).join(' ')})` : ''}, ${hours} h per seed\n`);
  console.log(`| seed | first soft lockup | lost IPIs | by partner (${PARTNER_KINDS.join(' / ')}) | hung-task reports | stuck tasks at the end | CPU s |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const firsts: number[] = [];
  const cpus: number[] = [];
  let noLockup = 0;
  const total = Object.fromEntries(PARTNER_KINDS.map((k) => [k, 0]));
  let lostAll = 0;
  for (let seed = from; seed <= to; seed++) {
    const c0 = process.cpuUsage();
    const run = buildRun(ws, { seed, set: { ...set, 'kernel.barriers': barriers } });
    run.sim.runUntil(hours * 3600e9);
    const s = run.summary({ wallSeconds: 0 });
    const cu = process.cpuUsage(c0);
    const cpu = (cu.user + cu.system) / 1e6;
    cpus.push(cpu);
    const first = s.lockups.find((l) => l.kind === 'soft_lockup')?.t ?? null;
    if (first === null) noLockup++;
    else firsts.push(first);
    lostAll += s.lostIpis;
    for (const k of PARTNER_KINDS) total[k] += s.lostByPartner![k];
    console.log(`| ${seed} | ${fmt(first)} | ${s.lostIpis} | ${PARTNER_KINDS.map((k) => s.lostByPartner![k]).join(' / ')} | ${s.lockups.filter((l) => l.kind === 'hung_task').length} | ${s.stuckTasks!.length} | ${cpu.toFixed(2)} |`);
  }
  // The median over seeds, counting a seed without a lockup as later than every lockup.
  const n = to - from + 1;
  const ordered = [...firsts.sort((a, b) => a - b), ...new Array<number>(noLockup).fill(Infinity)];
  const med = n % 2 ? ordered[(n - 1) / 2] : (ordered[n / 2 - 1] + ordered[n / 2]) / 2;
  console.log(`| **median / total** | ${Number.isFinite(med) ? fmt(med) : `— (no lockup in ${noLockup} of ${n} seeds)`} | ${lostAll} | ${PARTNER_KINDS.map((k) => total[k]).join(' / ')} | | | median ${median(cpus).toFixed(2)} |`);
}
