/**
 * The placement table in docs/models/qemu-threads.md (spread into tables.ts): where guest A's
 * emulator threads are pinned (libvirt `<emulatorpin>`; its QEMU I/O workers inherit the pin)
 * against the host IPIs that reach the CPUs running its vCPUs, on the seed scenario at the
 * calibrated defaults and with the what-if share of host wakeups placed on vCPU CPUs, seeds 1–5.
 */
import type { FigureTable, Runner } from './tables';
import type { PlacementFigures } from './task';

const SEEDS = [1, 2, 3, 4, 5];
const HOURS = 1;
const SEED_WS = 'builtin:seed-power9-ipi';
/** The fixed kernel (both barriers): no IPI is lost, so no lockup stops a vCPU and the rates compare. */
const SETTINGS = [
  [{ 'kernel.barriers': 'both' }, 'calibrated defaults'],
  [{ 'kernel.barriers': 'both', 'host.sched.wake_on_vcpu_extra': 0.2 }, 'what-if `host.sched.wake_on_vcpu_extra` = 0.2'],
] as const;
/** Guest A's vCPUs are pinned to cores 0–27 (CPUs 0–111); cores 28–31 (CPUs 112–127) run none of them. */
const PINS = [
  [undefined, 'floating (no `<emulatorpin>`)'],
  ['112-127', '`112-127` (cores 28–31, away from its vCPUs)'],
  ['0-111', '`0-111` (its vCPU cores)'],
] as const;

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const perSec = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
/** "818.9 × 5" when the seeds agree, else each seed's figure. */
const seeds = (xs: number[]) => (xs.every((x) => x === xs[0]) ? `${perSec(xs[0])} × ${xs.length}` : xs.map(perSec).join('; '));

export const QEMU_TABLES: FigureTable[] = [
  {
    id: 'qemu-emulatorpin',
    doc: 'docs/models/qemu-threads.md',
    async render(run: Runner) {
      const cells = await Promise.all(
        PINS.map(([pin]) =>
          Promise.all(
            SETTINGS.map(([set]) =>
              Promise.all(SEEDS.map((seed) => run<PlacementFigures>({ kind: 'placement', workspace: SEED_WS, seed, set, hours: HOURS, guest: 'A', placement: pin === undefined ? {} : { emulatorpin: pin } }))),
            ),
          ),
        ),
      );
      const head = ["guest A's emulator threads", ...SETTINGS.flatMap(([, name]) => [`${name}: host IPIs/s to A's vCPU CPUs`, "A's doorbell exits/s (run report)"])];
      const rows = PINS.map(([, name], p) => [
        name,
        ...SETTINGS.flatMap((_, w) => [seeds(cells[p][w].map((f) => f.hostIpisPerSec)), seeds(cells[p][w].map((f) => f.doorbellExitsPerSec))]),
      ]);
      return [
        `The seed scenario, seeds ${SEEDS[0]}–${SEEDS.at(-1)}, ${HOURS} h each, kernel barriers \`both\`; per second of simulated time.`,
        '',
        row(head),
        row(head.map(() => '---')),
        ...rows.map(row),
      ].join('\n');
    },
  },
];
