/* global document, requestAnimationFrame -- functions passed to page.evaluate/waitForFunction run in the page */
// The AI Engine view's end-to-end checks (src-renderer/aie), run in order against one server
// and one page (fixtures.mjs), own store: a workspace made from resources/workspaces/aie-demo.json through
// the bridge, tile (2,1)'s hex view, edit a byte and undo it, exports, keyboard, axe.
import { test } from './fixtures.mjs';
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bridgeCall, ready } from './page-helpers.mjs';

const NAME = 'AIE e2e';
const hexGrid = (page) => page.getByRole('grid', { name: 'Data memory of tile (2,1)' });
/** Waits until the hex cell of byte `offset` (rendered only while its row is visible) shows `text`. */
const waitCell = (page, offset, text, timeout = 30_000) =>
  page.waitForFunction(([o, t]) => document.querySelector(`[data-testid="hex-grid"] .b[data-offset="${o}"]`)?.textContent === t, [offset, text], {
    timeout,
  });

// The 16 MiB memory test takes minutes on a loaded machine.
test.describe.configure({ mode: 'serial', timeout: 300_000 });
test('aie: a workspace from aie-demo.json, created through the bridge, opens in the AI Engine view', async ({ page, url, root, shot }) => {
  await page.goto(url);
  await ready(page);
  const doc = JSON.parse(fs.readFileSync(path.join(root, 'resources/workspaces/aie-demo.json'), 'utf8'));
  const created = await bridgeCall(page, 'workspaces.create', { name: NAME, doc });
  assert.equal(created.ok, true, JSON.stringify(created.error));
  await page.reload();
  await ready(page);
  await page.getByRole('list', { name: 'Workspace list' }).getByRole('button', { name: NAME, exact: true }).click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="current-workspace"]')?.textContent === n, NAME);
  await page.getByRole('tab', { name: 'AI Engine' }).click();
  const grid = page.getByRole('grid', { name: 'AI Engine array, 4 columns × 3 rows' });
  await grid.waitFor();
  assert.equal(await grid.getByRole('gridcell').count(), 12);
  assert.equal(await page.locator('[data-tile="0,0"]').getAttribute('aria-label'), 'Tile (0,0), SHIM PL, no partition');
  assert.equal(await page.locator('[data-tile="2,0"]').getAttribute('aria-label'), 'Tile (2,0), SHIM NoC, partition demo');
  await shot('aie-01-grid');
});

test('aie: the grid works from the keyboard; Enter on tile (2,1) opens its hex view with non-zero data', async ({ page, shot }) => {
  await page.locator('[data-tile="1,0"]').click(); // a SHIM tile: explained, not opened
  await page.getByText('SHIM tiles have no memory').waitFor();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.tile), '2,1');
  await page.keyboard.press('Enter');
  await hexGrid(page).waitFor();
  await waitCell(page, 1, '01');
  const first = await page.locator('[data-testid="hex-grid"] [role="row"]').first().locator('[role="rowheader"]').textContent();
  assert.equal(first, '01040000', 'the address column shows (2<<23)+(1<<18)');
  const row0 = await page.locator('[data-testid="hex-grid"] [role="row"]').first().locator('.b').allTextContents();
  assert.ok(row0.some((b) => b !== '00'), `row 0 is all zero: ${row0.join(' ')}`);
  const rendered = await page.locator('[data-testid="hex-grid"] [role="row"]').count();
  assert.ok(rendered < 80, `only visible rows are rendered (${rendered} of 2048)`);
  await shot('aie-02-hex-tile-2-1');
});

test('aie: go to address, search text, select and copy as hex', async ({ page, shot }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  // A click in the ASCII column (one text run while nothing there is marked) picks that byte.
  const ascii = page.locator('[data-testid="hex-grid"] [role="row"]').nth(1).locator('.ascii');
  const box = await ascii.boundingBox();
  await page.mouse.click(box.x + (box.width / 16) * 5.5, box.y + box.height / 2);
  await page.getByTestId('hex-status').getByText(/^Cursor 0x1040015 = /).waitFor();
  await page.getByLabel('Go to address').fill('0x1040300');
  await page.getByLabel('Go to address').press('Enter');
  await waitCell(page, 0x300, '41');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Data memory of tile (2,1)');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Control+c');
  await page.getByText('Copied 3 bytes as hex.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '41 49 20');
  await page.getByLabel('Search', { exact: true }).fill('tile');
  await page.getByRole('button', { name: 'Find next' }).click();
  await page.getByText('Found at 0x104030a').waitFor();
  await page.getByLabel('Search as').selectOption('hex');
  await page.getByLabel('Search', { exact: true }).fill('28 32 2c');
  await page.getByRole('button', { name: 'Find next' }).click();
  await page.getByText('Found at 0x104030f').waitFor();
  await page.getByLabel('Go to address').fill('0x9999999');
  await page.getByLabel('Go to address').press('Enter');
  await page.getByText(/Go to address: 0x9999999 is outside this memory/).waitFor();
  await shot('aie-03-search');
});

test('aie: edit a byte (typed at the cursor), see it changed since the previous run, undo it', async ({ page, shot }) => {
  await page.getByLabel('Go to address').fill('300');
  await page.getByLabel('Go to address').press('Enter');
  await waitCell(page, 0x300, '41');
  await page.keyboard.type('42');
  await waitCell(page, 0x300, '42');
  await page.waitForFunction(() => document.querySelector('[data-offset="768"].b')?.classList.contains('chg'));
  await page.getByText('1 byte changed since the previous run').waitFor();
  assert.match(await page.getByTestId('hex-status').textContent(), /Wrote 1 byte at 0x1040300/);
  await shot('aie-04-edited');
  await hexGrid(page).focus();
  await page.keyboard.press('Control+z');
  await waitCell(page, 0x300, '41');
  await page.getByText('1 byte changed since the previous run').waitFor();
  await shot('aie-05-undone');
  await page.keyboard.press('Control+Shift+z');
  await waitCell(page, 0x300, '42');
  await page.keyboard.press('Control+z');
  await waitCell(page, 0x300, '41');
});

test('aie: bad edits are refused with the reason (renderer and main)', async ({ page, root, shot }) => {
  await page.getByLabel('Bytes (hex)').fill('4z');
  await page.getByLabel('Bytes (hex)').press('Enter');
  await page.getByText("Bytes: 'z' is not a hex digit").waitFor();
  await page.getByLabel('Go to address').fill('0x7fff');
  await page.getByLabel('Go to address').press('Enter');
  await page.getByLabel('Bytes (hex)').fill('01 02');
  await page.getByLabel('Bytes (hex)').press('Enter');
  await page.getByText(/aie\.editMemory\.hex: 0x7fff \+ 2 bytes runs past the 32768-byte data memory/).first().waitFor();
  const refused = await bridgeCall(page, 'aie.editMemory', { doc: JSON.parse(fs.readFileSync(path.join(root, 'resources/workspaces/aie-demo.json'), 'utf8')), col: 2, row: 0, mem: 'data', offset: 0, hex: '00' });
  assert.equal(refused.error.name, 'ValidationError');
  assert.match(refused.error.message, /aie\.editMemory\.row: tile \(2,0\) is a SHIMNOC tile/);
  await shot('aie-06-refused');
});

test('aie: program memory, exports (xxd text equals xxd of the raw export)', async ({ page }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-aie-export-'));
  try {
    const save = async (button) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
      const file = path.join(dir, download.suggestedFilename());
      await download.saveAs(file);
      return file;
    };
    const raw = await save('Export raw');
    const text = await save('Export xxd');
    assert.equal(path.basename(raw), 'aie-tile-2-1-data.bin');
    assert.equal(fs.statSync(raw).size, 32 * 1024);
    assert.equal(fs.readFileSync(text, 'utf8'), execFileSync('xxd', [raw], { encoding: 'utf8', maxBuffer: 1 << 24 }));
    await page.getByRole('radio', { name: 'Program (16 KiB)' }).check();
    await page.getByRole('grid', { name: 'Program memory of tile (2,1)' }).waitFor();
    const first = await page.locator('[data-testid="hex-grid"] [role="row"]').first().locator('[role="rowheader"]').textContent();
    assert.equal(first, '01060000', 'program memory starts at tile + 0x20000');
    assert.equal(fs.statSync(await save('Export raw')).size, 16 * 1024);
    await page.getByRole('radio', { name: 'Data (32 KiB)' }).check();
    await hexGrid(page).waitFor();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('aie: the view has no serious accessibility violations (axe)', async ({ page, shot }) => {
  const result = await new AxeBuilder({ page }).include('[data-testid="aie-panel"]').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), []);
  await page.getByTestId('theme-toggle').click();
  await shot('aie-08-dark');
  await page.getByTestId('theme-toggle').click();
  await page.getByRole('tab', { name: 'Topology' }).click();
});

test('aie: a 16 MiB partition memory (64 × 8 core tiles) opens and scrolls end to end with only visible rows rendered', async ({ page, url, root, shot }) => {
  await page.goto(url);
  await ready(page);
  const doc = JSON.parse(fs.readFileSync(path.join(root, 'resources/workspaces/aie-demo.json'), 'utf8'));
  doc.devices.aie = {
    columns: 64,
    rows: 9,
    partitions: [
      {
        name: 'big',
        startCol: 0,
        numCols: 64,
        kernels: [{ op: 'fill', col: 0, row: 1, start: '0us', dst: '0x0', words: 16, value: '0x11111111' }],
        memory: [{ col: 63, row: 8, mem: 'data', offset: '0x7ff0', hex: '45 4e 44 21' }],
      },
    ],
  };
  const created = await bridgeCall(page, 'workspaces.create', { name: 'AIE 16 MiB', doc });
  assert.equal(created.ok, true, JSON.stringify(created.error));
  await page.reload();
  await ready(page);
  await page.getByRole('list', { name: 'Workspace list' }).getByRole('button', { name: 'AIE 16 MiB', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="current-workspace"]')?.textContent === 'AIE 16 MiB');
  await page.getByRole('tab', { name: 'AI Engine' }).click();
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Partition big memory (dma-buf)' }).click();
  const grid = page.getByRole('grid', { name: 'Data memory of partition big' });
  await grid.waitFor({ timeout: 60_000 });
  const loadMs = Date.now() - t0;
  assert.equal(await grid.getAttribute('aria-rowcount'), String((16 * 1024 * 1024) / 16));
  await waitCell(page, 0, '11');
  // Frame durations over 120 animation frames: idle first (the machine's baseline), then
  // scrolling from the top to the bottom of the 16 MiB buffer, one step a frame.
  const measure = (scroll) =>
    page.evaluate(async (doScroll) => {
      const el = document.querySelector('[data-testid="hex-scroller"]');
      const max = el.scrollHeight - el.clientHeight;
      const times = [];
      let last = performance.now();
      for (let i = 1; i <= 120; i++) {
        if (doScroll) el.scrollTop = (max * i) / 120;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times.sort((a, b) => a - b);
    }, scroll);
  const p95 = (sorted) => sorted[Math.floor(sorted.length * 0.95)];
  const idle = await measure(false);
  const sorted = await measure(true);
  const rows = await page.locator('[data-testid="hex-grid"] [role="row"]').count();
  const lastAddr = await page.locator('[data-testid="hex-grid"] [role="row"]').last().locator('[role="rowheader"]').textContent();
  assert.equal(lastAddr, ((63 * 2 ** 23) + (8 << 18) + 0x7ff0).toString(16).padStart(8, '0'), 'the last row is tile (63,8) offset 0x7ff0');
  assert.ok(rows < 80, `only visible rows are rendered (${rows})`);
  // Wheel-sized steps down then up (rows still in view keep their elements, the others are
  // reused): the DOM order stays the row order, and each row's cells are its bytes.
  await page.evaluate(async () => {
    const el = document.querySelector('[data-testid="hex-scroller"]');
    el.scrollTop = el.scrollHeight / 2;
    for (const step of [60, 60, 60, 20, -45, -45, -120, 60]) {
      el.scrollTop += step;
      await new Promise((r) => requestAnimationFrame(r));
    }
  });
  const order = await page.locator('[data-testid="hex-grid"] [role="row"]').evaluateAll((rs) =>
    rs.map((r) => [Number(r.getAttribute('aria-rowindex')), Number(r.querySelector('.b')?.getAttribute('data-offset'))]),
  );
  assert.ok(
    order.every(([index, offset], i) => offset === (index - 1) * 16 && (i === 0 || index === order[i - 1][0] + 1)),
    JSON.stringify(order),
  );
  const figures = { loadMs, scrollFrameP95Ms: p95(sorted), scrollFrameMaxMs: sorted.at(-1), idleFrameP95Ms: p95(idle), domRows: rows };
  console.log(
    `    16 MiB hex view: opened in ${loadMs} ms; scroll frames p95 ${figures.scrollFrameP95Ms.toFixed(1)} ms (idle p95 ${figures.idleFrameP95Ms.toFixed(1)} ms), max ${figures.scrollFrameMaxMs.toFixed(1)} ms; ${rows} rows in the DOM`,
  );
  fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'test-results', 'aie-hex-16mib.json'), JSON.stringify(figures) + '\n');
  await page.getByLabel('Go to address').fill('0x1fa07ff0');
  await page.getByLabel('Go to address').press('Enter');
  await waitCell(page, 16 * 1024 * 1024 - 16, '45');
  await shot('aie-07-16mib-end');
  // An edit in the partition view lands in tile (63,8)'s image; undo restores it.
  await page.keyboard.type('58');
  await waitCell(page, 16 * 1024 * 1024 - 16, '58');
  await page.getByText('1 byte changed since the previous run').waitFor({ timeout: 30_000 });
  await page.keyboard.press('Control+z');
  await waitCell(page, 16 * 1024 * 1024 - 16, '45');
  await page.getByRole('tab', { name: 'Topology' }).click();
});

test('aie: an edit the run overwrites says so, and the message goes with undo', async ({ page, shot }) => {
  // Back to tile (2,1) of the demo: its kernel rewrites 0x1040010 within the first millisecond.
  await page.getByRole('list', { name: 'Workspace list' }).getByRole('button', { name: NAME, exact: true }).click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="current-workspace"]')?.textContent === n, NAME);
  await page.getByRole('tab', { name: 'AI Engine' }).click();
  await page.locator('[data-tile="2,1"]').click();
  await hexGrid(page).waitFor();
  const before = await page.locator('[data-testid="hex-grid"] .b[data-offset="16"]').textContent();
  await page.getByLabel('Go to address').fill('0x1040010');
  await page.getByLabel('Go to address').press('Enter');
  const written = before === '7e' ? '7d' : '7e';
  await page.keyboard.type(written);
  const note = page.getByTestId('hex-overwritten');
  await note.waitFor({ timeout: 30_000 });
  assert.match(await note.textContent(), new RegExp(`^\\s*Written to the initial image at 0x1040010; the run changed it to ${before} by 1 ms — set Run for to 0 to see the initial image\\.`));
  await shot('aie-09-edit-overwritten');
  await note.getByRole('button', { name: 'Undo the edit' }).click();
  await note.waitFor({ state: 'detached' });
});
