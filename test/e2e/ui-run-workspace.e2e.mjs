/* global document */
// A run belongs to its workspace (src-renderer/run/run-view.svelte.ts): another workspace shows
// its own last run or none, a run executing elsewhere is named as such, an edit dims the run's
// overlay ("results of the previous topology") and "Clear run results" takes it off; focus
// stays on the run button when Run becomes Pause.
import assert from 'node:assert/strict';
import { test } from './fixtures.mjs';
import { bridgeCall, ready } from './page-helpers.mjs';

const SEED = 'Seed with a run';
const OTHER = 'Devices, no run';

const bar = (page) => page.getByRole('toolbar', { name: 'Run' });
const timeText = (page) => bar(page).getByRole('status').textContent();
const open = async (page, name) => {
  await page.getByRole('list', { name: 'Workspace list' }).getByRole('button', { name, exact: true }).click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="current-workspace"]')?.textContent === n, name);
};
const waitState = (page, states, timeout = 90_000) =>
  page.waitForFunction((s) => s.includes(document.querySelector('[data-testid="run-progress"]')?.dataset.state), states, { timeout });

test.describe.configure({ mode: 'serial', timeout: 300_000 });

/** An edit of the topology: socket 1 selected, + Core. */
async function addCoreToSocket1(page) {
  await page.evaluate(() => {
    const cy = document.querySelector('[data-testid="topology-canvas"]').cy;
    cy.$(':selected').unselect();
    cy.getElementById('pkg:1').select();
  });
  await page.getByRole('button', { name: '+ Core', exact: true }).click();
}

test('run toolbar: disabled with a hint while no workspace is open', async ({ page, url }) => {
  await page.goto(url);
  await ready(page);
  // The first start opened the seed example: delete it, and no workspace is open.
  await page.waitForFunction(() => document.querySelector('[data-testid="current-workspace"]')?.textContent === 'seed-power9-ipi-whatif');
  const list = page.getByRole('list', { name: 'Workspace list' });
  await list.getByRole('button', { name: 'Delete seed-power9-ipi-whatif' }).click();
  await list.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByTestId('run-no-workspace').waitFor();
  assert.equal(await page.getByTestId('run-no-workspace').textContent(), 'Open or create a workspace to run it.');
  assert.equal(await bar(page).getByRole('button', { name: 'Run', exact: true }).isDisabled(), true);
  assert.equal(await bar(page).getByLabel('Duration').isDisabled(), true);
});

test("a finished run stays with its workspace: another workspace shows none, the first shows its own again; focus stays on the run button", async ({ page, shot, pageErrors }) => {
  for (const [name, builtin] of [
    [SEED, 'seed-power9-ipi'],
    [OTHER, 'devices-demo'],
  ]) {
    const r = await bridgeCall(page, 'workspaces.create', { name, builtin });
    assert.equal(r.ok, true, JSON.stringify(r.error));
  }
  await page.reload();
  await ready(page);
  await open(page, SEED);
  await bar(page).getByLabel('mb before set').uncheck();
  await bar(page).getByLabel('mb after clear').uncheck();
  await bar(page).getByLabel('Duration').fill('10m');
  await bar(page).getByLabel('Speed').selectOption({ label: '10 min/s' });
  const run = bar(page).getByRole('button', { name: 'Run', exact: true });
  await run.focus();
  await page.keyboard.press('Enter');
  await waitState(page, ['running', 'paused', 'finished']);
  // Run became Pause on the same button: the keyboard user is still on it.
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'run-main');
  await waitState(page, ['finished']);
  assert.match(await timeText(page), /^10:00 of 10:00 · finished/);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="run-overlay"]')?.dataset.cpus) === 128);
  // The live charts carry the run's grid samples (duration / 1000), as the stored run will.
  await page.getByRole('tab', { name: 'Charts' }).click();
  const charts = page.getByTestId('run-charts').first();
  assert.ok(Number(await charts.getAttribute('data-points')) >= 900, `live points: ${await charts.getAttribute('data-points')}`);
  // Several y ticks; whole-number ticks for the count of lost IPIs; a log scale for IPIs/s.
  const ticks = async (title) => JSON.parse((await charts.getByRole('img', { name: new RegExp(`^Chart: ${title}`) }).getAttribute('data-y-ticks')) ?? '[]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-charts"] .chart[data-y-ticks]').length >= 4);
  assert.ok((await ticks('Busy %')).length >= 3, JSON.stringify(await ticks('Busy %')));
  const lost = (await ticks('Lost IPIs')).filter((v) => v !== '');
  assert.ok(lost.length >= 2 && lost.every((v) => /^\d+$/.test(v)), JSON.stringify(lost));
  await page.getByTestId('ipi-log').check();
  await charts.getByRole('img', { name: 'Chart: IPIs/s (log scale)' }).waitFor();
  await shot('run-charts-ticks-log');
  await page.getByTestId('ipi-log').uncheck();
  await page.getByRole('tab', { name: 'Console' }).click();
  const seedLines = await page.locator('[data-testid="log-lines"] button.line').count();

  await open(page, OTHER);
  await page.waitForFunction(() => /not run yet/.test(document.querySelector('[data-testid="run-progress"]')?.textContent ?? ''));
  assert.equal(await page.getByTestId('run-counters').count(), 0, 'no counters of the other workspace');
  assert.equal(await page.locator('[data-testid="log-lines"] button.line').count(), 0, "the console shows none of the seed's lines");
  await page.waitForFunction(() => (document.querySelector('[data-testid="run-overlay"]')?.dataset.cpus ?? '0') === '0');
  await shot('run-workspace-switch-after-run');

  await open(page, SEED);
  await page.waitForFunction(() => /10:00 of 10:00 · finished/.test(document.querySelector('[data-testid="run-progress"]')?.textContent ?? ''));
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="run-overlay"]')?.dataset.cpus) === 128);
  assert.equal(await page.locator('[data-testid="log-lines"] button.line').count(), seedLines);
  assert.deepEqual(pageErrors, []);
});

test('an edit dims the overlay as results of the previous topology; Clear run results takes them off', async ({ page, shot }) => {
  assert.equal(await page.getByTestId('run-stale').count(), 0);
  await addCoreToSocket1(page);
  await page.getByTestId('run-stale').waitFor();
  assert.equal(await page.locator('[data-testid="run-overlay"]').getAttribute('data-dimmed'), 'true');
  // The progress line at its longest: no piece of it breaks inside ("65.7 / s", "Clear run / results"); one that
  // does not fit moves down whole.
  const linesOfPieces = () =>
    page.getByTestId('run-progress').evaluate((el) =>
      [...el.children]
        .filter((c) => c.tagName !== 'PROGRESS')
        .map((c) => {
          const r = document.createRange();
          r.selectNodeContents(c);
          return [c.textContent.trim(), new Set([...r.getClientRects()].map((q) => Math.round(q.top))).size];
        }),
    );
  for (const width of [1400, 1600, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [text, lines] of await linesOfPieces()) assert.equal(lines, 1, `at ${width} px “${text}” is on ${lines} lines`);
  }
  await page.setViewportSize({ width: 1400, height: 900 });
  await shot('run-overlay-previous-topology');
  await page.getByTestId('current-workspace').click();
  await page.keyboard.press('Control+z');
  await page.getByTestId('run-stale').waitFor({ state: 'detached' });
  assert.equal(await page.locator('[data-testid="run-overlay"]').getAttribute('data-dimmed'), 'false');
  await page.getByRole('button', { name: 'Clear run results' }).click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="run-overlay"]')?.dataset.cpus ?? '0') === '0');
  assert.match(await timeText(page), /not run yet/);
});

test('a run executing in another workspace shows as such there; after a reload a workspace shows its newest stored run', async ({ page, shot }) => {
  await bar(page).getByLabel('Duration').fill('20h');
  await bar(page).getByLabel('Speed').selectOption({ label: '10 min/s' });
  await bar(page).getByRole('button', { name: 'Run', exact: true }).click();
  await waitState(page, ['running']);
  const runId = await page.getByTestId('run-progress').getAttribute('data-run');
  await open(page, OTHER);
  const elsewhere = page.getByTestId('run-elsewhere');
  await elsewhere.waitFor();
  assert.match(await elsewhere.textContent(), new RegExp(`^Run #${runId} is running in “${SEED}”`));
  assert.equal(await bar(page).getByRole('button', { name: 'Run', exact: true }).isDisabled(), true, 'one run at a time');
  assert.match(await timeText(page), /not run yet/);
  await shot('run-elsewhere');
  await open(page, SEED);
  await bar(page).getByRole('button', { name: 'Stop' }).click();
  await waitState(page, ['cancelled', 'finished']);
  await page.reload();
  await ready(page);
  await page.waitForFunction((id) => document.querySelector('[data-testid="run-progress"]')?.dataset.run === id, runId);
  assert.match(await timeText(page), new RegExp(`(cancelled|finished) · run #${runId}`));
  assert.equal(await page.getByTestId('run-stale').count(), 0, 'the stored run ran on this topology');
  // Edited since the run (and saved), the reloaded workspace shows the stored run dimmed.
  await addCoreToSocket1(page);
  await page.getByTestId('run-stale').waitFor();
  await page.getByTestId('save-state').filter({ hasText: /^Saved$/ }).waitFor();
  await page.reload();
  await ready(page);
  await page.waitForFunction((id) => document.querySelector('[data-testid="run-progress"]')?.dataset.run === id, runId);
  await page.getByTestId('run-stale').waitFor();
  assert.equal(await page.locator('[data-testid="run-overlay"]').getAttribute('data-dimmed'), 'true');
  await shot('run-stored-previous-topology');
});
