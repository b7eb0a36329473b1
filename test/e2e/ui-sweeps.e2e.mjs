/* global document -- functions passed to page.waitForFunction run in the page */
// The Sweeps tab (src-renderer/sweeps): a small sweep of the what-if workspace started from the
// tab (seeds 1–2 × kernel.barriers none/both × 20 simulated hours, each run stopped at its
// first soft lockup — with the what-if's long store stalls the unfixed kernel locks up within
// minutes, the fixed one never: docs/models/ipi.md), its progress to the end, the
// per-configuration table, the Kaplan–Meier curves, and a lockup marker clicked to open that
// run in Console and Runs.
import AxeBuilder from '@axe-core/playwright';
import { test } from './fixtures.mjs';
import assert from 'node:assert/strict';
import { openNewWorkspace, ready } from './page-helpers.mjs';

const NAME = 'Sweeps e2e';

// A sweep of four runs takes minutes on a loaded machine.
test.describe.configure({ mode: 'serial', timeout: 600_000 });
test('sweeps: a sweep started from the tab finishes with intervals and curves; a marker opens its run', async ({ page, url, shot, pageErrors }) => {
  await page.goto(url);
  await ready(page);
  await openNewWorkspace(page, NAME, 'seed-power9-ipi-whatif');

  await page.getByRole('tab', { name: 'Sweeps' }).click();
  const tab = page.getByTestId('sweeps-tab');
  await tab.getByText('No sweeps of this workspace yet.').waitFor();
  await page.getByTestId('sweep-seeds').fill('1..2');
  assert.equal(await page.getByTestId('sweep-duration').inputValue(), '20h');
  await page.getByTestId('sweep-until').check();
  assert.equal(await page.getByTestId('sweep-axis-key').inputValue(), 'kernel.barriers');
  await page.getByTestId('sweep-axis-values').fill('none,both');
  // A value the registry refuses is named, and nothing starts.
  await page.getByTestId('sweep-axis-values').fill('none,sometimes');
  await page.getByTestId('sweep-start').click();
  await tab.getByRole('alert').filter({ hasText: 'sweeps.start.vary kernel.barriers=sometimes: kernel.barriers: expected one of none, set, clear, both, got "sometimes"' }).waitFor();
  await page.getByTestId('sweep-axis-values').fill('none,both');
  await page.getByTestId('sweep-start').click();
  await page.getByTestId('sweep-stop').waitFor();
  await shot('sweeps-running');
  await page.waitForFunction(() => /sweep #\d+ finished: 4 of 4 runs/.test(document.querySelector('[data-testid="sweep-progress"]')?.textContent ?? ''), null, { timeout: 180_000 });

  const rows = page.getByTestId('sweep-table').locator('tbody tr');
  await page.waitForFunction(() => document.querySelector('[data-testid="sweep-detail"] h3')?.textContent?.includes('4/4 runs'));
  assert.equal(await rows.count(), 2);
  const cells = async (i) => (await rows.nth(i).locator('td').allTextContents()).map((t) => t.trim());
  const none = await cells(0);
  const both = await cells(1);
  // Both unfixed runs lock up (Wilson 95 % for 2 of 2), neither fixed one does (0 of 2).
  assert.deepEqual(none.slice(1, 5), ['kernel.barriers=none', '2', '2', '1.000 [0.342, 1.000]']);
  assert.deepEqual(both.slice(1, 5), ['kernel.barriers=both', '2', '0', '0.000 [0.000, 0.658]']);
  assert.match(none[6], /^[\d.]+(s|m|h) \([\d.]+(s|m|h)–[\d.]+(s|m|h)\)$/);
  assert.equal(both[6], '—');

  // One curve per configuration; the unfixed kernel's steps down at each run's first soft lockup.
  const chart = page.getByTestId('sweep-survival');
  assert.equal(await chart.locator('path.curve').count(), 2);
  const lockups = chart.locator('g.marker.lockup');
  assert.equal(await lockups.count(), 2);
  assert.equal(await chart.locator('g.marker.censored').count(), 2);
  // Lockups minutes apart in 20 h runs: time on a log axis by default, linear on request.
  await chart.getByText('simulated time (log scale)').waitFor();
  await page.getByTestId('sweep-log-time').uncheck();
  await chart.getByText('simulated time', { exact: true }).waitFor();
  await page.getByTestId('sweep-log-time').check();
  await chart.scrollIntoViewIfNeeded();
  await shot('sweeps-curves');
  // Hiding a configuration hides its curve.
  await page.getByLabel('Show the curve of kernel.barriers=both').uncheck();
  assert.equal(await chart.locator('path.curve').count(), 1);
  await page.getByLabel('Show the curve of kernel.barriers=both').check();

  const label = await lockups.first().getAttribute('aria-label');
  const [, runText, seed] = /^kernel\.barriers=none: run #(\d+), seed (\d+): first soft lockup at [\d.]+(?:s|m|h)$/.exec(label) ?? [];
  assert.ok(runText, label);
  const runId = Number(runText);
  await lockups.first().focus();
  await page.keyboard.press('Enter');
  await page
    .getByTestId('sweep-opened-run')
    .filter({ hasText: new RegExp(`^Run #${runId} \\(seed ${seed}, first soft lockup at [\\d.]+ s\\) is open in Console and Charts\\.$`) })
    .waitFor();

  // The run opened like a run of the Runs tab: its kernel log in Console, highlighted in Runs.
  await page.getByRole('tab', { name: 'Console' }).click();
  await page.getByTestId('run-console').getByText(/watchdog: BUG: soft lockup - CPU#\d+ stuck for \d+s!/).first().waitFor();
  await page.getByRole('tab', { name: 'Runs' }).click();
  await page.getByTestId('runs-table').locator('tr.open').filter({ hasText: `#${runId}` }).waitFor();
  await shot('sweeps-run-opened');

  await page.getByRole('tab', { name: 'Sweeps' }).click();
  const axe = await new AxeBuilder({ page }).include('[data-testid="sweeps-tab"]').analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), []);
  assert.deepEqual(pageErrors, []);
});
