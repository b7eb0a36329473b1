/**
 * The fuzzing figure: `node --import tsx test/reliability/fuzz.ts [RUNS]` (default 10,000 per
 * importer and bridge requests). Prints accepted/refused counts and the slowest single input; exits 1 on a crash or
 * an imprecise error (the property throws with the shrunk counterexample).
 */
import { fuzzBridge } from './bridge-fuzz';
import { fuzzImporter, IMPORTERS, KNOWN_DEFECTS } from './fuzz-props';

const runs = Number(process.argv[2] ?? 10_000);
for (const which of IMPORTERS) {
  const t0 = performance.now();
  const r = fuzzImporter(which, runs, 20261122);
  console.log(`${which.padEnd(15)} ${runs} inputs: ${r.accepted} accepted, ${r.refused} refused with a precise error${r.knownDefects ? ` (${r.knownDefects} with a known imprecise message)` : ''}; slowest ${r.maxMs.toFixed(1)} ms; ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
{
  const t0 = performance.now();
  const b = await fuzzBridge(runs, 20261122);
  console.log(`bridge          ${runs} requests: all answered; ${b.ok} ok, refused ${JSON.stringify(b.refusedBy)}, none InternalError, none wrote on refusal; ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
for (const d of KNOWN_DEFECTS) console.log(`known defect: ${d.where}`);
