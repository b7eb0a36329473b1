/**
 * The figures in docs/reliability.md are what these scripts print: with `--doc`, a script
 * writes its result block between `<!-- measured:ID -->` … `<!-- /measured:ID -->` in that
 * file, under a line that says when, at what load and on which commit it was measured.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/reliability.md');

/** The script's positional arguments (without `--doc`). */
export const args = process.argv.slice(2).filter((a) => a !== '--doc');
const toDoc = process.argv.includes('--doc');
const loadAtStart = os.loadavg();

const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');

/** Prints the lines; with --doc also writes them (as a list; a line indented by two spaces nests under the one before) into docs/reliability.md under `id`. */
export function report(id: string, lines: string[]): void {
  for (const l of lines) console.log(l);
  if (!toDoc) return;
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: path.dirname(DOC), encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout: say so in the line
  }
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const body = [
    `Measured ${when} UTC on commit ${commit}, ${os.availableParallelism()} CPUs, load average (1/5/15 min) ${load(loadAtStart)} at the start and ${load(os.loadavg())} at the end:`,
    '',
    ...lines.map((l) => (l.startsWith('  ') ? `  - ${l.trim()}` : `- ${l}`)),
  ].join('\n');
  const doc = fs.readFileSync(DOC, 'utf8');
  const open = `<!-- measured:${id} -->`;
  const close = `<!-- /measured:${id} -->`;
  const a = doc.indexOf(open);
  const b = doc.indexOf(close);
  if (a < 0 || b < a) throw new Error(`${DOC}: no '${open}' … '${close}' markers`);
  fs.writeFileSync(DOC, `${doc.slice(0, a + open.length)}\n${body}\n${doc.slice(b)}`);
}

/** Peak resident memory of another process (VmHWM), MiB; NaN once it is gone. */
export function peakRssMiB(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
