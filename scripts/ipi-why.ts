/**
 * `node --import tsx scripts/ipi-why.ts [episodes=30000] [--set KEY=VALUE]…`: why the seed scenario does or does
 * not lose IPIs at the given timing — how likely a store stays invisible across the kernel's windows, and the
 * measured loss probability of one CALL_FUNCTION next to one partner IPI (offset uniform in the interaction
 * window) per kernel variant, for docs/models/ipi.md.
 */
import { Rng } from '../src-main/engine/core';
import { resolveParams } from '../src-main/engine/params';
import { runEpisode } from '../src-main/engine/ipi/episode';
import { barriersOf } from '../src-main/engine/ipi/handshake';
import { episodeTiming, interactionWindow } from '../src-main/engine/ipi/power-fabric';

const args = process.argv.slice(2);
const n = Number(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--set') ?? 30000);
const set: Record<string, string> = {};
args.forEach((a, i) => {
  if (a === '--set') set[args[i + 1].split('=')[0]] = args[i + 1].split('=')[1];
});
const p = resolveParams(set);
const t = episodeTiming(p);
const w = interactionWindow(t, p.get('ipi.store_stall_ns'));
const f = p.get('ipi.store_stall_fraction');
const s = p.get('ipi.store_stall_ns');
const tail = (ns: number) => f * Math.exp(-ns / s);
console.log(`stall: ${(f * 100).toFixed(1)} % of stores, mean ${s} ns; interaction window ${(w / 1000).toFixed(1)} µs`);
console.log(`P(a store stays invisible > sync ${p.get('ipi.sync_ns')} ns) = ${tail(p.get('ipi.sync_ns')).toExponential(1)}; > guest exit ${p.get('ipi.guest_exit_ns')} ns = ${tail(p.get('ipi.guest_exit_ns')).toExponential(1)}`);
console.log('| partner of one CALL_FUNCTION | none | set | clear | both |\n| --- | --- | --- | --- | --- |');
const rng = new Rng(11, 'why');
for (const partner of ['RESCHEDULE', 'RESCHEDULE_WAKE', 'KICK'] as const) {
  const row = (['none', 'set', 'clear', 'both'] as const).map((v) => {
    let lost = 0;
    for (let i = 0; i < n; i++) {
      const at = rng.float() * w;
      const senders = rng.chance(0.5) ? [{ kind: partner, at: 0 }, { kind: 'CALL_FUNCTION' as const, at }] : [{ kind: 'CALL_FUNCTION' as const, at: 0 }, { kind: partner, at }];
      if (runEpisode(barriersOf(v), senders, t, rng).stuck.length) lost++;
    }
    return lost === 0 ? `0 / ${n} (≤ ${(3 / n).toExponential(1)}, 95 %)` : `${lost} / ${n} (${(lost / n).toExponential(1)})`;
  });
  console.log(`| ${partner === 'RESCHEDULE' ? 'RESCHEDULE (resched_curr)' : partner === 'RESCHEDULE_WAKE' ? 'RESCHEDULE (ttwu_queue_remote)' : 'vCPU kick'} | ${row.join(' | ')} |`);
}
