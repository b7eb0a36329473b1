/**
 * The per-workspace sweep tables in docs/sweeps.md (spread into tables.ts): a small `twb sweep`
 * of each built-in seed workspace over the four kernel variants — few seeds and one simulated
 * hour, each run ending at its first soft lockup — summarised by the sweep's own code
 * (host/sweep: the same job, estimates and cell formatting as the command's table).
 */
import { configurations, parseSeeds, parseVary } from '../../src-main/host/sweep/grid';
import type { SweepRunResult } from '../../src-main/host/sweep/job';
import { summarizeConfiguration } from '../../src-main/host/sweep/summarize';
import { configLabel, firstLockupText, intervalText } from '../../src-main/host/sweep/text';
import type { FigureTable, Runner } from './tables';

const SEEDS = '1..8';
const VARY = 'kernel.barriers=none,set,clear,both';
const HOURS = 1;
const UNTIL = 'first-soft-lockup';

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

function sweepTable(id: string, workspace: string, full: boolean): FigureTable {
  return {
    id,
    doc: 'docs/sweeps.md',
    full,
    async render(run: Runner) {
      const seeds = parseSeeds(SEEDS);
      const views = await Promise.all(
        configurations([parseVary(VARY)]).map(async (c) => {
          const results = await Promise.all(seeds.map((seed) => run<SweepRunResult>({ kind: 'sweep-run', workspace, set: c.params, seed, hours: HOURS, until: UNTIL })));
          const rows = results.map((result) => ({ config: c.key, seed: result.seed, runId: null, result, resultJson: JSON.stringify(result), wallMs: 0, worker: 'figures' }));
          return summarizeConfiguration(c.params, c.key, rows);
        }),
      );
      const head = ['configuration', 'runs', 'lockups', 'P(lockup) [95% CI]', 'lost IPIs/h [95% CI]', 'first lockup median (q1–q3)'];
      return [
        `\`twb sweep ${workspace} --seeds ${SEEDS} --vary ${VARY} --duration ${HOURS}h --until ${UNTIL}\`:`,
        '',
        row(head),
        row(head.map(() => '---')),
        ...views.map((c) => row([`\`${configLabel(c.params)}\``, String(c.runs), String(c.lockups), intervalText(c.pLockup), intervalText(c.lostIpisPerHour, 4), firstLockupText(c)])),
      ].join('\n');
    },
  };
}

export const SWEEP_TABLES: FigureTable[] = [
  sweepTable('sweep-seed', 'builtin:seed-power9-ipi', false),
  // About a minute of CPU (the unfixed kernels' runs simulate IPI episodes): figures:check:full.
  sweepTable('sweep-whatif', 'builtin:seed-power9-ipi-whatif', true),
];
