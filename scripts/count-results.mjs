// Sums the JSON results every test step writes into test-results/ (vitest's, and
// @playwright/test's for e2e) and prints the closing
// line CI recognises: `N passed, N failed`.
import fs from 'node:fs';
import path from 'node:path';

const dir = 'test-results';
let passed = 0;
let failed = 0;
for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!f.endsWith('.json')) continue;
  try {
    const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    if (r.stats && 'expected' in r.stats) {
      // @playwright/test's JSON reporter (the e2e step): skipped tests are neither.
      passed += r.stats.expected + (r.stats.flaky ?? 0);
      failed += r.stats.unexpected + (r.errors?.length && !r.stats.unexpected ? 1 : 0);
      continue;
    }
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0) + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0);
  } catch {
    failed++;
  }
}
console.log(`${passed} passed, ${failed} failed`);
