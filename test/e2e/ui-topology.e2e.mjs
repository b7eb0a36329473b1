/* global document */
// The topology editor's end-to-end checks (src-renderer/topology), run in order in one page
// with its own store (fixtures.mjs): the seed drawn from its template, pin by dragging, pin by typing a cpuset
// (a bad one refused in the inspector, a split one warned about), undo, Del, SVG export, moving
// a guest box (drag, Alt+arrows, undo, Reset layout); then
// the devices-demo template's devices (MHI, AIE array, dma-buf) and their edits.
import { test } from './fixtures.mjs';
import { newFromExample } from './page-helpers.mjs';
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import fs from 'node:fs';

const CANVAS = '[data-testid="topology-canvas"]';
/** Page coordinates of a drawing element's centre. */
const at = (page, id) =>
  page.evaluate(
    ([sel, i]) => {
      const el = document.querySelector(sel);
      const p = el.cy.getElementById(i).renderedPosition();
      const r = el.getBoundingClientRect();
      return { x: p.x + r.left, y: p.y + r.top };
    },
    [CANVAS, id],
  );
const has = (page, id) => page.evaluate(([sel, i]) => document.querySelector(sel).cy.getElementById(i).nonempty(), [CANVAS, id]);
const waitHas = (page, id, want = true) =>
  page.waitForFunction(([sel, i, w]) => document.querySelector(sel)?.cy?.getElementById(i).nonempty() === w, [CANVAS, id, want], { timeout: 10_000 });
/** Page coordinates of a point inside a box's label band (its top-left corner, a little in). */
const band = (page, id) =>
  page.evaluate(
    ([sel, i]) => {
      const el = document.querySelector(sel);
      const bb = el.cy.getElementById(i).renderedBoundingBox();
      const r = el.getBoundingClientRect();
      return { x: bb.x1 + r.left + 6, y: bb.y1 + r.top + 5 };
    },
    [CANVAS, id],
  );
/** Page coordinates of the right end of a box's label band (pin edges may cross its left end). */
const bandRight = (page, id) =>
  page.evaluate(
    ([sel, i]) => {
      const el = document.querySelector(sel);
      const bb = el.cy.getElementById(i).renderedBoundingBox();
      const r = el.getBoundingClientRect();
      return { x: bb.x2 + r.left - 6, y: bb.y1 + r.top + 5 };
    },
    [CANVAS, id],
  );
/** A box's top-left corner in model units, and the zoom. */
const topLeft = (page, id) =>
  page.evaluate(
    ([sel, i]) => {
      const cy = document.querySelector(sel).cy;
      const n = cy.getElementById(i);
      return { x: n.position().x - n.data('w') / 2, y: n.position().y - n.data('h') / 2, zoom: cy.zoom() };
    },
    [CANVAS, id],
  );
/** Waits until box `id` has its top-left corner at `x`, `y` (model units, ±1). */
const waitTopLeft = (page, id, x, y) =>
  page.waitForFunction(
    ([sel, i, want]) => {
      const n = document.querySelector(sel).cy.getElementById(i);
      return Math.abs(n.position().x - n.data('w') / 2 - want.x) < 1.01 && Math.abs(n.position().y - n.data('h') / 2 - want.y) < 1.01;
    },
    [CANVAS, id, { x, y }],
    { timeout: 10_000 },
  );
/** Presses at `p` and moves the pointer by `dx`, `dy` in 8 steps (not yet released). */
async function dragBy(page, p, dx, dy) {
  await page.mouse.move(p.x, p.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(p.x + (dx * i) / 8, p.y + (dy * i) / 8);
}
/** Clicks a node on the drawing (the centre of a leaf, the label band of a box). */
async function clickNode(page, id, { box = false } = {}) {
  const p = box ? await band(page, id) : await at(page, id);
  await page.mouse.click(p.x, p.y);
  await page.waitForFunction(([sel, i]) => document.querySelector(sel).cy.getElementById(i).selected(), [CANVAS, id], { timeout: 5_000 });
}
const inspector = (page) => page.getByTestId('topology-inspector');
async function noSeriousAxe(page, ...include) {
  let b = new AxeBuilder({ page });
  for (const sel of include) b = b.include(sel);
  const result = await b.analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
  );
}

test.describe.configure({ mode: 'serial' });
test('topology: the seed host drawn as lstopo does, guests and pins', async ({ page, url, shot, pageErrors }) => {
  await page.goto(url);
  await page.waitForSelector('.frame[data-ready="true"]', { timeout: 20_000 });
  await newFromExample(page, 'seed-power9-ipi');
  await page.waitForFunction(() => document.querySelector('[data-testid="current-workspace"]')?.textContent === 'seed-power9-ipi');
  await waitHas(page, 'pu:127');
  await waitHas(page, 'pin:A:55:core:27');
  const counts = await page.evaluate((sel) => {
    const cy = document.querySelector(sel).cy;
    return ['package', 'core', 'pu', 'vcpu'].map((k) => cy.nodes(`[kind = "${k}"]`).length).concat(cy.edges('.pin').length);
  }, CANVAS);
  assert.deepEqual(counts, [2, 32, 128, 60, 56]);
  // The POWER9's L3 and L2 as lstopo draws them: a bar each across every core pair; Caches hides and shows them.
  const bars = () => page.evaluate((sel) => document.querySelector(sel).cy.nodes('[kind = "cache"]').map((n) => n.id()), CANVAS);
  assert.equal((await bars()).length, 32);
  assert.equal(await page.evaluate((sel) => document.querySelector(sel).cy.getElementById('cache:L3:2').data('labelL'), CANVAS), 'L3 L#1 (10MB)');
  await page.getByTestId('toggle-caches').click();
  await waitHas(page, 'cache:L3:2', false);
  assert.equal(await page.getByTestId('toggle-caches').getAttribute('aria-pressed'), 'false');
  await page.getByTestId('toggle-caches').click();
  await waitHas(page, 'cache:L3:2');
  // Selected, a bar tells what it is and whom it serves (read-only).
  await page.evaluate((sel) => {
    document.querySelector(sel).cy.getElementById('cache:L3:2').select();
  }, CANVAS);
  await inspector(page).getByText('Shared by cores L#2, L#3 (CPUs 8–15)').waitFor();
  await page.evaluate((sel) => {
    document.querySelector(sel).cy.$(':selected').unselect();
  }, CANVAS);
  await page.getByRole('button', { name: 'P#', exact: true }).click();
  await shot('ui-topology-01-seed-physical');
  await page.getByRole('button', { name: 'L#', exact: true }).click();
  await shot('ui-topology-02-seed');
  assert.deepEqual(pageErrors.filter((e) => !e.includes('favicon')), []);
});

test('topology: + Core on Package L#0 keeps guest A on the threads it was pinned to (its cpusets are rewritten, not re-pinned)', async ({ page, shot }) => {
  // Guest A's vCPU 32 is pinned to 64-67: the first core of socket 1 (Core L#16).
  await waitHas(page, 'pin:A:32:core:16');
  await clickNode(page, 'pkg:0', { box: true });
  await page.getByRole('button', { name: '+ Core', exact: true }).click();
  await waitHas(page, 'core:32');
  // Socket 1's first core is Core L#17 now, and the pin went with it.
  await waitHas(page, 'pin:A:32:core:17');
  assert.equal(await has(page, 'pin:A:32:core:16'), false, 'no pin moved onto the new core of socket 0');
  await page.getByRole('tab', { name: 'Problems' }).click();
  await page.getByTestId('problems-list').waitFor();
  await shot('ui-topology-02b-core-added-pins-kept');
  await page.getByTestId('current-workspace').click();
  await page.keyboard.press('Control+z');
  await waitHas(page, 'core:32', false);
  await waitHas(page, 'pin:A:32:core:16');
});

test('topology: pin by dragging a vCPU onto a core, by typing a cpuset; refusals and warnings; undo; Del', async ({ page, shot }) => {
  // Drag guest B's vCPU 0 onto Core L#28.
  const a = await at(page, 'vcpu:B:0');
  const b = await at(page, 'core:28');
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(a.x + ((b.x - a.x) * i) / 8, a.y + ((b.y - a.y) * i) / 8 - 6);
  await page.mouse.up();
  await waitHas(page, 'pin:B:0:core:28');

  // Select vCPU A:0 and type a cpuset beyond the host: refused, shown in the inspector.
  const v = await at(page, 'vcpu:A:0');
  await page.mouse.click(v.x, v.y);
  const input = page.getByTestId('pin-cpuset');
  await input.fill('0-200');
  await input.press('Enter');
  const err = page.getByTestId('inspector-error');
  await err.waitFor();
  // Named as the user sees it, the document path after it for the record.
  assert.match(await err.textContent(), /^guest A, vCPU 0: CPU 200 in '0-200' is beyond the host \(CPUs 0-127\) \(guests\[0\]\.vcpupin\[0\]\.cpuset\)/);
  // A valid but split pin: vCPU 0 on core 1 while its sibling vCPU 1 stays on core 0.
  await input.fill('4-7');
  await input.press('Enter');
  await waitHas(page, 'pin:A:0:core:1');
  await page.getByTestId('topology-warnings').waitFor();
  await page.getByRole('tab', { name: 'Problems' }).click();
  const problems = page.getByTestId('problems-list');
  await problems.getByText(/virtual core 0 \(vCPUs 0-1\) is split across physical cores 0, 1/).waitFor();
  await shot('ui-topology-03-split-warning');

  // Undo (the shell's Ctrl+Z) takes the split pin back.
  await page.getByTestId('current-workspace').click();
  await page.keyboard.press('Control+z');
  await waitHas(page, 'pin:A:0:core:0');
  assert.equal(await has(page, 'pin:A:0:core:1'), false);

  // Del on guest B (selected on the drawing) removes it with its workload.
  await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    el.cy.$(':selected').unselect();
    el.cy.getElementById('guest:B').select();
    el.focus();
  }, CANVAS);
  await page.keyboard.press('Delete');
  await waitHas(page, 'guest:B', false);
  await shot('ui-topology-04-after-edits');
});

test('topology: palette edits and a refused socket removal; SVG export', async ({ page, shot }) => {
  await page.getByRole('button', { name: '+ Guest' }).click();
  await waitHas(page, 'guest:B'); // the first free name again
  // Package L#1 holds guest A's pins: removing it is refused, with the reason on the canvas.
  const p = await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const bb = el.cy.getElementById('pkg:1').renderedBoundingBox();
    const r = el.getBoundingClientRect();
    return { x: bb.x1 + r.left + 10, y: bb.y1 + r.top + 5 };
  }, CANVAS);
  await page.mouse.click(p.x, p.y);
  await page.keyboard.press('Delete');
  const refusal = page.getByTestId('topology-refusal');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /^guest A, vCPU \d+: pinned to CPUs [\d-]+ \(socket 1, Core L#\d+\), which this edit removes/);
  await shot('ui-topology-05-refused');
  await refusal.getByRole('button', { name: 'Dismiss' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG', exact: true }).click()]);
  const svg = fs.readFileSync(await download.path(), 'utf8');
  assert.match(svg, /^<svg /);
  assert.match(svg, /Package L#1/);
  assert.ok((svg.match(/<rect /g) ?? []).length > 200);
});

test('topology: move a guest box by dragging its label band and with Alt+arrows; undo; Reset layout', async ({ page, shot }) => {
  // Top-left corners (model units) of guest B's box and of its first vCPU.
  const corners = () =>
    page.evaluate((sel) => {
      const cy = document.querySelector(sel).cy;
      const tl = (id) => {
        const n = cy.getElementById(id);
        return { x: n.position().x - n.data('w') / 2, y: n.position().y - n.data('h') / 2 };
      };
      return { box: tl('guest:B'), vcpu: tl('vcpu:B:0'), zoom: cy.zoom() };
    }, CANVAS);
  const waitBoxAt = (x, y) => waitTopLeft(page, 'guest:B', x, y);
  // Nothing selected: the selection's pin edges (package L#1's, from the test before) cross the band and would take the press.
  await page.evaluate((sel) => {
    document.querySelector(sel).cy.$(':selected').unselect();
  }, CANVAS);
  const home = await corners();
  // Drag the box by its label band's right end (guest A's pin edges cross the left one) 200 px
  // right and 30 px down (rendered; up would reach the host at the seed's fit zoom): a dashed ghost follows.
  await dragBy(page, await bandRight(page, 'guest:B'), 200, 30);
  assert.equal(await has(page, 'ghost-box'), true, 'a ghost of the box follows the pointer');
  await shot('ui-topology-05a-moving-guest');
  await page.mouse.up();
  const dragged = { x: Math.round(home.box.x + 200 / home.zoom), y: Math.round(home.box.y + 30 / home.zoom) };
  await waitBoxAt(dragged.x, dragged.y);
  assert.equal(await has(page, 'ghost-box'), false);
  // Its vCPUs came along (the layout places them in the box), and nothing got pinned.
  const after = await corners();
  assert.ok(Math.abs(after.vcpu.x - after.box.x - (home.vcpu.x - home.box.x)) < 1.01 && Math.abs(after.vcpu.y - after.box.y - (home.vcpu.y - home.box.y)) < 1.01, JSON.stringify({ home, after }));
  assert.equal(await page.evaluate((sel) => document.querySelector(sel).cy.edges('[source ^= "vcpu:B:"]').length, CANVAS), 0);

  // Keyboard: select the box, Alt+→ moves it 10, Shift+Alt+↓ 50.
  await clickNode(page, 'guest:B', { box: true });
  await page.locator(CANVAS).focus();
  await page.keyboard.press('Alt+ArrowRight');
  await waitBoxAt(dragged.x + 10, dragged.y);
  await page.keyboard.press('Shift+Alt+ArrowDown');
  await waitBoxAt(dragged.x + 10, dragged.y + 50);
  await shot('ui-topology-05b-moved-guest');
  // Each move is one undo step: back to the drag's place, then home.
  await page.keyboard.press('Control+z');
  await waitBoxAt(dragged.x + 10, dragged.y);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await waitBoxAt(home.box.x, home.box.y);
  await page.keyboard.press('Control+Shift+z');
  await waitBoxAt(dragged.x, dragged.y);

  // Reset layout forgets the positions (undoably); with none left it is disabled.
  const reset = page.getByRole('button', { name: 'Reset layout', exact: true });
  await reset.click();
  await waitBoxAt(home.box.x, home.box.y);
  assert.equal(await reset.isDisabled(), true);
  await page.locator(CANVAS).focus();
  await page.keyboard.press('Control+z');
  await waitBoxAt(dragged.x, dragged.y);
  await reset.click();
  await waitBoxAt(home.box.x, home.box.y);
  // Alt+arrow with no box selected says what to select, where the user acted.
  await page.locator(CANVAS).focus();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Alt+ArrowLeft');
  const refusal = page.getByTestId('topology-refusal');
  await refusal.getByText(/Select the machine, a guest, the AI Engine array or the dma-buf block/).waitFor();
  await refusal.getByRole('button', { name: 'Dismiss' }).click();
});

test('topology: palette, inspector and problems list have no serious accessibility violations (axe)', async ({ page }) => {
  await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    el.cy.$(':selected').unselect();
    el.cy.getElementById('vcpu:A:2').select();
  }, CANVAS);
  await page.getByTestId('pin-cpuset').waitFor();
  const result = await new AxeBuilder({ page }).include('.topology .bar').include('[data-testid="topology-inspector"]').include('[data-testid="problems-list"]').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
  );
});

test('topology: devices as their own nodes (devices-demo): MHI on its socket, the AIE array, the dma-buf graph', async ({ page, url, shot, pageErrors }) => {
  // Runs on after the tests above, or alone (`npx playwright test -g 'topology: dev'`).
  if ((await page.locator('.frame[data-ready="true"]').count()) === 0) {
    await page.goto(url);
    await page.waitForSelector('.frame[data-ready="true"]', { timeout: 20_000 });
  }
  await newFromExample(page, 'devices-demo');
  await waitHas(page, 'aie');
  for (const id of ['mhi:mhi0', 'mhi:mhi1', 'aiepart:p0', 'aiepart:p1', 'aiepart:p2', 'dmaexp:heap0', 'dmabuf:heap0', 'dmaimp:gpu0', 'dmaedge:exp:cam0', 'dmaedge:imp:disp0'])
    assert.equal(await has(page, id), true, id);
  const info = await page.evaluate((sel) => {
    const cy = document.querySelector(sel).cy;
    const e = cy.extent();
    const seen = (id) => {
      const b = cy.getElementById(id).boundingBox();
      return b.x1 >= e.x1 && b.x2 <= e.x2 && b.y1 >= e.y1 && b.y2 <= e.y2;
    };
    const slot = cy.getElementById('mhi:mhi1').data('container');
    return { aie: cy.getElementById('aie').data('labelL'), p2: cy.getElementById('aiepart:p2').data('labelL'), mhi: [slot, cy.getElementById(slot).data('container')], inView: ['machine', 'aie', 'dmabuf'].every(seen) };
  }, CANVAS);
  // The modem sits in a PCI slot of its socket, as lstopo draws a PCI function under its package.
  assert.deepEqual(info, { aie: 'AI Engine 50 × 9 · 3 partitions', p2: 'p2 · cols 40–40', mhi: ['pci:0001:01:00.0', 'pkg:1'], inView: true });
  // The importer of the AIE buffer is warned about (the seed's exporter has no map_dma_buf), in the Problems tab too.
  await page.getByRole('tab', { name: 'Problems' }).click();
  await page.getByTestId('problems-list').getByText(/gpu2 maps aiemem0 .* does not implement map_dma_buf/).waitFor();
  // L#/P# relabels the host and keeps the devices; Fit shows everything.
  await page.getByRole('button', { name: 'P#', exact: true }).click();
  // (Zoomed in, where Cytoscape draws the labels itself; zoomed out the label layer does.)
  await page.getByRole('button', { name: '100 %', exact: true }).click();
  assert.equal(await page.evaluate((sel) => document.querySelector(sel).cy.getElementById('pkg:1').style('label'), CANVAS), 'Package P#8');
  assert.equal(await page.evaluate((sel) => document.querySelector(sel).cy.getElementById('aiepart:p0').style('label'), CANVAS), 'p0 · cols 0–11');
  await page.getByRole('button', { name: 'L#', exact: true }).click();
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await shot('ui-topology-06-devices');
  assert.deepEqual(pageErrors.filter((e) => !e.includes('favicon')), []);
});

test('topology: devices edited from the palette and inspector; an overlapping partition refused; Del; undo', async ({ page, shot }) => {
  // Palette: an MHI controller on the last socket, a partition on the first free columns (16–19).
  await page.getByRole('button', { name: '+ MHI', exact: true }).click();
  await waitHas(page, 'mhi:mhi2');
  assert.equal(await page.evaluate((sel) => document.querySelector(sel).cy.getElementById('mhi:mhi2').data('container'), CANVAS), 'pci:0001:02:00.0');
  // Keyboard: the palette buttons are plain buttons; Enter on a focused one acts.
  await page.getByRole('button', { name: '+ Partition', exact: true }).focus();
  await page.keyboard.press('Enter');
  await waitHas(page, 'aiepart:p3');
  assert.equal(await page.evaluate((sel) => document.querySelector(sel).cy.getElementById('aiepart:p3').data('labelL'), CANVAS), 'p3 · cols 16–19');

  // The array's inspector: a partition over columns 8–11 overlaps p0 — refused, the reason under the form.
  await clickNode(page, 'aie', { box: true });
  await inspector(page).getByRole('heading', { name: 'AI Engine array' }).waitFor();
  await inspector(page).getByLabel('First column').fill('8');
  await inspector(page).getByLabel('Columns', { exact: true }).last().fill('4');
  await inspector(page).getByRole('button', { name: 'Add partition' }).click();
  const err = inspector(page).getByTestId('inspector-error');
  await err.waitFor();
  assert.equal(await err.textContent(), "AIE partition p4: columns 8..11 overlap partition 'p0' (columns 0..11) (devices.aie.partitions[4].startCol)");
  assert.equal(await has(page, 'aiepart:p4'), false);
  await shot('ui-topology-07-partition-refused');

  // An MHI controller's inspector: a ring of 1 descriptor is refused, naming the field.
  await clickNode(page, 'mhi:mhi2');
  await inspector(page).getByRole('heading', { name: 'MHI controller mhi2' }).waitFor();
  const ring = inspector(page).getByLabel('Ring size');
  await ring.fill('1');
  await ring.press('Enter');
  await ring.blur();
  await inspector(page).getByTestId('inspector-error').getByText('MHI controller mhi2: expected 2..4096, got 1 (devices.mhi[2].ringSize)').waitFor();
  await ring.fill('128');
  await ring.blur();
  await page.waitForFunction(() => document.querySelector('[data-testid="inspector-error"]') === null);

  // Del on the selected partition removes it; Ctrl+Z brings it back.
  await clickNode(page, 'aiepart:p3');
  await inspector(page).getByRole('heading', { name: 'AIE partition p3' }).waitFor();
  await page.locator(CANVAS).focus();
  await page.keyboard.press('Delete');
  await waitHas(page, 'aiepart:p3', false);
  await page.keyboard.press('Control+z');
  await waitHas(page, 'aiepart:p3');
  // Del on an exporter whose buffer is imported is refused, with the reason on the canvas.
  await clickNode(page, 'dmaexp:heap0');
  await page.locator(CANVAS).focus();
  await page.keyboard.press('Delete');
  const refusal = page.getByTestId('topology-refusal');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /gpu0 imports heap0's buffer: remove it or change the source first/);
  await refusal.getByRole('button', { name: 'Dismiss' }).click();
  // Palette: a dma-buf exporter, and an importer of the selected exporter's buffer.
  await page.getByRole('button', { name: '+ Exporter', exact: true }).click();
  await waitHas(page, 'dmaexp:heap1');
  await clickNode(page, 'dmaexp:heap1');
  await page.getByRole('button', { name: '+ Importer', exact: true }).click();
  await waitHas(page, 'dmaedge:imp:gpu3');
  assert.equal(await page.evaluate((sel) => document.querySelector(sel).cy.getElementById('dmaedge:imp:gpu3').data('source'), CANVAS), 'dmabuf:heap1');
  // Drag from importer gpu0 onto cam0's buffer: gpu0 imports that buffer now (one undoable edit).
  const a = await at(page, 'dmaimp:gpu0');
  const b = await at(page, 'dmabuf:cam0');
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(a.x + ((b.x - a.x) * i) / 8, a.y + ((b.y - a.y) * i) / 8);
  await page.mouse.up();
  await page.waitForFunction((sel) => document.querySelector(sel).cy.getElementById('dmaedge:imp:gpu0').data('source') === 'dmabuf:cam0', CANVAS, { timeout: 10_000 });
  await shot('ui-topology-08-devices-edited');

  // The device boxes move too: the dma-buf box dragged by its label band, the AI Engine
  // array with Alt+←; two undo steps put both back.
  const dmaHome = await topLeft(page, 'dmabuf');
  const aieHome = await topLeft(page, 'aie');
  await dragBy(page, await bandRight(page, 'dmabuf'), -40, 60);
  await page.mouse.up();
  await waitTopLeft(page, 'dmabuf', Math.round(dmaHome.x - 40 / dmaHome.zoom), Math.round(dmaHome.y + 60 / dmaHome.zoom));
  await clickNode(page, 'aie', { box: true });
  await page.locator(CANVAS).focus();
  await page.keyboard.press('Alt+ArrowLeft');
  await waitTopLeft(page, 'aie', aieHome.x - 10, aieHome.y);
  await shot('ui-topology-08b-devices-moved');
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await waitTopLeft(page, 'dmabuf', dmaHome.x, dmaHome.y);
  await waitTopLeft(page, 'aie', aieHome.x, aieHome.y);
});

test('topology: device inspectors and palette pass axe; Open in AI Engine view; SVG/PNG with the devices; dark theme', async ({ page, shot }) => {
  // Keyboard only: Escape on the drawing clears the selection; the inspector then lists the devices.
  await page.locator(CANVAS).focus();
  await page.keyboard.press('Escape');
  const aieLink = inspector(page).getByRole('list', { name: 'Devices' }).getByRole('button', { name: /^AI Engine 50 × 9, 4 partitions/ });
  await aieLink.focus();
  await page.keyboard.press('Enter');
  await inspector(page).getByRole('heading', { name: 'AI Engine array' }).waitFor();
  assert.equal(await page.evaluate((sel) => document.querySelector(sel).cy.getElementById('aie').selected(), CANVAS), true);
  await noSeriousAxe(page, '.topology .bar', '[data-testid="device-inspector"]');
  await clickNode(page, 'dmaimp:gpu2');
  await inspector(page).getByRole('heading', { name: 'dma-buf importer gpu2' }).waitFor();
  await noSeriousAxe(page, '[data-testid="device-inspector"]');
  await clickNode(page, 'dmaexp:aiemem0');
  await inspector(page).getByRole('heading', { name: 'dma-buf exporter aiemem0' }).waitFor();
  await noSeriousAxe(page, '[data-testid="device-inspector"]');

  const [svgDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG', exact: true }).click()]);
  const svg = fs.readFileSync(await svgDl.path(), 'utf8');
  for (const text of ['AI Engine 50 × 9 · 4 partitions', 'p3 · cols 16–19', 'heap1 · system-heap', 'gpu3 · gpu', 'MHI mhi2 (Gen3 x1)']) assert.ok(svg.includes(text), text);
  const [pngDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG', exact: true }).click()]);
  const png = fs.readFileSync(await pngDl.path());
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  // The whole drawing at 2×, so as wide as host, guests and the device column to its right.
  const fullW = await page.evaluate((sel) => document.querySelector(sel).cy.elements().boundingBox().w, CANVAS);
  assert.ok(Math.abs(png.readUInt32BE(16) - 2 * fullW) < 8, `PNG ${png.readUInt32BE(16)} px wide, drawing ${fullW}`);

  await page.getByTestId('theme-toggle').click();
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await shot('ui-topology-09-devices-dark');
  await noSeriousAxe(page, '.topology .bar', '[data-testid="device-inspector"]', '[data-testid="problems-list"]');
  await page.evaluate((sel) => {
    const cy = document.querySelector(sel).cy;
    cy.fit(cy.getElementById('aie').union(cy.getElementById('dmabuf')), 10);
  }, CANVAS);
  await shot('ui-topology-10-devices-dark-zoom');
  await page.getByTestId('theme-toggle').click();
  await shot('ui-topology-11-devices-light-zoom');

  // The partition's inspector opens the AI Engine centre tab.
  await clickNode(page, 'aiepart:p0');
  await inspector(page).getByRole('button', { name: 'Open in AI Engine view' }).click();
  await page.waitForFunction(() => document.getElementById('view-aie')?.getAttribute('aria-selected') === 'true');
  await page.getByRole('tab', { name: 'Topology' }).click();
  await page.locator(CANVAS).waitFor();
});
