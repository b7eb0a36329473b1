/**
 * The Electron security scan (Node only): `node test/reliability/electron-scan.mjs [OUT.txt]`.
 * Runs @doyensec/electronegativity 1.10.3 through its programmatic runner: its CLI does not start
 * here (it requires an undeclared `commander` and gets the project's commander 14, whose API it
 * cannot use). Scans the Electron main process, the preload and their built bundles (out/), with
 * the project's Electron version; prints one line per finding, severity first, and writes the
 * same to OUT (default test/reliability/electron-scan.txt). README "Reliability figures" says
 * what became of each high/medium finding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity/dist/runner.js');
const electronVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version;
const out = process.argv[2] ?? path.join(ROOT, 'test/reliability/electron-scan.txt');
// The global checks (navigation limits, CSP, permission handler) look across all files of one
// input, so the main process and the preload are scanned together: sources, then the build.
const sources = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-escan-'));
for (const d of ['src-main/electron', 'src-preload']) fs.cpSync(path.join(ROOT, d), path.join(sources, d), { recursive: true });
// The app's build only: out/ may also hold the benches' harness pages, which Electron never loads.
const built = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-escan-out-'));
for (const d of ['main', 'preload', 'renderer']) {
  const from = path.join(ROOT, 'out', d);
  if (fs.existsSync(from)) fs.cpSync(from, path.join(built, d), { recursive: true });
}
const inputs = [sources, built];

const lines = [`electronegativity 1.10.3, Electron ${electronVersion}; inputs: src-main/electron + src-preload, then out/{main,preload,renderer} (the build)`];
const rank = { HIGH: 0, MEDIUM: 1, LOW: 2, INFORMATIONAL: 3 };
for (const input of inputs) {
  const r = await run({ input, isRelative: true, electronVersionOverride: electronVersion, parserPlugins: [] });
  const rows = r.issues
    .filter((i) => !/\.test\.ts$/.test(i.file))
    .map((i) => ({ sev: i.severity.name, line: `${i.severity.name.padEnd(13)} ${i.confidence.name.padEnd(9)} ${i.id.padEnd(36)} ${i.file}:${i.location.line}${i.manualReview ? '  (manual review)' : ''}` }))
    .sort((a, b) => rank[a.sev] - rank[b.sev] || a.line.localeCompare(b.line));
  lines.push(`${input === sources ? 'sources' : 'out/'}: ${r.atomicChecks + r.globalChecks} checks, ${rows.length} findings${r.errors.length ? `, ${r.errors.length} files not parsed: ${r.errors.map((e) => `${path.relative(input, e.file)} (${e.message})`).join('; ')}` : ''}`);
  for (const row of rows) lines.push(`  ${row.line}`);
}
fs.rmSync(sources, { recursive: true, force: true });
fs.rmSync(built, { recursive: true, force: true });
fs.writeFileSync(out, lines.join('\n') + '\n');
console.log(lines.join('\n'));
