/* global document */
// The topology editor's end-to-end checks (src-renderer/topology), run by run.mjs against one
// server and page: the seed drawn from its template, pin by dragging, pin by typing a cpuset
// (a bad one refused in the inspector, a split one warned about), undo, Del, SVG export.
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

export const tests = [
  {
    name: 'topology: the seed host drawn as lstopo does, guests and pins',
    async run({ page, url, shot, pageErrors }) {
      await page.goto(url);
      await page.waitForSelector('.frame[data-ready="true"]', { timeout: 20_000 });
      await page.getByRole('combobox', { name: 'Template for a new workspace' }).selectOption('seed-power9-ipi');
      await page.getByRole('button', { name: 'New workspace' }).click();
      await waitHas(page, 'pu:127');
      await waitHas(page, 'pin:A:55:core:27');
      const counts = await page.evaluate((sel) => {
        const cy = document.querySelector(sel).cy;
        return ['package', 'core', 'pu', 'vcpu'].map((k) => cy.nodes(`[kind = "${k}"]`).length).concat(cy.edges('.pin').length);
      }, CANVAS);
      assert.deepEqual(counts, [2, 32, 128, 60, 56]);
      await page.getByRole('button', { name: 'P#', exact: true }).click();
      await shot('ui-topology-01-seed-physical');
      await page.getByRole('button', { name: 'L#', exact: true }).click();
      await shot('ui-topology-02-seed');
      assert.deepEqual(pageErrors.filter((e) => !e.includes('favicon')), []);
    },
  },
  {
    name: 'topology: pin by dragging a vCPU onto a core, by typing a cpuset; refusals and warnings; undo; Del',
    async run({ page, shot }) {
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
      assert.match(await err.textContent(), /guests\[0\]\.vcpupin\[0\]\.cpuset: CPU 200 in '0-200' is beyond the host/);
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
    },
  },
  {
    name: 'topology: palette edits and a refused socket removal; SVG export',
    async run({ page, shot }) {
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
      assert.match(await refusal.textContent(), /beyond the host/);
      await shot('ui-topology-05-refused');
      await refusal.getByRole('button', { name: 'Dismiss' }).click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG', exact: true }).click()]);
      const svg = fs.readFileSync(await download.path(), 'utf8');
      assert.match(svg, /^<svg /);
      assert.match(svg, /Package L#1/);
      assert.ok((svg.match(/<rect /g) ?? []).length > 200);
    },
  },
  {
    name: 'topology: palette, inspector and problems list have no serious accessibility violations (axe)',
    async run({ page }) {
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
    },
  },
];
