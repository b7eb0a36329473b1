/**
 * Every model table in docs/, as code: what runs it needs and how it prints. `index.ts` writes
 * each between `<!-- figures:ID -->` and `<!-- /figures:ID -->` in its doc file. Prose around
 * the markers explains the figures; the figures themselves come only from here.
 */
import { linkBytesPerNs, PCIE_GENS } from '../../src-main/engine/mhi/pcie';
import { PARAMS } from '../../src-main/engine/params';
import type { FigureJob, Figures, LoopbackFigures, RunFigures } from './task';
import { IPI_TABLES } from './ipi-tables';
import { MEMORY_MODEL_TABLES } from './memory-model-tables';
import { QEMU_TABLES } from './qemu-tables';

/** Runs a job on the pool (each distinct job once). */
export type Runner = <T extends Figures>(job: FigureJob) => Promise<T>;

export interface FigureTable {
  id: string;
  /** The doc file, from the repository root. */
  doc: string;
  render(run: Runner): Promise<string>;
}

const SEEDS = [1, 2, 3, 4, 5];
const SEED_WS = 'builtin:seed-power9-ipi';
const HOURS = 20;

const n0 = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const n1 = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: string[][]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

/** "1, 4, 5, 1, 1 (12)", or "0 × 5 (0)" when all are zero (`total` false: no total). */
function perSeed(values: number[], fmt: (x: number) => string, sep: string, total = true): string {
  const sum = values.reduce((a, b) => a + b, 0);
  const tail = total ? ` (${fmt(sum)})` : '';
  if (values.every((v) => v === 0)) return `${fmt(0)} × ${values.length}${tail}`;
  return values.map(fmt).join(sep) + tail;
}

/** First soft lockups in whole simulated seconds ("—" = none) and their median over the seeds. */
function firstLockups(values: (number | null)[], sep: string): string {
  if (values.every((v) => v === null)) return `— × ${values.length}`;
  const list = values.map((v) => (v === null ? '—' : String(Math.round(v)))).join(sep);
  const sorted = values.map((v) => v ?? Infinity).sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  const m = median === Infinity ? `median > ${HOURS} h` : `median ${Math.round(median)} s (${(median / 3600).toFixed(1)} h)`;
  return `${list} — ${m}`;
}

const seedRun = (set: Record<string, string>, seed: number): FigureJob => ({ kind: 'run', workspace: SEED_WS, seed, set: { 'kernel.barriers': 'none', ...set }, hours: HOURS });

export const TABLES: FigureTable[] = [
  ...IPI_TABLES,
  ...MEMORY_MODEL_TABLES,
  ...QEMU_TABLES,
  {
    id: 'ipi-scenarios',
    doc: 'docs/models/ipi.md',
    async render(run) {
      const scenarios: [string, Record<string, string>][] = [
        ['(a) default', {}],
        ['(b) KSM and THP off: `host.ksm.run=false host.thp.enabled=never`', { 'host.ksm.run': 'false', 'host.thp.enabled': 'never' }],
        ['(c) guests idle: `workloads.A=none workloads.B=none`', { 'workloads.A': 'none', 'workloads.B': 'none' }],
        ['KSM off only: `host.ksm.run=false`', { 'host.ksm.run': 'false' }],
      ];
      const rows = await Promise.all(
        scenarios.map(async ([name, set]) => {
          const rs = await Promise.all(SEEDS.map((s) => run<RunFigures>(seedRun(set, s))));
          return [
            name,
            perSeed(rs.map((r) => r.broadcasts), n0, ' · '),
            perSeed(rs.map((r) => r.ipisSent / 1e6), n1, ' · '),
            perSeed(rs.map((r) => r.lostIpis), n0, ' · '),
            firstLockups(rs.map((r) => r.firstSoftLockup), ' · '),
          ];
        }),
      );
      return table(['scenario (`--set`)', `broadcasts, seeds ${SEEDS[0]}–${SEEDS.at(-1)} (total)`, 'IPIs sent, millions (total)', 'lost IPIs (total)', 'first soft lockup'], rows);
    },
  },
  {
    id: 'mhi-link',
    doc: 'docs/models/mhi.md',
    async render() {
      const mps = PARAMS.def('mhi.pcie.maxPayloadBytes')!.default as number;
      const ovh = PARAMS.def('mhi.pcie.tlpOverheadBytes')!.default as number;
      const rows = Object.entries(PCIE_GENS).map(([gen, g]) => [
        gen,
        `${g.gtPerS} GT/s`,
        g.encoding,
        (mps / (mps + ovh)).toFixed(3),
        `${Math.round(linkBytesPerNs(Number(gen), 1, mps, ovh) * 1000)} MB/s`,
      ]);
      return table(['gen', 'rate/lane', 'encoding', `× MPS ${mps} / (${mps} + ${ovh} B TLP overhead)`, 'x1 data rate'], rows);
    },
  },
  {
    id: 'mhi-throughput',
    doc: 'docs/models/mhi.md',
    async render(run) {
      const mtus = [512, 1024, 2048, 4096, 16384, 65535];
      const rings = [4, 8, 16, 32, 64, 128, 256];
      const broken: string[] = [];
      const rows = await Promise.all(
        mtus.map(async (mtu) => {
          const rs = await Promise.all(rings.map((ring) => run<LoopbackFigures>({ kind: 'loopback', bytes: 16 * 1024 * 1024, mtu, ring, seed: 1, pcieGen: 3, pcieWidth: 1 })));
          rs.forEach((r, i) => r.intact || broken.push(`MTU ${mtu} ring ${rings[i]}`));
          return [mtu === 4096 ? '4096 (seed)' : String(mtu), ...rs.map((r) => String(Math.round(r.throughputMBps)))];
        }),
      );
      const note = broken.length ? `Not read back intact: ${broken.join(', ')}.` : 'Every run read back all 16 MiB byte-identical.';
      return `${table(['MTU \\ ring', ...rings.map(String)], rows)}\n\n${note}`;
    },
  },
  {
    id: 'mhi-throughput-links',
    doc: 'docs/models/mhi.md',
    async render(run) {
      const links: [number, number][] = [[1, 1], [2, 1], [3, 1], [4, 1], [5, 1], [4, 4]];
      const rs = await Promise.all(links.map(([pcieGen, pcieWidth]) => run<LoopbackFigures>({ kind: 'loopback', bytes: 16 * 1024 * 1024, mtu: 4096, ring: 32, seed: 1, pcieGen, pcieWidth })));
      return table(['link', ...links.map(([g, w]) => `Gen${g} x${w}`)], [['MB/s', ...rs.map((r) => String(Math.round(r.throughputMBps)))]]);
    },
  },
];
