/* global document, getComputedStyle, createImageBitmap -- functions passed to page.evaluate/waitForFunction run in the page */
// The live run view's end-to-end checks (src-renderer/run), run in order in one page (fixtures.mjs): the seed
// what-if workspace (the seed's configuration with long store stalls and host wakeups onto vCPU CPUs, params in
// resources/workspaces/seed-power9-ipi-whatif.json) created through the bridge, a run of the unfixed kernel
// (kernel.barriers=none)
// with progress, console lines and charts until a lockup shows, its console line clicked,
// the drawing exported as PNG and SVG with the run overlay on it, then the Runs tab with a
// second (fixed) run and the two compared side by side.
import { test } from './fixtures.mjs';
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openNewWorkspace, ready } from './page-helpers.mjs';

const NAME = 'Run view e2e';

const progressState = (page) => page.locator('[data-testid="run-progress"]').getAttribute('data-state');
const waitState = (page, states, timeout = 60_000) =>
  // Polled on a timer, not per animation frame: the state is an attribute, and a page busy
  // redrawing charts on a loaded machine may give few frames.
  page.waitForFunction((s) => s.includes(document.querySelector('[data-testid="run-progress"]')?.dataset.state), states, { timeout, polling: 250 });

// Stop the run if it still runs. It may finish between the look and the click on a slow machine, and
// Stop is then disabled: the click gives up after 5 s and the caller waits for the final state anyway.
const stopIfRunning = async (page) => {
  if (!['running', 'paused'].includes(await progressState(page))) return;
  await page.getByRole('toolbar', { name: 'Run' }).getByRole('button', { name: 'Stop' }).click({ timeout: 5_000 }).catch(() => {});
};

// Runs of the simulated kernel take minutes on a loaded machine.
test.describe.configure({ mode: 'serial', timeout: 300_000 });
test('run view: the seed workspace runs with the unfixed kernel; progress, console lines and charts show', async ({ page, url, shot, pageErrors }) => {
  await page.goto(url);
  await ready(page);
  // With the calibrated defaults the seed scenario loses no IPI in 20 h (docs/models/ipi.md): the what-if does.
  await openNewWorkspace(page, NAME, 'seed-power9-ipi-whatif');

  const bar = page.getByRole('toolbar', { name: 'Run' });
  await bar.waitFor();
  await bar.getByLabel('mb before set').uncheck();
  await bar.getByLabel('mb after clear').uncheck();
  assert.equal(await page.getByTestId('run-variant').textContent(), 'none (unfixed)');
  // The first lockup of seed 1 comes minutes into the run: simulate up to 20 h at full speed.
  await bar.getByLabel('Duration').fill('20h');
  await bar.getByLabel('Seed').fill('1');
  await bar.getByLabel('Seed').dispatchEvent('change');
  await bar.getByRole('button', { name: 'Run', exact: true }).click();
  await waitState(page, ['running', 'paused', 'finished'], 20_000);
  assert.match(await bar.getByRole('status').textContent(), /of 20:00:00/);
  await shot('run-progress');

  // The unfixed kernel loses an IPI and locks up; at max speed the 20 h run ends within a minute. (No Pause: a
  // run that ends just before the click would make it a click on Run — the toolbar ignores that for 0.5 s, but
  // a slow machine can take longer between the look and the click.)
  await waitState(page, ['finished'], 150_000);
  assert.match((await page.getByTestId('run-counters').textContent()).replace(/\s+/g, ' ').trim(), /· (1 lockup|[2-9] lockups|[1-9]\d+ lockups)$/);
  // Console lines arrive as the kernel prints them.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="log-lines"] button.line').length > 0, null, { timeout: 30_000 });
  await page.waitForTimeout(300);
  await shot('run-lockup-drawing');

  await page.getByRole('tab', { name: 'Charts' }).click();
  const charts = page.getByTestId('run-charts').first();
  await charts.locator('canvas').first().waitFor();
  assert.ok(Number(await charts.getAttribute('data-points')) > 1, 'the charts have points');
  assert.equal(await charts.getByRole('img').count(), 4);
  await shot('run-charts');
  assert.deepEqual(pageErrors, []);
});

test('run view: a soft-lockup console line jumps to its time and CPU', async ({ page, shot, pageErrors }) => {
  await page.getByRole('tab', { name: 'Console' }).click();
  const log = page.getByTestId('run-console');
  // The whole log is there to scroll through (windowed: only the lines in view are in the DOM).
  const list = log.getByTestId('log-lines');
  const total = Number(await list.getAttribute('data-count'));
  assert.ok(total > 400, `a long log: ${total} lines`);
  assert.ok((await list.locator('li').count()) < 200, 'only the lines in view are rendered');
  await list.evaluate((el) => (el.scrollTop = 0));
  await list.locator('li[aria-posinset="1"]').waitFor();
  assert.match(await list.locator('li[aria-posinset="1"]').textContent(), /^\[\s*\d+\.\d{6}\]/);
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await list.locator(`li[aria-posinset="${total}"]`).waitFor();
  await log.getByRole('radio', { name: 'soft lockup' }).check();
  const line = log.locator('button.line', { hasText: 'soft lockup - CPU#' }).first();
  await line.waitFor();
  const text = await line.textContent();
  const cpu = Number(/CPU#(\d+)/.exec(text)[1]);
  await line.click();
  // The drawing selects that CPU's thread node; the inspector shows it.
  await page.waitForTimeout(400);
  await shot('run-console-jump');
  assert.match(await page.getByTestId('run-jump').textContent(), new RegExp(`CPU ${cpu} \\(selected on the drawing\\)`));
  // Every shown line is a soft lockup.
  const shown = await log.locator('button.line').allTextContents();
  assert.ok(shown.length > 0 && shown.every((t) => t.includes('soft lockup')), shown.slice(0, 3).join('\n'));
  // The chart marks the time.
  await page.getByRole('tab', { name: 'Charts' }).click();
  await page.waitForTimeout(200);
  await shot('run-charts-marker');
  assert.deepEqual(pageErrors, []);
});

test("run view: the drawing's PNG and SVG export include the run overlay (busy shades, lost-IPI arrows, spinning CPUs)", async ({ page, root, pageErrors }) => {
  const drawing = page.locator('.topology');
  const [pngDl] = await Promise.all([page.waitForEvent('download'), drawing.getByRole('button', { name: 'PNG', exact: true }).click()]);
  const png = fs.readFileSync(await pngDl.path());
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  fs.copyFileSync(await pngDl.path(), path.join(root, 'test-results/screenshots/run-export-overlay.png'));
  // Decode with the page's canvas and count the overlay's alarm colours: the lost-IPI red
  // (#dc2626) and the spinning orange (#f97316); Cytoscape's own drawing has neither.
  const counts = await page.evaluate(async (b64) => {
    const count = async (blob) => {
      const img = await createImageBitmap(blob);
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const near = (i, r, g, b) => Math.abs(d[i] - r) < 16 && Math.abs(d[i + 1] - g) < 16 && Math.abs(d[i + 2] - b) < 16;
      let red = 0;
      let orange = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (near(i, 220, 38, 38)) red++;
        else if (near(i, 249, 115, 22)) orange++;
      }
      return { red, orange, w: c.width };
    };
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const cy = document.querySelector('[data-testid="topology-canvas"]').cy;
    return { exported: await count(new Blob([bytes])), plain: await count(cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' })) };
  }, png.toString('base64'));
  // A lost IPI between two threads of one core is a short arrow (40 px at scale 2 in seed 1 of
  // the what-if): any red the plain drawing lacks is the arrow.
  assert.ok(counts.exported.red >= 20 && counts.exported.orange > 100, JSON.stringify(counts));
  assert.ok(counts.plain.red + counts.plain.orange < 20, `the plain drawing has no overlay colours: ${JSON.stringify(counts)}`);
  assert.equal(counts.exported.w, counts.plain.w, 'the overlay is painted at the size of the drawing PNG');

  // The SVG gets the same shapes as SVG elements over the topology.
  const [svgDl] = await Promise.all([page.waitForEvent('download'), drawing.getByRole('button', { name: 'SVG', exact: true }).click()]);
  const svg = fs.readFileSync(await svgDl.path(), 'utf8');
  fs.writeFileSync(path.join(root, 'test-results/screenshots/run-export-overlay.svg'), svg);
  const layer = svg.slice(svg.indexOf('<g data-layer="run-overlay">'));
  assert.ok(layer.length > 0 && layer.trimEnd().endsWith('</svg>'), 'the overlay layer comes last, over the drawing');
  assert.match(layer, /<line [^>]*stroke="#dc2626" stroke-width="3"\/>/);
  assert.match(layer, /stroke="#f97316" stroke-width="3"/);
  assert.deepEqual(pageErrors, []);
});

test('run view: the four charts follow the theme; switching tabs and theme while a run streams raises no error', async ({ page, shot, pageErrors }) => {
  test.setTimeout(600_000); // two runs and sixteen chart re-makes: the slowest test on a loaded machine
  const bar = page.getByRole('toolbar', { name: 'Run' });
  if ((await progressState(page)) === 'running') await bar.getByRole('button', { name: 'Pause' }).click({ timeout: 2_000 }).catch(() => {});
  await page.getByRole('tab', { name: 'Charts' }).click();
  const charts = page.getByTestId('run-charts').first();
  for (const title of ['Busy %', 'IPIs/s', 'Lost IPIs', 'Exits/s per guest']) {
    await charts.getByRole('img', { name: `Chart: ${title}` }).locator('canvas').first().waitFor();
  }
  // The axes are painted in the theme's text colour, in both themes.
  const colours = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="run-charts"] .chart')].map((c) => [c.getAttribute('data-axis-colour'), getComputedStyle(c).color]),
    );
  const themeNow = () => page.evaluate(() => document.documentElement.dataset.theme);
  if ((await themeNow()) !== 'light') await page.getByTestId('theme-toggle').click();
  await page.waitForTimeout(200);
  const light = await colours();
  assert.ok(light.length >= 4 && light.every(([axis, text]) => axis === text), JSON.stringify(light));
  await shot('run-charts-light');
  await page.getByTestId('theme-toggle').click();
  await page.waitForTimeout(200);
  const dark = await colours();
  assert.ok(dark.every(([axis, text]) => axis === text), JSON.stringify(dark));
  assert.notEqual(dark[0][0], light[0][0], 'the axis colour changed with the theme');
  await shot('run-charts-dark');
  await page.getByRole('tab', { name: 'Topology' }).click().catch(() => {});
  await shot('run-drawing-dark');
  await page.getByTestId('theme-toggle').click();

  // Charts made, resized, re-made and marked while updates arrive (uPlot once failed in
  // drawAxesGrid): a fresh unfixed run of 2 h at 10 min/s streams for ~12 s, then stops.
  await stopIfRunning(page);
  await waitState(page, ['finished', 'cancelled']);
  await bar.getByLabel('Duration').fill('2h');
  await bar.getByLabel('Speed').selectOption({ label: '10 min/s' });
  await bar.getByRole('button', { name: 'Run', exact: true }).click();
  await waitState(page, ['running'], 20_000);
  for (let i = 0; i < 8; i++) {
    await page.getByRole('tab', { name: 'Charts' }).click();
    await page.getByTestId('theme-toggle').click();
    await page.waitForTimeout(60);
    await page.getByRole('tab', { name: 'Console' }).click();
    await page.getByRole('tab', { name: 'Charts' }).click();
    await page.waitForTimeout(40);
  }
  assert.ok(Number(await charts.getAttribute('data-points')) > 1, 'the streamed run has chart points');
  if ((await themeNow()) !== 'light') await page.getByTestId('theme-toggle').click();
  await stopIfRunning(page);
  await waitState(page, ['finished', 'cancelled']);
  await bar.getByLabel('Speed').selectOption({ label: 'max' });
  assert.deepEqual(pageErrors, []);
});

test('run view: stop, run the fixed kernel, list both runs and compare them', async ({ page, shot, pageErrors }) => {
  const bar = page.getByRole('toolbar', { name: 'Run' });
  await stopIfRunning(page);
  await waitState(page, ['finished', 'cancelled']);
  await bar.getByLabel('mb before set').check();
  await bar.getByLabel('mb after clear').check();
  await bar.getByLabel('Duration').fill('30m');
  await bar.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="run-progress"]')?.dataset.state === 'finished' && /30:00 of 30:00/.test(document.querySelector('[data-testid="run-progress"]')?.textContent ?? ''),
    null,
    { timeout: 60_000 },
  );

  await page.getByRole('tab', { name: 'Runs' }).click();
  const tab = page.getByTestId('runs-tab');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="runs-table"] > tbody > tr input[type=checkbox]').length >= 2, null, { timeout: 10_000 });
  const rows = page.locator('[data-testid="runs-table"] > tbody > tr');
  await page.waitForFunction(() => /finished/.test(document.querySelector('[data-testid="runs-table"] > tbody > tr')?.textContent ?? ''), null, { timeout: 10_000 });
  assert.match(await rows.nth(0).textContent(), /finished.*both/);
  assert.match(await rows.nth(1).textContent(), /none/);
  await rows.nth(0).getByRole('checkbox').check();
  await rows.nth(1).getByRole('checkbox').check();
  await tab.getByRole('button', { name: /Compare selected/ }).click();
  const cmp = page.getByTestId('runs-compare');
  await cmp.waitFor();
  assert.equal(await cmp.getByRole('region').count(), 2);
  await cmp.locator('canvas').first().waitFor();
  await shot('runs-compare');

  // Open the unfixed run: the Console replays its log.
  const unfixedId = (await rows.nth(1).locator('td').nth(1).textContent()).replace('#', '');
  await tab.getByRole('button', { name: `Open run ${unfixedId}` }).click();
  await page.getByRole('tab', { name: 'Console' }).click();
  await page.getByText(`Stored run #${unfixedId}`).first().waitFor();
  await shot('runs-open-console');

  // No serious or critical accessibility violations in the run toolbar and the run tabs.
  for (const tab of ['Console', 'Charts', 'Runs']) {
    await page.getByRole('tab', { name: tab }).click();
    const axe = await new AxeBuilder({ page }).include('[data-testid="run-toolbar"]').include('.bottom').analyze();
    const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${tab}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), []);
  }
  assert.deepEqual(pageErrors, []);
});
