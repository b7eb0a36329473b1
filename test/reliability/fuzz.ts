/**
 * The fuzzing figure: `node --import tsx test/reliability/fuzz.ts [RUNS] [--doc]` (default 10,000
 * per importer and bridge requests). Prints accepted/refused counts, the slowest single input
 * and the process's peak RSS; exits 1 on a crash or an imprecise error (the property throws with
 * the shrunk counterexample).
 */
import { fuzzBridge } from './bridge-fuzz';
import { args, report } from './doc';
import { fuzzImporter, IMPORTERS, KNOWN_DEFECTS } from './fuzz-props';

const runs = Number(args[0] ?? 10_000);
const lines: string[] = [];
let slowest = 0;
const t00 = performance.now();
for (const which of IMPORTERS) {
  const t0 = performance.now();
  const r = fuzzImporter(which, runs, 20261122);
  slowest = Math.max(slowest, r.maxMs);
  lines.push(`  ${which}: ${runs.toLocaleString('en')} inputs, ${r.accepted.toLocaleString('en')} accepted, ${r.refused.toLocaleString('en')} refused with a precise error${r.knownDefects ? ` (${r.knownDefects} with a known imprecise message)` : ''}; slowest ${r.maxMs.toFixed(0)} ms; ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(lines[lines.length - 1]);
}
const t0 = performance.now();
const b = await fuzzBridge(runs, 20261122);
lines.push(
  `  bridge requests (every method with random or malformed arguments, unknown methods, non-objects, valid requests with one field made hostile): ${runs.toLocaleString('en')} all answered; ${b.ok} ok, refused ${Object.entries(b.refusedBy).map(([k, n]) => `${n.toLocaleString('en')} × ${k}`).join(', ')}; none InternalError, none wrote on refusal; ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
report('fuzz', [
  `\`fuzz.ts ${runs}\` (fast-check, seed 20261122), ${IMPORTERS.length} importers and the bridge, ${((IMPORTERS.length + 1) * runs).toLocaleString('en')} inputs in ${((performance.now() - t00) / 1000).toFixed(0)} s: **0 crashes**, no internal TypeError/RangeError, every refusal a precise message; slowest single importer input ${slowest.toFixed(0)} ms; peak RSS of the process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  ...lines,
  ...KNOWN_DEFECTS.map((d) => `known defect: ${d.where}`),
]);
