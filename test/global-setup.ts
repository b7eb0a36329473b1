// vitest globalSetup: the CLI tests (src-main/cli/**/*.test.ts) run the built `twb` (bin/twb.js →
// out/main/cli.js), so when the run includes any of them, build it first if it is missing or
// older than the sources — once, before the test files start, rather than inside a test's
// timeout. A run filtered to other files (`npx vitest run src-main/engine/…`) does not build.
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuilt } from '../scripts/ensure-built.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The CLI test files, relative to the root (vitest matches its filters against these paths). */
function cliTests(): string[] {
  const dir = path.join(ROOT, 'src-main/cli');
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.test.ts')).map((f) => path.join('src-main/cli', f));
}

/** Positional arguments of `vitest [run] [filters…]`: path filters (an option's separate value may land here too; at worst that builds). */
function filters(): string[] {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'run' && a !== 'watch');
  return args.map((a) => (fs.existsSync(a) ? path.relative(ROOT, path.resolve(a)) : a));
}

export default function setup(): void {
  const f = filters();
  if (f.length > 0 && !cliTests().some((t) => f.some((x) => t.includes(x)))) return;
  ensureBuilt('vitest');
}
