/* global document */
// The drawing as a daily tool (src-renderer/topology: viewport.ts, label-layer.ts, keyboard.ts,
// find.ts): legible at the fit zoom, zoom buttons and a 20 % wheel step, fit kept after an edit
// and a resize, a find box, and pinning by keyboard alone.
import assert from 'node:assert/strict';
import { test } from './fixtures.mjs';
import { bridgeCall, ready } from './page-helpers.mjs';

const CANVAS = '[data-testid="topology-canvas"]';
const zoom = (page) => page.evaluate((sel) => document.querySelector(sel).cy.zoom(), CANVAS);
const selectedIds = (page) => page.evaluate((sel) => document.querySelector(sel).cy.$(':selected').map((e) => e.id()), CANVAS);
const focusedNode = (page) => page.evaluate((sel) => document.querySelector(sel).cy.$('.kbd-focus').map((e) => e.id()), CANVAS);
const waitHas = (page, id, want = true) =>
  page.waitForFunction(([sel, i, w]) => document.querySelector(sel)?.cy?.getElementById(i).nonempty() === w, [CANVAS, id, want], { timeout: 10_000 });

test.describe.configure({ mode: 'serial' });

test('drawing: the seed at fit zoom reads — socket, core and CPU labels drawn legibly; pin edges only for the selection', async ({ page, url, shot }) => {
  await page.goto(url);
  await ready(page);
  const r = await bridgeCall(page, 'workspaces.create', { name: 'Drawing e2e', builtin: 'seed-power9-ipi' });
  assert.equal(r.ok, true, JSON.stringify(r.error));
  await page.reload();
  await ready(page);
  await page.getByRole('list', { name: 'Workspace list' }).getByRole('button', { name: 'Drawing e2e', exact: true }).click();
  await waitHas(page, 'pin:A:55:core:27');
  const z = await zoom(page);
  assert.ok(z < 0.8, `the seed fits below 80 % (${z})`);
  // The label layer drew the labels Cytoscape hides at this zoom: packages, cores and CPU numbers.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="label-layer"]')?.dataset.drawn) > 100);
  assert.match(await page.getByTestId('zoom-level').textContent(), /^\d+ %$/);
  const pins = await page.evaluate((sel) => {
    const cy = document.querySelector(sel).cy;
    return { hidden: cy.edges('.pin').filter((e) => e.style('display') === 'none').length, all: cy.edges('.pin').length };
  }, CANVAS);
  assert.deepEqual(pins, { hidden: 56, all: 56 }, 'unselected pin edges are not drawn across the CPU numbers at fit zoom');
  // (Braces: evaluate would serialise the collection select() returns.)
  await page.evaluate((sel) => {
    document.querySelector(sel).cy.getElementById('vcpu:A:0').select();
  }, CANVAS);
  const lit = await page.evaluate((sel) => document.querySelector(sel).cy.edges('.pin.lit').filter((e) => e.style('display') === 'element').length, CANVAS);
  assert.ok(lit >= 1, 'the selection shows its pins');
  await page.evaluate((sel) => {
    document.querySelector(sel).cy.$(':selected').unselect();
  }, CANVAS);
  await shot('drawing-01-seed-fit-zoom');
});

test('drawing: zoom buttons, a 20 % wheel step, 100 %, Fit; fit kept after an edit that grows the drawing and after a resize', async ({ page }) => {
  const fitZoom = await zoom(page);
  await page.getByRole('button', { name: 'Zoom in' }).click();
  assert.ok(Math.abs((await zoom(page)) / fitZoom - 1.2) < 0.01);
  await page.getByRole('button', { name: 'Zoom out' }).click();
  assert.ok(Math.abs((await zoom(page)) / fitZoom - 1) < 0.01);
  const box = await page.locator(CANVAS).boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -100);
  await page.waitForFunction(([sel, z]) => Math.abs(document.querySelector(sel).cy.zoom() / z - 1.2) < 0.01, [CANVAS, fitZoom]);
  await page.getByRole('button', { name: '100 %' }).click();
  assert.equal(await zoom(page), 1);
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  assert.ok(Math.abs((await zoom(page)) - fitZoom) < 0.001);
  // Fitted means: all in view, and tight in one dimension (the boxes' extent × zoom fills the
  // width or the height less the 24 px padding). + Socket makes the drawing bigger: fitted again.
  const fitted = () =>
    page.evaluate((sel) => {
      const cy = document.querySelector(sel).cy;
      let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
      cy.nodes().forEach((n) => {
        const w = n.data('w') || 0;
        const h = n.data('h') || 0;
        if (w <= 1 && h <= 1) return;
        const p = n.position();
        [x1, y1, x2, y2] = [Math.min(x1, p.x - w / 2), Math.min(y1, p.y - h / 2), Math.max(x2, p.x + w / 2), Math.max(y2, p.y + h / 2)];
      });
      const z = cy.zoom();
      const e = cy.extent();
      const inView = x1 >= e.x1 - 1 && x2 <= e.x2 + 1 && y1 >= e.y1 - 1 && y2 <= e.y2 + 1;
      const tight = Math.abs((x2 - x1) * z - (cy.width() - 48)) < 2 || Math.abs((y2 - y1) * z - (cy.height() - 48)) < 2;
      return inView && tight;
    }, CANVAS);
  assert.equal(await fitted(), true);
  // A narrower window fits again (and makes the width the tight dimension).
  await page.setViewportSize({ width: 1000, height: 900 });
  await page.waitForFunction(([sel, z]) => document.querySelector(sel).cy.zoom() < z - 0.01, [CANVAS, fitZoom]);
  await page.waitForTimeout(300);
  assert.equal(await fitted(), true, 'fitted again after a resize');
  // + Socket widens the drawing: fitted again.
  await page.getByRole('button', { name: '+ Socket' }).click();
  await waitHas(page, 'pkg:2');
  await page.waitForTimeout(300);
  assert.equal(await fitted(), true, 'fitted again after + Socket');
  await page.getByTestId('current-workspace').click();
  await page.keyboard.press('Control+z');
  await waitHas(page, 'pkg:2', false);
  await page.setViewportSize({ width: 1400, height: 900 });
});

test('drawing: the find box selects and centres a CPU and a vCPU, and says when there is none', async ({ page }) => {
  const find = page.getByTestId('find-input');
  await find.fill('122');
  await find.press('Enter');
  await page.waitForFunction((sel) => document.querySelector(sel).cy.getElementById('pu:122').selected(), CANVAS);
  const centred = await page.evaluate((sel) => {
    const cy = document.querySelector(sel).cy;
    const p = cy.getElementById('pu:122').renderedPosition();
    return Math.abs(p.x - cy.width() / 2) < 2 && Math.abs(p.y - cy.height() / 2) < 2 && cy.zoom() >= 1;
  }, CANVAS);
  assert.equal(centred, true);
  await find.fill('A:40');
  await find.press('Enter');
  await page.waitForFunction((sel) => document.querySelector(sel).cy.getElementById('vcpu:A:40').selected(), CANVAS);
  assert.deepEqual(await selectedIds(page), ['vcpu:A:40']);
  await find.fill('200');
  await find.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'No CPU 200: this host has CPUs 0-127.' }).waitFor();
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
});

test('drawing: keyboard only — Tab to the drawing, arrows move the focus ring, Enter selects, Shift+arrow extends, Shift+Enter toggles, P then arrows and Enter pin', async ({ page, shot }) => {
  // Guest B's vCPUs float: pin B:0 and B:1 to a core by keyboard alone.
  await page.getByTestId('find-input').focus();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('B:0');
  await page.keyboard.press('Enter');
  await page.waitForFunction((sel) => document.querySelector(sel).cy.getElementById('vcpu:B:0').selected(), CANVAS);
  // Tab on from the find box (past Reset layout, PNG, SVG) to the drawing.
  for (let i = 0; i < 6 && (await page.evaluate(() => document.activeElement?.dataset.testid)) !== 'topology-canvas'; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'topology-canvas');
  assert.deepEqual(await focusedNode(page), ['vcpu:B:0']);
  // Shift+arrow extends the selection; Shift+Enter toggles the focused element in and out.
  await page.keyboard.press('Shift+ArrowRight');
  assert.deepEqual(await focusedNode(page), ['vcpu:B:1']);
  assert.deepEqual((await selectedIds(page)).sort(), ['vcpu:B:0', 'vcpu:B:1']);
  await page.keyboard.press('Shift+Enter');
  assert.deepEqual(await selectedIds(page), ['vcpu:B:0']);
  await page.keyboard.press('Shift+Enter');
  assert.deepEqual((await selectedIds(page)).sort(), ['vcpu:B:0', 'vcpu:B:1']);
  await page.keyboard.press('p');
  await page.getByTestId('topology-key-status').filter({ hasText: /^Pin to .*\? Enter pins, Escape cancels\.$/ }).waitFor();
  // In pin mode the ring walks host objects only: up from CPU 0 reaches its core.
  const start = (await focusedNode(page))[0];
  assert.match(start, /^pu:\d+$/);
  await page.keyboard.press('ArrowUp');
  const target = (await focusedNode(page))[0];
  assert.match(target, /^(core|numa|pkg):\d+$/, target);
  await shot('drawing-02-keyboard-pinning');
  await page.keyboard.press('Enter');
  await page.getByTestId('topology-key-status').filter({ hasText: /^Pinned 2 vCPUs to / }).waitFor();
  await page.waitForFunction(
    ([sel, t]) => {
      const cy = document.querySelector(sel).cy;
      return cy.getElementById(`pin:B:0:${t}`).nonempty() && cy.getElementById(`pin:B:1:${t}`).nonempty();
    },
    [CANVAS, target],
  );
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'topology-canvas', 'focus stays on the drawing');
  await shot('drawing-03-keyboard-pinned');
  // P without vCPUs selected says what to do.
  await page.keyboard.press('Escape');
  await page.keyboard.press('p');
  await page.getByTestId('topology-refusal').getByText(/Select one or more vCPUs first/).waitFor();
});

test('drawing: the first frame is painted before Cytoscape is loaded; a click made then selects the thread under it once it is', async ({ page, url }) => {
  const open = async () => {
    await ready(page);
    await page.getByRole('list', { name: 'Workspace list' }).getByRole('button', { name: 'Drawing e2e', exact: true }).click();
  };
  // Where CPU 5 is at the fit view.
  await page.goto(url);
  await open();
  await waitHas(page, 'pu:5');
  const at = await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const r = el.getBoundingClientRect();
    const p = el.cy.getElementById('pu:5').renderedPosition();
    return [r.left + p.x, r.top + p.y];
  }, CANVAS);
  // Again, with Cytoscape's module (its own chunk) held back until the click has been made.
  let release;
  const gate = new Promise((r) => (release = r));
  const chunk = /cytoscape-module-[^/]*\.js$/;
  await page.route(chunk, async (route) => {
    await gate;
    await route.continue();
  });
  await page.reload();
  await open();
  // The scene and label layers painted the drawing, and there is no Cytoscape yet.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="scene-layer"]')?.dataset.painted) > 200);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="label-layer"]')?.dataset.drawn) > 100);
  assert.equal(await page.evaluate((sel) => document.querySelector(sel).cy === null, CANVAS), true);
  await page.mouse.click(at[0], at[1]);
  release();
  await page.waitForFunction((sel) => document.querySelector(sel)?.cy?.getElementById('pu:5').selected(), CANVAS, { timeout: 10_000 });
  assert.deepEqual(await selectedIds(page), ['pu:5']);
  await page.unroute(chunk);
});
