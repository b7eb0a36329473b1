/* global document, window, HTMLIFrameElement -- functions passed to page.evaluate/waitForFunction run in the page */
// Reports from the UI (src-renderer/run/report-*, bridge `runs.report`), run in order in one page (fixtures.mjs).
// This file sorts before ui-run, so it makes its own runs: a workspace from the seed and two
// short runs (unfixed, fixed) started through the bridge. Then, in the Runs tab: the HTML, JSON
// and CSV reports of one run downloaded and checked (the HTML opened in Chromium: every section,
// no request but itself), the two runs compared and their report printed — print() observed
// through a stub, the printed page turned into a PDF with page.pdf().
import { test } from './fixtures.mjs';
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bridgeCall, ready } from './page-helpers.mjs';

const NAME = 'Report e2e';
const SECTIONS = ['configuration', 'topology', 'charts', 'lockups', 'kernel-log', 'devices'];

/** Starts a run through the bridge and waits until it is no longer the active one. */
async function runToEnd(page, arg) {
  const started = await bridgeCall(page, 'runs.start', arg);
  assert.equal(started.ok, true, JSON.stringify(started.error));
  for (let i = 0; i < 600; i++) {
    const active = await bridgeCall(page, 'runs.active');
    if (active.ok && active.value === null) return started.value.runId;
    await page.waitForTimeout(200);
  }
  throw new Error(`run ${started.value.runId} did not end within 120 s`);
}

/** Clicks a button and saves what it downloads under test-results/reports/; returns {name, file, text}. */
async function download(page, button, root) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), button.click()]);
  const dir = path.join(root, 'test-results', 'reports');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, dl.suggestedFilename());
  await dl.saveAs(file);
  return { name: dl.suggestedFilename(), file, text: fs.readFileSync(file, 'utf8') };
}

/** Opens a saved report in a page of its own: which requests it made, and which sections it shows. */
async function openReport(context, file, shotPath) {
  const view = await context.newPage();
  try {
    const url = pathToFileURL(file).href;
    const requests = [];
    const errors = [];
    view.on('request', (r) => requests.push(r.url()));
    view.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    view.on('pageerror', (e) => errors.push(e.message));
    await view.goto(url);
    await view.waitForLoadState('load');
    const shown = [];
    for (const id of [...SECTIONS, 'comparison']) if (await view.locator(`section#${id} h2`).isVisible()) shown.push(id);
    const topologyWidth = (await view.locator('#topology svg').first().boundingBox())?.width ?? 0;
    if (shotPath) await view.screenshot({ path: shotPath });
    return { requests, url, errors, shown, topologyWidth };
  } finally {
    await view.close();
  }
}

let ids = { unfixed: 0, fixed: 0 };

// Runs of the simulated kernel take minutes on a loaded machine.
test.describe.configure({ mode: 'serial', timeout: 300_000 });
test('report: HTML, JSON and CSV of one run exported from the Runs tab', async ({ page, url, root, shot, pageErrors }) => {
  await page.goto(url);
  await ready(page);
  const created = await bridgeCall(page, 'workspaces.create', { name: NAME, builtin: 'seed-power9-ipi' });
  assert.equal(created.ok, true, JSON.stringify(created.error));
  const workspaceId = created.value.id;
  ids.unfixed = await runToEnd(page, { workspaceId, duration: '30m', seed: 1, barriers: { beforeSet: false, afterClear: false } });
  ids.fixed = await runToEnd(page, { workspaceId, duration: '20m', seed: 2, barriers: { beforeSet: true, afterClear: true } });

  await page.reload();
  await ready(page);
  await page.getByRole('list', { name: 'Workspace list' }).getByRole('button', { name: NAME, exact: true }).click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="current-workspace"]')?.textContent === n, NAME);
  // Ticking a kernel barrier renames the variant ("none (unfixed)" → "set") without moving the controls after it.
  const toolbar = page.getByTestId('run-toolbar');
  const durationX = async () => (await toolbar.getByLabel('Duration').boundingBox()).x;
  const x0 = await durationX();
  await toolbar.getByLabel('mb before set').check();
  assert.equal(await toolbar.getByTestId('run-variant').textContent(), 'set');
  assert.ok(Math.abs((await durationX()) - x0) < 1, 'Duration did not move');
  await toolbar.getByLabel('mb before set').uncheck();
  await page.getByRole('tab', { name: 'Runs' }).click();
  const tab = page.getByTestId('runs-tab');
  await tab.getByRole('checkbox', { name: `Select run ${ids.unfixed}` }).check();
  const group = tab.getByRole('group', { name: `Report of run #${ids.unfixed}` });
  await group.waitFor();
  assert.equal(await group.getByRole('button', { name: 'Print / Save as PDF' }).count(), 1, 'browser mode prints for PDF');
  await shot('report-runs-tab');

  // HTML: self-contained, every section, no request but the file itself.
  const html = await download(page, group.getByRole('button', { name: 'HTML', exact: true }), root);
  assert.equal(html.name, `twb-run-${ids.unfixed}.html`);
  assert.match(html.text, /^<!doctype html>/);
  assert.match(await group.getByRole('status').textContent(), new RegExp(`Saved twb-run-${ids.unfixed}\\.html`));
  const opened = await openReport(page.context(), html.file, path.join(root, 'test-results', 'screenshots', 'report-html.png'));
  assert.deepEqual(opened.requests, [opened.url]);
  assert.deepEqual(opened.errors, []);
  assert.deepEqual(opened.shown, SECTIONS);
  assert.ok(opened.topologyWidth > 400, `topology drawn ${opened.topologyWidth}px wide`);

  // JSON: everything, machine-readable.
  const json = await download(page, group.getByRole('button', { name: 'JSON', exact: true }), root);
  assert.equal(json.name, `twb-run-${ids.unfixed}.json`);
  const doc = JSON.parse(json.text);
  assert.equal(doc.format, 'topology-workbench-report');
  assert.deepEqual(doc.runs.map((r) => [r.id, r.status, r.seed, r.barriers]), [[ids.unfixed, 'finished', 1, 'none']]);
  assert.ok(doc.runs[0].series.find((s) => s.key === 'busy_pct').points.length > 10);
  assert.equal(doc.runs[0].cpus.length, 128);
  assert.ok(Array.isArray(doc.runs[0].log) && Array.isArray(doc.runs[0].lockups));
  assert.equal(doc.comparison, undefined);

  // CSV: the time series.
  const csv = await download(page, group.getByRole('button', { name: 'CSV', exact: true }), root);
  assert.equal(csv.name, `twb-run-${ids.unfixed}.csv`);
  const rows = csv.text.trimEnd().split('\r\n');
  assert.equal(rows[0], 'run_id,t_s,busy_pct,ipis_per_s,lost_ipis,exits_per_s.A,exits_per_s.B');
  assert.ok(rows.length > 10);
  assert.ok(rows.slice(1).every((r) => r.startsWith(`${ids.unfixed},`)));
  assert.deepEqual(pageErrors, []);
});

test('report: two runs compared; their report printed to PDF through the browser', async ({ page, root, shot, pageErrors }) => {
  const tab = page.getByTestId('runs-tab');
  await tab.getByRole('checkbox', { name: `Select run ${ids.fixed}` }).check();
  await tab.getByRole('group', { name: `Report comparing runs #${ids.unfixed} and #${ids.fixed}` }).waitFor();
  await tab.getByRole('button', { name: /Compare selected/ }).click();
  const group = tab.getByRole('group', { name: 'Report of this comparison' });
  await group.waitFor();
  await page.getByTestId('runs-compare').locator('canvas').first().waitFor();
  await shot('report-compare');
  // The comparison pushes the runs table (and its hidden caption) below the panel's fold: the page itself does not scroll.
  assert.deepEqual(await page.evaluate(() => [document.scrollingElement.scrollHeight, document.scrollingElement.scrollWidth]), [900, 1400]);
  const axe = await new AxeBuilder({ page }).include('[data-testid="runs-tab"]').analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), []);

  const html = await download(page, group.getByRole('button', { name: 'HTML', exact: true }), root);
  assert.equal(html.name, `twb-runs-${ids.unfixed}-vs-${ids.fixed}.html`);
  const opened = await openReport(page.context(), html.file);
  assert.deepEqual(opened.requests, [opened.url]);
  assert.deepEqual(opened.shown, [...SECTIONS, 'comparison']);

  // The print button: the report goes into a sandboxed frame whose print() is called.
  // Observed through a stub (headless Chromium has no print dialog).
  await page.evaluate(() => {
    const real = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'contentWindow');
    window.__twbRealContentWindow = real;
    window.__twbPrinted = [];
    Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', {
      configurable: true,
      get() {
        const w = real.get.call(this);
        if (w && this.hasAttribute('data-report-print')) w.print = () => window.__twbPrinted.push(w.document.title);
        return w;
      },
    });
  });
  try {
    await group.getByRole('button', { name: 'Print / Save as PDF' }).click();
    await page.waitForFunction(() => window.__twbPrinted.length === 1, null, { timeout: 20_000 });
  } finally {
    await page.evaluate(() => Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', window.__twbRealContentWindow));
  }
  assert.deepEqual(await page.evaluate(() => window.__twbPrinted), [`Runs #${ids.unfixed} and #${ids.fixed} compared`]);
  const frame = page.locator('iframe[data-report-print]');
  assert.equal(await frame.getAttribute('sandbox'), 'allow-same-origin allow-modals');
  const printed = await frame.getAttribute('srcdoc');
  assert.match(printed, /<section id="comparison">/);

  // What the browser's Save as PDF makes of it: Chromium's own PDF of the page in print media.
  const view = await page.context().newPage();
  try {
    const requests = [];
    view.on('request', (r) => requests.push(r.url()));
    await view.setContent(printed);
    await view.emulateMedia({ media: 'print' });
    await view.screenshot({ path: path.join(root, 'test-results', 'screenshots', 'report-print-media.png'), fullPage: true });
    const pdf = await view.pdf({ preferCSSPageSize: true, printBackground: true });
    fs.writeFileSync(path.join(root, 'test-results', 'reports', `twb-runs-${ids.unfixed}-vs-${ids.fixed}.pdf`), pdf);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    // Each section starts a page (print CSS): at least one page per section.
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    assert.ok(pages >= SECTIONS.length + 1, `${pages} PDF pages for ${SECTIONS.length + 1} sections`);
    assert.deepEqual(requests, []);
  } finally {
    await view.close();
  }

  // Browser mode has no PDF printer of its own: asking main for one names the field.
  const refused = await bridgeCall(page, 'runs.report', { ids: [ids.unfixed], format: 'pdf' });
  assert.equal(refused.error?.name, 'ValidationError');
  assert.match(refused.error.message, /^runs\.report\.format: 'pdf' is printed by the desktop app/);
  const unknown = await bridgeCall(page, 'runs.report', { ids: [ids.unfixed, 987654], format: 'html' });
  assert.deepEqual(unknown.error, { name: 'NotFoundError', message: 'runs.report.ids[1]: no run with id 987654' });
  assert.deepEqual(pageErrors, []);
});

test('report: another workspace shows neither the stored run opened nor the runs compared in this one', async ({ page, pageErrors }) => {
  const tab = page.getByTestId('runs-tab');
  const source = (panel) => page.getByRole('tabpanel', { name: panel }).locator('p.source', { hasText: `Stored run #${ids.unfixed}` });
  const list = page.getByRole('list', { name: 'Workspace list' });
  const openWorkspace = async (name) => {
    await list.getByRole('button', { name, exact: true }).click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="current-workspace"]')?.textContent === n, name);
  };
  await tab.getByRole('button', { name: `Open run ${ids.unfixed}` }).click();
  await page.getByRole('tab', { name: 'Charts' }).click();
  await source('Charts').waitFor();
  const other = await bridgeCall(page, 'workspaces.create', { name: `${NAME} other` });
  assert.equal(other.ok, true, JSON.stringify(other.error));
  await openWorkspace(`${NAME} other`);
  assert.equal(await source('Charts').count(), 0);
  await page.getByRole('tab', { name: 'Runs' }).click();
  await tab.getByText('No runs of this workspace yet.').waitFor();
  assert.equal(await page.getByTestId('runs-compare').count(), 0);
  assert.equal(await tab.getByRole('group').count(), 0, 'no report buttons for runs picked in the other workspace');

  // Back in the runs' own workspace: the stored run is shown again (the comparison was closed).
  await openWorkspace(NAME);
  await page.getByRole('tab', { name: 'Console' }).click();
  await source('Console').waitFor();
  await source('Console').getByRole('button', { name: 'Back to the live run' }).click();
  assert.equal(await source('Console').count(), 0);
  await page.getByRole('tab', { name: 'Runs' }).click();
  assert.equal((await bridgeCall(page, 'workspaces.delete', { id: other.value.id })).ok, true);
  assert.deepEqual(pageErrors, []);
});
