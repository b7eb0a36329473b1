#!/usr/bin/env node
// `twb`: runs the CLI built with the app (`npm run build` → out/main/cli.js). A checkout whose
// build is missing or older than its sources is built first, with a progress line
// (scripts/ensure-built.mjs), so `twb` always runs what the sources say.
//
// `twb --version` alone is answered here, from package.json, before the build check and the
// CLI framework load (together about twice what printing the version costs; target ≤ 150 ms
// with node itself ~130 ms, docs/benchmarks.md): the answer does not depend on the build, and
// the CLI reads the same field (cli/program.ts; cli/main.test.ts checks both agree).
import fs from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const { ensureBuilt } = await import('../scripts/ensure-built.mjs');
  ensureBuilt('twb');
  await import(new URL('../out/main/cli.js', import.meta.url).href);
}
