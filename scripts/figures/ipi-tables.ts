/**
 * The IPI model's tables in docs/models/ipi.md (spread into tables.ts): the explorer's verdicts, the
 * seed scenario per kernel variant over 20 seeds, the what-if built-in, and why — the loss
 * probability of one CALL_FUNCTION next to one partner IPI, measured on the episodes themselves.
 */
import { compare, FITTED_TESTS, HARNESS_SKEW_NS, STALL_ANCHOR, timingOf } from '../../src-main/engine/ipi/calibration';
import { HARDWARE_COUNTS } from '../../src-main/engine/ipi/hardware-counts';
import { exploreIpi } from '../../src-main/engine/ipi/explore-ipi';
import { episodeTiming, interactionWindow } from '../../src-main/engine/ipi/power-fabric';
import { resolveParams } from '../../src-main/engine/params';
import { BARRIER_SETS, PARTNER_KINDS } from '../../src-main/engine/run/build';
import { loadWorkspace } from '../../src-main/host/workspace/load';
import type { FigureTable, Runner } from './tables';
import type { EpisodeFigures, EpisodePartner, RunFigures } from './task';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const HOURS = 20;
const VARIANTS = ['none', 'clear', 'set', 'both'] as const;
const WHY_EPISODES = 2000;

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: string[][]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
const secs = (t: number | null) => (t === null ? '—' : `${Math.round(t)} s`);

/** The median first soft lockup over the seeds, a seed without one counting as later than all. */
function medianFirst(firsts: (number | null)[]): string {
  const sorted = firsts.map((v) => v ?? Infinity).sort((a, b) => a - b);
  const n = sorted.length;
  const med = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const none = firsts.filter((f) => f === null).length;
  if (!Number.isFinite(med)) return `— (no lockup in ${none} of ${n} seeds)`;
  return `${Math.round(med)} s (${(med / 3600).toFixed(2)} h)${none ? `; no lockup in ${none} of ${n}` : ''}`;
}

const byPartner = (r: RunFigures) => PARTNER_KINDS.map((k) => r.lostByPartner[k]).join(' / ');

/** Per-seed rows and a summary row for each variant of a workspace, 20 h per seed. */
async function seedTables(run: Runner, workspace: string, variants: readonly string[]): Promise<string> {
  const head = ['seed', 'first soft lockup', 'lost IPIs', `by partner (${PARTNER_KINDS.join(' / ')})`, 'hung-task reports', 'stuck tasks at the end'];
  const parts = await Promise.all(
    variants.map(async (v) => {
      const rs = await Promise.all(SEEDS.map((seed) => run<RunFigures>({ kind: 'run', workspace, seed, set: { 'kernel.barriers': v }, hours: HOURS })));
      const total = Object.fromEntries(PARTNER_KINDS.map((k) => [k, rs.reduce((a, r) => a + r.lostByPartner[k], 0)]));
      const rows = rs.map((r, i) => [String(SEEDS[i]), secs(r.firstSoftLockup), String(r.lostIpis), byPartner(r), String(r.hungTasks), String(r.stuckTasks)]);
      rows.push(['**median / total**', medianFirst(rs.map((r) => r.firstSoftLockup)), String(rs.reduce((a, r) => a + r.lostIpis, 0)), PARTNER_KINDS.map((k) => total[k]).join(' / '), '', '']);
      return `**${v}**, seeds ${SEEDS[0]}–${SEEDS.at(-1)}, ${HOURS} h each\n\n${table(head, rows)}`;
    }),
  );
  return parts.join('\n\n');
}

/** Loss probability of one CALL_FUNCTION next to one partner, offset uniform in the interaction window (each cell a pool job). */
async function whyTable(run: Runner, set: Record<string, string>, episodes: number): Promise<string> {
  const p = resolveParams(set);
  const t = episodeTiming(p);
  const w = interactionWindow(t, p.get('ipi.store_stall_ns'));
  const f = p.get('ipi.store_stall_fraction');
  const s = p.get('ipi.store_stall_ns');
  const tail = (ns: number) => f * Math.exp(-ns / s);
  const partners: [EpisodePartner, string][] = [
    ['RESCHEDULE', 'RESCHEDULE (resched_curr)'],
    ['RESCHEDULE_WAKE', 'RESCHEDULE (ttwu_queue_remote)'],
    ['KICK', 'vCPU kick'],
  ];
  const rows = await Promise.all(
    partners.map(async ([partner, name]) => [
      name,
      ...(await Promise.all(
        VARIANTS.map(async (variant) => {
          const { lost } = await run<EpisodeFigures>({ kind: 'episodes', set, partner, variant, episodes });
          // Zero of n: the one-sided 95 % bound is 3/n (the rule of three).
          return lost === 0 ? `0 / ${episodes} (≤ ${(3 / episodes).toExponential(1)})` : `${lost} / ${episodes} (${(lost / episodes).toExponential(1)})`;
        }),
      )),
    ]),
  );
  const head = `Stores stall ${(f * 100).toFixed(1)} % of the time for a mean of ${s} ns; interaction window ${(w / 1000).toFixed(1)} µs. P(a store stays invisible longer than a sync, ${p.get('ipi.sync_ns')} ns) = ${tail(p.get('ipi.sync_ns')).toExponential(1)}; longer than a guest exit, ${p.get('ipi.guest_exit_ns')} ns = ${tail(p.get('ipi.guest_exit_ns')).toExponential(1)}.`;
  return `${head}\n\n${table(['partner of one CALL_FUNCTION', ...VARIANTS.map((v) => `\`${v}\``)], rows)}`;
}

/** The what-if built-in's parameters, as `--set` strings. */
const WHATIF_SET = Object.fromEntries(Object.entries(loadWorkspace('builtin:seed-power9-ipi-whatif').params ?? {}).map(([k, v]) => [k, String(v)]));

/** Modelled against hardware frequency of each litmus shape, with the default timing. */
function calibrationTable(runs: number): string {
  const rows = compare({ timing: timingOf(resolveParams({})), skewNs: HARNESS_SKEW_NS }, runs, 2).map((r) => {
    const c = HARDWARE_COUNTS.find((h) => h.test === r.test)!;
    const fitted = (FITTED_TESTS as readonly string[]).includes(r.test) ? '' : ' (not fitted)';
    return [`${r.test}${fitted}`, `${c.positive.toLocaleString('en-US')} / ${(c.positive + c.negative).toLocaleString('en-US')}`, r.observed.toExponential(2), r.modelled.toExponential(2), r.observed > 0 ? (r.modelled / r.observed).toFixed(2) : '—'];
  });
  return `${table(['test', 'hardware: positive / runs', 'observed', `modelled (${runs.toLocaleString('en-US')} runs)`, 'ratio'], rows)}`;
}

/** Every parameter whose value was chosen to match an outcome, with its value from the registry. */
function fittedTable(): string {
  const p = resolveParams({});
  const g = (k: Parameters<typeof p.get>[0]) => String(p.get(k));
  const shapes = FITTED_TESTS.join(', ');
  const rows = [
    ['`ipi.store_stall_fraction`', g('ipi.store_stall_fraction'), `the hardware frequencies of ${shapes} (table above)`, 'herding-cats campaign counts; fitted'],
    ['`ipi.sync_ns`', `${g('ipi.sync_ns')} ns`, 'same', 'fitted, relative to the anchor'],
    ['`ipi.lwsync_ns`', `${g('ipi.lwsync_ns')} ns`, 'same', 'fitted, relative to the anchor'],
    ['`ipi.load_ns`', `${g('ipi.load_ns')} ns`, 'same', 'fitted, relative to the anchor'],
    ['(harness skew)', `${HARNESS_SKEW_NS} ns`, 'same', 'fitted; used only by the calibration'],
    ['`ipi.store_stall_ns`', `${g('ipi.store_stall_ns')} ns`, 'anchor, not fitted', STALL_ANCHOR.source],
    ['`ipi.store_visible_ns`, `ipi.step_ns`', `${g('ipi.store_visible_ns')} ns, ${g('ipi.step_ns')} ns`, 'fixed, not fitted (the counts are insensitive to them)', 'an L2 write, 13 cycles at 3.5 GHz (same source); one instruction per cycle'],
  ];
  return table(['parameter', 'value', 'target', 'source'], rows);
}

export const IPI_TABLES: FigureTable[] = [
  { id: 'ipi-calibration', doc: 'docs/models/ipi.md', render: async () => calibrationTable(4000), full: true },
  { id: 'ipi-fitted', doc: 'docs/models/ipi.md', render: async () => fittedTable() },
  {
    id: 'ipi-explore',
    doc: 'docs/models/ipi.md',
    async render() {
      const rows = VARIANTS.map((v) => {
        const r = exploreIpi(BARRIER_SETS[v], undefined, { witnessText: false });
        const on = [...new Set(r.witnesses.filter((w) => w.lost.includes('CALL_FUNCTION')).flatMap((w) => w.reorderedOn))].sort((a, b) => Number(b) - Number(a));
        return [`\`${v}\``, r.lostIpiReachable ? 'reachable' : 'unreachable', on.length ? on.map((c) => `CPU ${c}`).join(', ') : '—', r.candidates.toLocaleString('en-US')];
      });
      return table(['variant', 'lost IPI', 'CALL_FUNCTION lost by a reordering on', 'candidate executions checked'], rows);
    },
  },
  { id: 'ipi-seed', doc: 'docs/models/ipi.md', render: (run) => seedTables(run, 'builtin:seed-power9-ipi', VARIANTS) },
  { id: 'ipi-why', doc: 'docs/models/ipi.md', render: (run) => whyTable(run, {}, WHY_EPISODES) },
  { id: 'ipi-why-whatif', doc: 'docs/models/ipi.md', render: (run) => whyTable(run, WHATIF_SET, WHY_EPISODES / 4) },
  { id: 'ipi-whatif', doc: 'docs/models/ipi.md', render: (run) => seedTables(run, 'builtin:seed-power9-ipi-whatif', ['none', 'both']), full: true },
];
