/**
 * `npm run bench [-- --json FILE] [-- --only NAME,...] [-- --docs]`: every benchmark module, one
 * line each below; `--docs` also writes each module's figures into the docs that hold its
 * `<!-- bench:NAME -->` markers (docs.ts). A module is a function returning `Metric[]` or a
 * `{name: value}` record (unit taken from the name's suffix: _ms, _s, _per_s, events_per_s, _mb).
 * Add yours as bench/<area>.ts and register it in BENCHES with one line.
 */
import fs from 'node:fs';
import os from 'node:os';
import { writeBenchDocs } from './docs';
import { toMetrics, type Metric } from './metric';
import { benchPhold } from './phold';
import { benchSeed } from './seed';
import { benchExplore } from './explore';
import { benchAie } from './aie';
import { benchDmabuf } from './dmabuf';
import { benchMhi } from './mhi';
import { benchTopology, benchTopologyFirstPaint } from './topology';
import { benchCli } from './cli';
import { benchSweep } from './sweep';

const BENCHES: { name: string; run: () => Metric[] | Record<string, number> | Promise<Metric[] | Record<string, number>> }[] = [
  { name: 'phold', run: benchPhold },
  { name: 'seed', run: () => benchSeed(20) },
  { name: 'explore', run: benchExplore },
  { name: 'aie', run: benchAie },
  { name: 'dmabuf', run: benchDmabuf },
  { name: 'mhi', run: benchMhi },
  { name: 'topology-first-paint', run: benchTopologyFirstPaint },
  { name: 'topology', run: benchTopology },
  { name: 'cli', run: benchCli },
  { name: 'sweep', run: benchSweep },
];

const args = process.argv.slice(2);
const opt = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const jsonFile = opt('--json');
const only = opt('--only')?.split(',');
const docs = args.includes('--docs');
if (args.includes('--json') && !jsonFile) throw new Error('--json: expected a file name');
const unknown = only?.filter((n) => !BENCHES.some((b) => b.name === n));
if (unknown?.length) throw new Error(`--only: no benchmark named ${unknown.join(', ')} (have: ${BENCHES.map((b) => b.name).join(', ')})`);

const all: Metric[] = [];
for (const b of BENCHES) {
  if (only && !only.includes(b.name)) continue;
  const loadBefore = os.loadavg();
  const metrics = toMetrics(await b.run());
  for (const m of metrics) console.log(`${m.name.padEnd(44)} ${String(m.value).padStart(14)} ${m.unit}`);
  if (docs) for (const f of writeBenchDocs(b.name, metrics, loadBefore, os.loadavg())) console.log(`(${b.name}: figures written to ${f})`);
  all.push(...metrics);
}
if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify(all, null, 2) + '\n');
