/* global document -- functions passed to page.evaluate/waitForFunction run in the page */
// Time travel (issue 16), in order in one page: the what-if seed workspace (with the calibrated defaults the seed
// loses no IPI in 20 h; the what-if, seed 28, loses a CALL_FUNCTION at 10.7 s and its sender soft-locks at 58.5 s) run from the toolbar
// with Run until = first soft lockup: it pauses there; Stop stores it stopped-at; `[` scrubs back to the lost IPI and
// opens its interleaving, which names the deferred store and an explorer witness that `twb explore ipi` prints; after
// a reload the same run opened from Runs shows the same overlay at the same scrubbed time.
import { test } from './fixtures.mjs';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { openNewWorkspace, ready } from './page-helpers.mjs';

const NAME = 'Time travel e2e';
const TWB = decodeURIComponent(new URL('../../bin/twb.js', import.meta.url).pathname);
const waitState = (page, states, timeout = 120_000) =>
  page.waitForFunction((s) => s.includes(document.querySelector('[data-testid="run-progress"]')?.dataset.state), states, { timeout, polling: 250 });
const timeline = (page) => page.getByTestId('run-timeline');

test.describe.configure({ mode: 'serial', timeout: 300_000 });
let before = null;

test('time travel: Run until first soft lockup pauses there; Stop stores it stopped-at', async ({ page, url, shot, pageErrors }) => {
  await page.goto(url);
  await ready(page);
  await openNewWorkspace(page, NAME, 'seed-power9-ipi-whatif');
  const bar = page.getByRole('toolbar', { name: 'Run' });
  await bar.getByLabel('mb before set').uncheck();
  await bar.getByLabel('mb after clear').uncheck();
  await bar.getByLabel('Duration').fill('1h');
  await bar.getByLabel('Seed').fill('28');
  await bar.getByLabel('Seed').dispatchEvent('change');
  await bar.getByTestId('run-until').selectOption('first-soft-lockup');
  await bar.getByRole('button', { name: 'Run', exact: true }).click();
  await waitState(page, ['paused']);
  assert.match(await bar.getByRole('status').textContent(), /paused at first soft lockup, \d+\.\d s/);
  // Counted as a sentence would: "1 lost IPI", "2 lockups".
  const counters = (await bar.getByTestId('run-counters').textContent()).replace(/\s+/g, ' ').trim();
  const lockups = Number(/· (\d+) lockup/.exec(counters)?.[1]);
  assert.equal(counters, `1 lost IPI · ${lockups} ${lockups === 1 ? 'lockup' : 'lockups'}`);
  // The timeline replays the run so far: a lost-IPI marker first, the soft lockup's last.
  const kinds = await timeline(page).getByTestId('timeline-marker').evaluateAll((ms) => ms.map((m) => m.dataset.kind));
  assert.equal(kinds[0], 'lost-ipi');
  assert.equal(kinds.at(-1), 'soft-lockup');
  await shot('tt-paused-at-soft-lockup');
  await bar.getByRole('button', { name: 'Stop' }).click();
  await waitState(page, ['stopped-at']);
  assert.deepEqual(pageErrors, []);
});

test('time travel: [ scrubs back to the lost IPI and opens its interleaving, matching an explorer witness', async ({ page, shot, pageErrors }) => {
  // `[` steps back marker by marker (an RCU stall may come first) to the lost IPI, which opens its interleaving.
  const lostT = await timeline(page).getByTestId('timeline-marker').first().getAttribute('data-t');
  for (let i = 0; i < 5 && (await timeline(page).getAttribute('data-t')) !== lostT; i++) {
    await page.locator('body').press('[');
    await page.waitForTimeout(200);
  }
  assert.equal(await timeline(page).getAttribute('data-t'), lostT);
  const view = page.getByTestId('interleaving');
  await view.waitFor();
  const text = await view.textContent();
  assert.match(text, /lost IPI 1 of 1: CALL_FUNCTION to CPU \d+ at \d+\.\d{9} s from CPU \d+/);
  assert.match(text, /deferred: .*message\[CALL_FUNCTION\] = 1/);
  const body = await view.getByTestId('interleaving-text').textContent();
  assert.match(body, /^CPU\n/);
  const sender = /from CPU (\d+)/.exec(text)[1];
  assert.match(body, new RegExp(`// STORE DEFERRED DUE TO RE-ORDERING\\n\\|?--${sender}: message\\[CALL_FUNCTION\\] = 1`));
  assert.match(body, /local_paca->kvm_hstate\.host_ipi == 0 \/\/ IPI ignored/);
  // Stores to host_ipi in coherence order: the sender's set, overwritten by the target's clear, is listed above it.
  const target = /to CPU (\d+)/.exec(text)[1];
  const setAt = body.indexOf(`${sender}: kvmppc_set_host_ipi(${target}, 1)`);
  assert.ok(setAt >= 0 && setAt < body.indexOf(`${target}: kvmppc_clear_host_ipi(${target})`), 'set listed above the clear that overwrote it');
  assert.ok((await view.locator('pre mark').count()) >= 4, 'deferred and completing lines are marked');
  // The witness it names is one `twb explore ipi` prints for that variant.
  const [, command, n, on] = /matches `(twb explore ipi [^`]+)` witness (\d) \(reordering on its CPU ([^,]+),/.exec(text);
  assert.match(command, /--barriers none/);
  const ex = spawnSync(process.execPath, [TWB, ...command.split(' ').slice(1)], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(ex.status, 0, ex.stderr);
  assert.match(ex.stdout, new RegExp(`witness ${n}: message\\[CALL_FUNCTION\\] lost; reordering on CPU ${on}\\n`));
  await shot('tt-interleaving');
  before = { t: await timeline(page).getAttribute('data-t'), overlay: await timeline(page).getAttribute('data-overlay'), run: await timeline(page).getAttribute('data-run') };
  assert.ok(before.overlay.length > 0);
  await page.keyboard.press('Escape');
  await view.waitFor({ state: 'detached' });
  // `]` steps forward; the soft lockup's marker is the last, where CPUs spin.
  await page.locator('body').press(']');
  await page.waitForFunction((t) => document.querySelector('[data-testid="run-timeline"]')?.dataset.t !== t, lostT);
  const lockMarker = timeline(page).locator('[data-kind="soft-lockup"]');
  await lockMarker.click();
  const lockT = await lockMarker.getAttribute('data-t');
  await page.waitForFunction((t) => document.querySelector('[data-testid="run-timeline"]')?.dataset.t === t, lockT);
  await page.waitForFunction(() => /spinning \d/.test(document.querySelector('[data-testid="run-timeline"]')?.dataset.overlay ?? ''));
  // Find the spinning CPU by its kernel name: the diagnosis says what it waits on and who holds it.
  // (the one the soft-lockup watchdog reported: its wait is known by then)
  const spinning = /CPU (\d+)/.exec(await lockMarker.getAttribute('aria-label'))[1];
  // In the find box `[` and `]` are text: they type, and the timeline stays where it is.
  await page.getByTestId('find-input').fill('');
  await page.getByTestId('find-input').press(']');
  await page.getByTestId('find-input').press('[');
  assert.equal(await page.getByTestId('find-input').inputValue(), '][');
  await page.waitForTimeout(200);
  assert.equal(await timeline(page).getAttribute('data-t'), lockT);
  await page.getByTestId('find-input').fill(`CPU#${spinning}`);
  await page.getByTestId('find-input').press('Enter');
  const diag = page.getByTestId('cpu-diagnosis');
  await diag.waitFor();
  assert.equal(await diag.getByTestId('cpu-state').textContent(), 'spinning');
  assert.match(await diag.getByTestId('cpu-waits').textContent(), /^waits on (csd_lock_wait\(cpu \d+\) — on CPU \d+|.+ held by .+ — on CPU \d+)/);
  await shot('tt-soft-lockup-scrubbed');
  // Its Call Trace: the stack of the call path the model has it spinning in, as the soft lockup printed it.
  const frames = await diag.getByTestId('cpu-call-trace').locator('pre').textContent();
  assert.match(frames, /^Call Trace:\n (csd_lock_wait \(inlined\)\n smp_call_function_many\n serialize_against_pte_lookup|_raw_spin_lock)\n/);
  assert.match(frames, /\n (system_call|ret_from_kernel_thread)$/);
  await diag.getByTestId('cpu-call-trace').scrollIntoViewIfNeeded();
  await shot('tt-cpu-call-trace');
  // A task by name (the one spinning there, e.g. worker:19560) finds its CPU; a vCPU as A:52.
  const task = (await diag.getByTestId('cpu-task').textContent()).replace(/^task /, '');
  await page.getByTestId('find-input').fill('A:52');
  await page.getByTestId('find-input').press('Enter');
  await diag.waitFor({ state: 'detached' });
  await page.getByTestId('find-input').fill(task);
  await page.getByTestId('find-input').press('Enter');
  await diag.waitFor();
  assert.match(await diag.textContent(), new RegExp(`CPU#${spinning}\\b`));
  assert.equal(await page.locator('.find-error').count(), 0);
  assert.deepEqual(pageErrors, []);
});

test('time travel: a click on the red lost-IPI arrow on the drawing opens the interleaving that lost it', async ({ page, shot, pageErrors }) => {
  // Still at the soft lockup: the lost CALL_FUNCTION is drawn as a red arrow from its sender's CPU to its target.
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  const overlay = page.getByTestId('run-overlay');
  const box = await overlay.boundingBox();
  // The arrow as last painted (after the fit's redraw): its middle, in the drawing's pixels, inside the view.
  const arrow = await page.waitForFunction(
    ([w, h]) => {
      const m = /^(\d+)>(\d+)@(-?\d+),(-?\d+)/.exec(document.querySelector('[data-testid="run-overlay"]')?.dataset.lostIpis ?? '');
      return m && Number(m[3]) > 0 && Number(m[3]) < w && Number(m[4]) > 0 && Number(m[4]) < h ? m.slice(1).map(Number) : null;
    },
    [box.width, box.height],
  );
  const [from, to, x, y] = await arrow.jsonValue();
  const selected = () => page.evaluate(() => document.querySelector('[data-testid="topology-canvas"]').cy.$(':selected').map((e) => e.id()).sort());
  const before = await selected();
  await page.mouse.click(box.x + x, box.y + y);
  const view = page.getByTestId('interleaving');
  await view.waitFor();
  // The arrow took the click: what lies under it on the drawing was not selected (nor the selection cleared).
  assert.deepEqual(await selected(), before);
  assert.match(await view.textContent(), new RegExp(`lost IPI \\d+ of \\d+: CALL_FUNCTION to CPU ${to} at \\d+\\.\\d{9} s from CPU ${from}\\b`));
  assert.match(await view.getByTestId('interleaving-text').textContent(), /local_paca->kvm_hstate\.host_ipi == 0 \/\/ IPI ignored/);
  await shot('tt-arrow-opens-interleaving');
  await page.keyboard.press('Escape');
  await view.waitFor({ state: 'detached' });
  // The Console has the soft lockup's Call Trace folded under its line.
  await page.getByRole('tab', { name: 'Console' }).click();
  await page.getByRole('radiogroup', { name: /Filter Kernel log/ }).getByLabel('soft lockup').check();
  const folded = page.getByTestId('log-call-trace').first();
  await folded.locator('summary').click();
  assert.match(await folded.locator('pre').textContent(), /^Call Trace:\n (csd_lock_wait \(inlined\)|_raw_spin_lock)\n/);
  await shot('tt-console-call-trace');
  assert.deepEqual(pageErrors, []);
});

test('time travel: after a reload the run opened from Runs shows the same overlay at the same scrubbed time', async ({ page, shot, pageErrors }) => {
  await page.reload();
  await ready(page);
  await page.getByRole('tab', { name: 'Runs' }).click();
  await page.getByRole('button', { name: `Open run ${before.run}` }).click();
  await timeline(page).waitFor();
  assert.equal(await timeline(page).getAttribute('data-run'), before.run);
  await timeline(page).getByTestId('timeline-marker').first().click();
  await page.getByTestId('interleaving').waitFor();
  assert.equal(await timeline(page).getAttribute('data-t'), before.t);
  assert.equal(await timeline(page).getAttribute('data-overlay'), before.overlay);
  await page.keyboard.press('Escape');
  await shot('tt-reloaded-same-time');
  assert.deepEqual(pageErrors, []);
});
