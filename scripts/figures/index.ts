/**
 * `npm run figures`: regenerates every model table in docs/ (tables.ts) between its
 * `<!-- figures:ID -->` … `<!-- /figures:ID -->` markers, the golden figures
 * (test/unit/goldens.json, goldens.ts) and the generated source files (generated-files.ts: the
 * fabric's pair verdicts) — one command after a model change; review the diff.
 * `npm run figures -- --check` (part of `npm test`) changes nothing and fails if the committed
 * goldens, generated files or docs differ from what the code gives, leaving out the tables marked `full` (the
 * costly ones); `--check --full` (`npm run figures:check:full`) compares those too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { GENERATED_FILES } from './generated-files';
import { computeGoldens } from './goldens';
import { TABLES, type Runner } from './tables';
import type { FigureJob, Figures } from './task';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const GOLDENS_FILE = path.join(ROOT, 'test/unit/goldens.json');
const check = process.argv.includes('--check');
/** Every table (writing always renders all of them; a check only with --full). */
const full = !check || process.argv.includes('--full');

/** Replaces the text between the markers of `id`; throws if the doc lacks them. */
export function replaceBetweenMarkers(doc: string, id: string, body: string, file: string): string {
  const open = `<!-- figures:${id} -->`;
  const close = `<!-- /figures:${id} -->`;
  const a = doc.indexOf(open);
  const b = doc.indexOf(close);
  if (a < 0 || b < a) throw new Error(`${file}: no '${open}' … '${close}' markers for table ${id}`);
  return `${doc.slice(0, a + open.length)}\n${body}\n${doc.slice(b)}`;
}

async function main(): Promise<number> {
  const t0 = performance.now();
  const tables = TABLES.filter((t) => full || !t.full);
  const pool = new Piscina({ filename: new URL('./task-boot.mjs', import.meta.url).href, maxThreads: Math.max(1, os.availableParallelism()) });
  const cache = new Map<string, Promise<Figures>>();
  const run: Runner = <T extends Figures>(job: FigureJob) => {
    const key = JSON.stringify(job);
    if (!cache.has(key)) cache.set(key, pool.run(job));
    return cache.get(key)! as Promise<T>;
  };
  let bodies: string[];
  let generated: string[];
  try {
    [bodies, generated] = await Promise.all([Promise.all(tables.map((t) => t.render(run))), Promise.all(GENERATED_FILES.map((g) => g.render(run)))]);
  } finally {
    await pool.destroy();
  }

  const stale: string[] = [];
  const docs = new Map<string, string>();
  tables.forEach((t, i) => {
    const file = path.join(ROOT, t.doc);
    const before = docs.get(file) ?? fs.readFileSync(file, 'utf8');
    const after = replaceBetweenMarkers(before, t.id, bodies[i], t.doc);
    if (after !== before) stale.push(`${t.doc} (${t.id})`);
    docs.set(file, after);
  });
  GENERATED_FILES.forEach((g, i) => {
    const file = path.join(ROOT, g.file);
    if ((fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '') !== generated[i]) stale.push(g.file);
    docs.set(file, generated[i]);
  });
  const goldens = `${JSON.stringify(computeGoldens(), null, 2)}\n`;
  const goldensBefore = fs.existsSync(GOLDENS_FILE) ? fs.readFileSync(GOLDENS_FILE, 'utf8') : '';
  if (goldens !== goldensBefore) stale.push(path.relative(ROOT, GOLDENS_FILE));

  const took = `${((performance.now() - t0) / 1000).toFixed(1)} s, ${cache.size} simulations`;
  if (check) {
    if (stale.length === 0) {
      console.log(`figures: docs, goldens and generated files match the code (${took}${full ? '' : `; ${TABLES.length - tables.length} costly tables left to figures:check:full`})`);
      return 0;
    }
    console.error(`figures: these differ from what the code gives — run \`npm run figures\` and review the diff:\n  ${stale.join('\n  ')}`);
    return 1;
  }
  for (const [file, text] of docs) fs.writeFileSync(file, text);
  fs.writeFileSync(GOLDENS_FILE, goldens);
  console.log(stale.length ? `figures: updated\n  ${stale.join('\n  ')}\n(${took})` : `figures: nothing changed (${took})`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main();
