/* global document, window -- functions passed to page.evaluate/waitForFunction run in the page */
// The Devices view's end-to-end checks (src-renderer/devices), run in order against one server
// and one page (fixtures.mjs), own store: a workspace with one MHI controller and a system-heap dma-buf
// (a display and a GPU import it) made through the bridge, opened in the Devices tab.
import { test } from './fixtures.mjs';
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { bridgeCall, ready } from './page-helpers.mjs';

const NAME = 'Devices e2e';
const panel = (page) => page.getByTestId('devices-panel');

/** One socket; mhi0 on it; a 1 MiB system-heap buffer that a display (needs contiguity) and a GPU import. */
const DOC = {
  schemaVersion: 1,
  name: NAME,
  host: { name: 'host', model: 'POWER9', threadsPerCore: 4, sockets: [{ cores: 4, memoryBytes: 64 * 2 ** 30 }] },
  guests: [],
  devices: {
    mhi: [{ name: 'mhi0', socket: 0, pcieGen: 4, pcieWidth: 8, ringSize: 64, mtu: 4096 }],
    aie: null,
    dmabuf: {
      exporters: [{ name: 'heap0', kind: 'system-heap', sizeBytes: 1048576 }],
      importers: [
        { name: 'disp0', kind: 'display', source: 'heap0' },
        { name: 'gpu0', kind: 'gpu', source: 'heap0' },
      ],
    },
  },
  workloads: [],
  kernel: { barriers: { beforeSet: true, afterClear: true } },
  params: {},
};

test.describe.configure({ mode: 'serial' });
test('devices: a workspace with MHI and dma-buf devices shows both in the Devices tab', async ({ page, url, shot }) => {
  await page.goto(url);
  await ready(page);
  const created = await bridgeCall(page, 'workspaces.create', { name: NAME, doc: DOC });
  assert.equal(created.ok, true, JSON.stringify(created.error));
  await page.reload();
  await ready(page);
  await page.getByRole('list', { name: 'Workspace list' }).getByRole('button', { name: NAME, exact: true }).click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="current-workspace"]')?.textContent === n, NAME);
  await page.getByRole('tab', { name: 'Devices' }).click();
  await panel(page).getByTestId('devices-meta').waitFor();
  assert.equal(await panel(page).getByTestId('devices-meta').textContent(), 'After 10 ms.');

  const graph = panel(page).getByRole('list', { name: 'dma-buf graph: exporters, buffers, importers' });
  assert.equal(await graph.getByRole('listitem').count(), 4);
  assert.equal(await panel(page).locator('[data-node="exp:heap0"]').getAttribute('aria-label'), 'Exporter heap0, system-heap');
  assert.match(await panel(page).locator('[data-node="buf:heap0"]').getAttribute('aria-label'), /^Buffer heap0:\d+, 1 MiB, \d+ references?, no exclusive fence, 0 shared$/);
  assert.match(await panel(page).locator('[data-node="imp:disp0"]').getAttribute('aria-label'), /import failed: EINVAL: .*contiguous/);
  assert.match(await panel(page).locator('[data-node="imp:gpu0"]').getAttribute('aria-label'), /from heap0, mapped, \d+ segments?/);
  assert.equal(await panel(page).locator('.edge').count(), 3);
  assert.equal(await panel(page).locator('.edge.broken').count(), 1);

  const ctl = panel(page).locator('[data-controller="mhi0"]');
  await ctl.getByRole('heading', { name: /mhi0 M0/ }).waitFor();
  assert.match(await ctl.textContent(), /MB\/s per direction/);
  assert.match(await ctl.textContent(), /\/dev\/mhi_mhi0_LOOPBACK/);
  const rings = ctl.getByRole('img', { name: /^mhi0 (UL|DL) channel \d+ ring: 64 slots, RP \d+, WP \d+/ });
  assert.equal(await rings.count(), 2);
  // The default loopback traffic (4 MiB) has all come back within 10 ms on Gen4 x8.
  assert.match(await ctl.getByTestId('mhi-client').textContent(), /^\s*4 MiB of 4 MiB read back, done · [\d.]+ MB\/s · \d+ ring-full stalls\s*$/);
  await shot('devices-01-view');
  // In a short window the rings' hidden captions stay inside the view's scroller: the page itself does not scroll.
  await page.setViewportSize({ width: 1400, height: 450 });
  assert.equal(await page.evaluate(() => document.scrollingElement.scrollHeight), 450);
  await page.setViewportSize({ width: 1400, height: 900 });

  // Stopped mid-transfer: the channels are running and the client has read part of it.
  // Typing in the fields runs nothing; Run runs once, and is enabled again with its result.
  await page.evaluate(() => {
    window.__devicesRuns = 0;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      if (typeof data === 'string' && data.includes('"devices.snapshot"')) window.__devicesRuns++;
      return send.call(this, data);
    };
  });
  await panel(page).getByLabel('MHI loopback').fill('64M');
  await panel(page).getByLabel('Run for').selectText();
  await panel(page).getByLabel('Run for').pressSequentially('3ms', { delay: 20 });
  await panel(page).getByRole('button', { name: 'Run' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="devices-meta"]')?.textContent === 'After 3 ms.');
  assert.equal(await page.evaluate(() => window.__devicesRuns), 1);
  await panel(page).getByRole('button', { name: 'Run' }).and(page.locator(':enabled')).waitFor();
  assert.equal(await panel(page).getByText('Running…').count(), 0);
  assert.match(await ctl.getByTestId('mhi-client').textContent(), /^\s*[\d.]+ MiB of 64 MiB read back · [\d.]+ MB\/s/);
  assert.equal(await ctl.locator('[data-ring="UL"] .chstate').textContent(), 'RUNNING');
  await shot('devices-01b-mid-transfer');
  await panel(page).getByLabel('MHI loopback').fill('4M');
  await panel(page).getByLabel('Run for').fill('10ms');
  await panel(page).getByRole('button', { name: 'Run' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="devices-meta"]')?.textContent === 'After 10 ms.');
});

test('devices: keyboard reaches the graph nodes; axe finds nothing serious; the run length is validated', async ({ page, shot }) => {
  await panel(page).locator('[data-node="exp:heap0"]').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-node')), 'buf:heap0');
  const result = await new AxeBuilder({ page }).include('[data-testid="devices-panel"]').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), []);

  const after = panel(page).getByLabel('Run for');
  await after.fill('2s');
  await panel(page).getByRole('button', { name: 'Run' }).click();
  await panel(page).getByRole('alert').waitFor();
  assert.match(await panel(page).getByRole('alert').textContent(), /after.*expected a duration 0\.\.1s/);
  await after.fill('1ms');
  await panel(page).getByRole('button', { name: 'Run' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="devices-meta"]')?.textContent === 'After 1 ms.');
  assert.equal(await panel(page).getByRole('alert').count(), 0);
  await page.getByTestId('theme-toggle').click();
  await shot('devices-02-dark');
  await page.getByTestId('theme-toggle').click();
});

test('devices: a workspace without devices says so', async ({ page, shot }) => {
  await page.getByRole('button', { name: 'New workspace' }).click();
  // Earlier suites may have left an "Untitled" behind, so the picker may name this one "Untitled 2".
  await page.waitForFunction(() => /^Untitled( \d+)?$/.test(document.querySelector('[data-testid="current-workspace"]')?.textContent ?? ''));
  await panel(page).getByText('This workspace has no MHI controllers').waitFor();
  await panel(page).getByText('This workspace has no dma-buf exporters or importers').waitFor();
  await shot('devices-03-empty');
  await page.getByRole('tab', { name: 'Topology' }).click();
});
