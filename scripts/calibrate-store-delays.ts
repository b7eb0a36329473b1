/**
 * `node --import tsx scripts/calibrate-store-delays.ts [runs] [maxEvals] [skewNs]`: fits the handshake
 * timing to the herding-cats hardware counts (src-main/engine/ipi/calibration.ts) and prints the
 * fitted values, which go into the defaults of the ipi.* timing parameters, and the table of
 * modelled vs observed frequencies for docs/models/ipi.md. Minutes of CPU; run it by hand after
 * changing the timed driver or the memory model.
 */
import { compare, FIT_KEYS, FITTED_TESTS, misfit, nelderMead, pointOf } from '../src-main/engine/ipi/calibration';
import { HARDWARE_COUNTS } from '../src-main/engine/ipi/hardware-counts';
import { resolveParams } from '../src-main/engine/params';

const runs = Number(process.argv[2] ?? 20000);
const maxEvals = Number(process.argv[3] ?? 150);
const fitted = HARDWARE_COUNTS.filter((c) => (FITTED_TESTS as readonly string[]).includes(c.test));
// Start from the current defaults (and the harness skew the last fit found).
const p0 = resolveParams({});
const x0 = [p0.get('ipi.store_stall_fraction'), Number(process.argv[4] ?? 89), p0.get('ipi.sync_ns'), p0.get('ipi.lwsync_ns'), p0.get('ipi.load_ns')].map(Math.log);
const best = nelderMead((x) => misfit(compare(pointOf(x), runs, 1, fitted)), x0, 0.3, maxEvals, (x, fx, n) => {
  if (n % 10 === 0) console.error(`eval ${n}: misfit ${fx.toFixed(3)} ${FIT_KEYS.map((k, i) => `${k}=${Math.exp(x[i]).toPrecision(3)}`).join(' ')}`);
});
const p = pointOf(best.x);
console.log(JSON.stringify({ misfit: best.fx, ...p }, null, 2));
console.log('| test | hardware: positive / runs | observed | modelled | ratio |\n| --- | --- | --- | --- | --- |');
for (const r of compare(p, runs * 5, 2)) {
  const c = HARDWARE_COUNTS.find((h) => h.test === r.test)!;
  const fit = (FITTED_TESTS as readonly string[]).includes(r.test) ? '' : ' (not fitted)';
  console.log(`| ${r.test}${fit} | ${c.positive.toLocaleString('en')} / ${(c.positive + c.negative).toLocaleString('en')} | ${r.observed.toExponential(2)} | ${r.modelled.toExponential(2)} | ${r.observed > 0 ? (r.modelled / r.observed).toFixed(2) : '—'} |`);
}
