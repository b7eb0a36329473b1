/**
 * `npm run bench -- --docs`: a benchmark's measured figures written into the docs, between
 * `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` (NAME as in BENCHES), with when, on which
 * commit, how many cores and the machine's load — the figures in docs are the bench's output,
 * never typed by hand.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Metric } from './metric';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The doc files holding NAME's markers. */
function docsWith(name: string): string[] {
  const dir = path.join(ROOT, 'docs');
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(dir, f))
    .filter((f) => fs.readFileSync(f, 'utf8').includes(`<!-- bench:${name} -->`));
}

/** The engine measured: the last commit that changed src-main/engine (it survives rebases), and whether it is edited. */
function engineCommit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }).trim();
    const [hash, date] = git('log', '-1', '--format=%h %cd', '--date=format-local:%Y-%m-%d %H:%M', '--', 'src-main/engine').split(/ (.*)/);
    const edited = git('status', '--porcelain', '--', 'src-main/engine') !== '';
    return `commit \`${hash}\` of ${date} UTC${edited ? ' with local changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

const load = (l: number[]) => l.map((v) => v.toFixed(1)).join(', ');

export function renderBlock(name: string, metrics: Metric[], loadBefore: number[], loadAfter: number[], at = new Date()): string {
  const when = at.toISOString().slice(0, 16).replace('T', ' ');
  const rows = metrics.map((m) => `| \`${m.name}\` | ${m.value} | ${m.unit} |`);
  return [
    `Measured by \`npm run bench -- --only ${name} --docs\` on ${when} UTC; engine as of ${engineCommit()}; ${os.availableParallelism()} cores, Node ${process.versions.node};`,
    `load average (1, 5, 15 min) ${load(loadBefore)} at the start and ${load(loadAfter)} at the end.`,
    '',
    '| figure | value | unit |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Replaces the block of every doc that has NAME's markers; returns the files written. */
export function writeBenchDocs(name: string, metrics: Metric[], loadBefore: number[], loadAfter: number[]): string[] {
  const files = docsWith(name);
  const block = renderBlock(name, metrics, loadBefore, loadAfter);
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    const open = `<!-- bench:${name} -->`;
    const close = `<!-- /bench:${name} -->`;
    const a = text.indexOf(open);
    const b = text.indexOf(close);
    if (b < a) throw new Error(`${path.relative(ROOT, f)}: ${open} has no ${close} after it`);
    fs.writeFileSync(f, `${text.slice(0, a + open.length)}\n${block}\n${text.slice(b)}`);
  }
  return files.map((f) => path.relative(ROOT, f));
}
