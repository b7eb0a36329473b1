/* global document */
// Import/export from the toolbar (src-renderer/shell/ImportExport.svelte), run in order in one page (fixtures.mjs)
// against one server and page: an lstopo file as a new workspace (drawn), a libvirt guest added
// (outline, drawing, undo), exports checked against what the CLI writes, and a malformed file
// refused with its line and column while nothing changes. Driven by the keyboard.
import { needTool, test } from './fixtures.mjs';
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CANVAS = '[data-testid="topology-canvas"]';
const fixture = (root, f) => path.join(root, 'test/fixtures', f);
const currentName = (page) => page.getByTestId('current-workspace').textContent();
const waitCurrent = (page, name) => page.waitForFunction((n) => document.querySelector('[data-testid="current-workspace"]')?.textContent === n, name, { timeout: 10_000 });
const waitHas = (page, id, want = true) =>
  page.waitForFunction(([sel, i, w]) => document.querySelector(sel)?.cy?.getElementById(i).nonempty() === w, [CANVAS, id, want], { timeout: 10_000 });
const outlineGuests = (page) => page.getByRole('list', { name: 'Topology outline' }).locator('.name').allTextContents();
const listNames = (page) => page.getByRole('list', { name: 'Workspace list' }).locator('button.open').allTextContents();
const focusedTestId = (page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
const status = (page) => page.getByTestId('transfer-status').textContent();

/** Opens a menu from the keyboard and picks the entry named `entry` with ↓ and Enter; returns what Enter caused (`event`). */
async function pickFromKeyboard(page, menuTestId, entry, event) {
  await page.getByTestId(menuTestId).focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu');
  await menu.waitFor();
  const items = await menu.getByRole('menuitem').allTextContents();
  const index = items.findIndex((t) => t.startsWith(entry));
  assert.ok(index >= 0, `no menu entry '${entry}' in ${JSON.stringify(items)}`);
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  const [result] = await Promise.all([event ? page.waitForEvent(event) : Promise.resolve(null), page.keyboard.press('Enter')]);
  return result;
}

async function importFile(page, entry, file) {
  const chooser = await pickFromKeyboard(page, 'import-menu', entry, 'filechooser');
  await chooser.setFiles(file);
}

async function exportText(page, entry) {
  const download = await pickFromKeyboard(page, 'export-menu', entry, 'download');
  return { name: download.suggestedFilename(), text: fs.readFileSync(await download.path(), 'utf8') };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-e2e-transfer-'));
/** Files the export test wrote, checked by the system tools in the tests after it. */
const exported = { hwloc: '', libvirt: '' };

test.describe.configure({ mode: 'serial' });
test('transfer: import an lstopo hwloc XML as a new workspace; its host is drawn', async ({ page, url, root, shot, pageErrors }) => {
  // A listener from the start keeps Playwright's file-chooser interception on (turning it on per wait races the key press).
  page.on('filechooser', () => {});
  await page.goto(url);
  await page.waitForSelector('.frame[data-ready="true"]', { timeout: 20_000 });
  await importFile(page, 'hwloc XML…', fixture(root, 'lstopo-pack2-core4-pu2.xml'));
  await waitCurrent(page, 'lstopo-pack2-core4-pu2');
  await waitHas(page, 'pu:15');
  const counts = await page.evaluate((sel) => {
    const cy = document.querySelector(sel).cy;
    return ['package', 'core', 'pu', 'vcpu'].map((k) => cy.nodes(`[kind = "${k}"]`).length);
  }, CANVAS);
  assert.deepEqual(counts, [2, 8, 16, 0]);
  assert.match(await status(page), /New workspace “lstopo-pack2-core4-pu2” from lstopo-pack2-core4-pu2\.xml: 2 sockets × 4 cores, SMT2/);
  assert.equal(await focusedTestId(page), 'import-menu', 'focus returns to the Import button');
  // The note is a toast in the drawing's corner: it covers none of the controls.
  const note = await page.getByTestId('transfer-status').locator('.note').boundingBox();
  for (const control of [page.getByTestId('import-menu'), page.getByTestId('export-menu'), page.getByTestId('find-input'), page.getByRole('group', { name: 'Zoom' }), page.getByRole('toolbar', { name: 'Topology palette' }), page.getByRole('toolbar', { name: 'Run' })]) {
    const b = await control.boundingBox();
    const overlaps = note.x < b.x + b.width && b.x < note.x + note.width && note.y < b.y + b.height && b.y < note.y + note.height;
    assert.equal(overlaps, false, `the note covers ${await control.evaluate((e) => e.getAttribute('aria-label') ?? e.dataset.testid)}`);
  }
  await shot('ui-transfer-01-hwloc-imported');
  assert.deepEqual(pageErrors.filter((e) => !e.includes('favicon')), []);
});

test('transfer: import a libvirt guest into the open workspace; outline and drawing show it; a second copy is renamed; undo', async ({ page, root, shot }) => {
  await importFile(page, 'libvirt domain XML…', fixture(root, 'libvirt-guest-web.xml'));
  await waitHas(page, 'guest:web');
  await waitHas(page, 'vcpu:web:3');
  assert.deepEqual(await outlineGuests(page), ['web']);
  assert.match(await status(page), /Added guest “web” from libvirt-guest-web\.xml: 4 vCPUs/);
  // The vcpupin elements became pins on the drawing: vCPU 0 on CPU 8 (core 4's first thread).
  await waitHas(page, 'pin:web:0:pu:8');
  await shot('ui-transfer-02-guest-imported');

  // The same domain with elements the model does not keep: the note names each, and stays until dismissed.
  const extra = path.join(tmp, 'web-extra.xml');
  fs.writeFileSync(extra, fs.readFileSync(fixture(root, 'libvirt-guest-web.xml'), 'utf8').replace('<memory', "<uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>\n  <memory").replace('</domain>', "  <devices><disk type='file' device='disk'/></devices>\n</domain>"));
  await importFile(page, 'libvirt domain XML…', extra);
  await waitHas(page, 'guest:web-2');
  assert.deepEqual(await outlineGuests(page), ['web', 'web-2']);
  assert.match(await status(page), /as “web-2” \(“web” was taken\).* Not kept: domain\/uuid, domain\/devices\./);
  assert.equal(await page.getByTestId('transfer-status').locator('.note').getAttribute('data-lasts'), 'until-dismissed');
  // Undo is the store's: the second import goes, the first stays.
  await page.getByRole('button', { name: 'Undo' }).click();
  await waitHas(page, 'guest:web-2', false);
  assert.deepEqual(await outlineGuests(page), ['web']);
});

test('transfer: place the guest from the inspector — emulator pin and two NUMA cells, a bad cpuset refused as typed, undo', async ({ page, shot }) => {
  await page.evaluate((sel) => {
    const cy = document.querySelector(sel).cy;
    cy.$(':selected').unselect();
    cy.getElementById('guest:web').select();
  }, CANVAS);
  await page.getByTestId('guest-placement').waitFor();
  const emulator = page.getByTestId('emulatorpin');
  // The import made libvirt's default explicit: the emulator runs where <vcpu cpuset> allows.
  assert.equal(await emulator.inputValue(), '8-11');
  // Checked as typed against the host's 16 CPUs; nothing is applied.
  await emulator.fill('12-16');
  await page.getByText("CPU 16 in '12-16' is beyond the host (CPUs 0-15)").waitFor();
  await emulator.fill('12-15');
  await emulator.press('Enter');
  await page.getByText("CPU 16 in '12-16'").waitFor({ state: 'detached' });
  const cells = page.getByTestId('numa-cells');
  await cells.fill('2');
  await cells.press('Enter');
  await page.getByTestId('cell-1-cpus').waitFor();
  assert.deepEqual([await page.getByTestId('cell-0-cpus').inputValue(), await page.getByTestId('cell-1-cpus').inputValue()], ['0-1', '2-3']);
  assert.deepEqual([await page.getByTestId('cell-0-memory').inputValue(), await page.getByTestId('cell-1-memory').inputValue()], ['2G', '2G']);
  // A cell whose vCPUs overlap the other's is refused by the workspace, naming the cell.
  await page.getByTestId('cell-1-cpus').fill('1-3');
  await page.getByTestId('cell-1-cpus').press('Enter');
  await page.getByTestId('inspector-error').getByText(/guest web, NUMA cell 1: vCPU 1 is in cell 0 and cell 1/).waitFor();
  await shot('ui-transfer-03-guest-placement');
  // Undo takes the cells back (the refused edit changed nothing); the emulator pin stays.
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.getByTestId('cell-0-cpus').waitFor({ state: 'detached' });
  assert.equal(await cells.inputValue(), '0');
  assert.equal(await emulator.inputValue(), '12-15');
  await cells.fill('2');
  await cells.press('Enter');
  await page.getByTestId('cell-1-cpus').waitFor();
});

test('transfer: the Problems tab names placements that cost — memory bound away from the vCPUs, emulator threads on their cores, hugepages beyond the node; undo', async ({ page, shot }) => {
  // web's vCPUs 0-1 are pinned to CPUs 8-9 (socket 1's first core); the host has 512 MiB a node.
  const emulator = page.getByTestId('emulatorpin');
  await emulator.fill('8-9');
  await emulator.press('Enter');
  await page.getByTestId('numatune-nodeset').fill('0');
  await page.getByTestId('numatune-nodeset').press('Enter');
  await page.getByTestId('hugepages').check();
  await page.getByRole('tab', { name: 'Problems' }).click();
  const problems = page.getByTestId('problems-list');
  await problems.getByText('guest web: emulator threads pinned to CPUs 8-9, on cores that run pinned vCPUs (guest web): their wakeups preempt those vCPUs').waitFor();
  await problems.getByText(/^guest web, cell 0: memory bound to node 0 \(strict\) but vCPUs 0-1 pinned to node 1: every access is remote/).waitFor();
  await problems.getByText(/^node 0: hugepage-backed guest memory \(guest web\) needs [\d.]+ GiB, the node has 0\.5 GiB: QEMU cannot allocate it/).waitFor();
  await shot('ui-transfer-03b-placement-problems');
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Undo' }).click();
  await problems.getByText(/emulator threads pinned|memory bound|hugepage-backed/).first().waitFor({ state: 'detached' });
  assert.equal(await emulator.inputValue(), '12-15');
});

test('transfer: export workspace JSON, hwloc XML and a guest as libvirt XML — what the CLI writes', async ({ page, root }) => {
  await page.waitForFunction(() => document.querySelector('[data-testid="save-state"]')?.textContent === 'Saved');
  const json = await exportText(page, 'Workspace JSON');
  assert.equal(json.name, 'lstopo-pack2-core4-pu2.json');
  const doc = JSON.parse(json.text);
  assert.equal(doc.name, 'lstopo-pack2-core4-pu2');
  assert.deepEqual(doc.host.sockets, [{ cores: 4, memoryBytes: 2 ** 29 }, { cores: 4, memoryBytes: 2 ** 29 }]);
  assert.deepEqual(doc.guests.map((g) => g.name), ['web']);
  const wsFile = path.join(tmp, json.name);
  fs.writeFileSync(wsFile, json.text);
  const twb = (...args) => spawnSync(process.execPath, [path.join(root, 'bin/twb.js'), ...args], { cwd: root, encoding: 'utf8' });

  const hwloc = await exportText(page, 'Host as hwloc XML');
  assert.equal(hwloc.name, 'lstopo-pack2-core4-pu2.hwloc.xml');
  assert.equal(hwloc.text, twb('export', 'hwloc', wsFile).stdout);
  assert.equal((hwloc.text.match(/type="PU"/g) ?? []).length, 16);
  exported.hwloc = path.join(tmp, hwloc.name);
  fs.writeFileSync(exported.hwloc, hwloc.text);

  const libvirt = await exportText(page, 'Guest web as libvirt XML');
  assert.equal(libvirt.name, 'web.xml');
  const cli = twb('export', 'libvirt', wsFile, 'web');
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(libvirt.text, cli.stdout, 'the UI writes exactly what `twb export libvirt` writes');
  assert.match(libvirt.text, /<vcpupin vcpu="0" cpuset="8"\/>/);
  // What the inspector set: the emulator pin and the two cells (virt-xml-validate checks the file below).
  assert.match(libvirt.text, /<emulatorpin cpuset="12-15"\/>/);
  assert.match(libvirt.text, /<cell id="0" cpus="0-1" memory="2097152" unit="KiB"\/>\n\s*<cell id="1" cpus="2-3" memory="2097152" unit="KiB"\/>/);
  exported.libvirt = path.join(tmp, libvirt.name);
  fs.writeFileSync(exported.libvirt, libvirt.text);
  assert.match(await status(page), /Exported web\.xml/);
});

test('transfer: the exported hwloc XML reads back in lstopo as the same machine', async () => {
  needTool('/usr/bin/lstopo-no-graphics', 'hwloc-nox');
  const r = spawnSync('/usr/bin/lstopo-no-graphics', ['--input', exported.hwloc, '--of', 'synthetic'], { encoding: 'utf8' });
  // The file described no caches, so the host has the POWER9's: L2/L3 per core pair, L1 per core.
  assert.equal(r.stdout.trim(), 'Package:2 [NUMANode(memory=536870912)] L3Cache:2(size=10485760) L2Cache:1(size=524288) L1dCache:2(size=32768) L1iCache:1(size=32768) Core:1 PU:2');
});

test("transfer: the exported guest passes libvirt's domain schema (virt-xml-validate)", async () => {
  needTool('/usr/bin/virt-xml-validate', 'libvirt-clients');
  const r = spawnSync('/usr/bin/virt-xml-validate', [exported.libvirt, 'domain'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
});

test('transfer: a malformed file is refused with its line and column beside the control; nothing changes', async ({ page, root, shot }) => {
  const before = { names: await listNames(page), current: await currentName(page), guests: await outlineGuests(page) };
  const docBefore = JSON.parse((await exportText(page, 'Workspace JSON')).text);

  await importFile(page, 'hwloc XML as this host…', fixture(root, 'malformed-hwloc.xml'));
  const alert = page.getByTestId('transfer-error');
  await alert.waitFor();
  assert.match(await alert.textContent(), /malformed-hwloc\.xml: malformed XML at line 6, column 1: Expected closing tag 'object'/);
  assert.equal(await alert.getAttribute('role'), 'alert');
  await shot('ui-transfer-03-malformed-refused');

  // A workspace JSON with a bad field names what it is about as the user sees it, then the field's path.
  const bad = structuredClone(docBefore);
  bad.guests[0].smp.threads = 0;
  const badFile = path.join(tmp, 'bad-threads.json');
  fs.writeFileSync(badFile, JSON.stringify(bad, null, 2));
  await importFile(page, 'Workspace JSON…', badFile);
  await page.waitForFunction(() => /bad-threads\.json: guest web: expected 1\.\.8, got 0.* \(guests\[0\]\.smp\.threads\)/.test(document.querySelector('[data-testid="transfer-error"]')?.textContent ?? ''));
  // A JSON syntax error says where.
  const broken = path.join(tmp, 'broken.json');
  fs.writeFileSync(broken, '{\n  "name": "x",\n  "host": ,\n}\n');
  await importFile(page, 'Workspace JSON…', broken);
  await page.waitForFunction(() => /broken\.json: not valid JSON at line 3, column 11/.test(document.querySelector('[data-testid="transfer-error"]')?.textContent ?? ''));
  // A guest that does not fit the host is refused, naming the XML field.
  const wide = path.join(tmp, 'wide.xml');
  fs.writeFileSync(wide, fs.readFileSync(fixture(root, 'libvirt-guest-web.xml'), 'utf8').replace("cpuset='8-11'", "cpuset='8-40'"));
  await importFile(page, 'libvirt domain XML…', wide);
  await page.waitForFunction(() => /wide\.xml: domain\/vcpu\/@cpuset: CPU 40/.test(document.querySelector('[data-testid="transfer-error"]')?.textContent ?? ''));

  // A binary file picked by mistake is refused before it is sent.
  const binary = path.join(tmp, 'picture.xml');
  fs.writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
  await importFile(page, 'libvirt domain XML…', binary);
  await page.waitForFunction(() => /picture\.xml: not a text file: control character U\+001A at line 2, column 1/.test(document.querySelector('[data-testid="transfer-error"]')?.textContent ?? ''));

  assert.deepEqual({ names: await listNames(page), current: await currentName(page), guests: await outlineGuests(page) }, before);
  assert.deepEqual(JSON.parse((await exportText(page, 'Workspace JSON')).text), docBefore, 'the document is unchanged');
  await waitHas(page, 'pu:15');
});

test('transfer: replace the open workspace’s host from hwloc XML (undoable); a host its guests do not fit is refused', async ({ page, root, shot }) => {
  await importFile(page, 'hwloc XML as this host…', fixture(root, 'lstopo-pack1-core8-pu4.xml'));
  await waitHas(page, 'pu:31');
  await waitHas(page, 'pkg:1', false);
  // The file describes no caches: the note says the host got the POWER9's.
  assert.match(await status(page), /Replaced the host with lstopo-pack1-core8-pu4\.xml: 1 socket × 8 cores, SMT4 \(no caches described: the host has the POWER9 caches \(L1 per core, L2 and L3 per core pair\)\)\. Undo takes it back/);
  assert.deepEqual(await outlineGuests(page), ['web'], 'the guests stay');
  await waitHas(page, 'pin:web:0:pu:8');
  await shot('ui-transfer-04-host-replaced');

  await importFile(page, 'hwloc XML as this host…', fixture(root, 'lstopo-pack1-core2-pu2.xml'));
  const alert = page.getByTestId('transfer-error');
  await alert.waitFor();
  // The vCPU as the user sees it first, the pin's document path after it (the store's refusal, describeRefusal).
  assert.match(await alert.textContent(), /^lstopo-pack1-core2-pu2\.xml: the workspace cannot take the new host: guest web, vCPU 0: CPU 8 in '8' is beyond the host.* \(guests\[0\]\.vcpupin\[0\]\.cpuset\)/);
  await waitHas(page, 'pu:31');

  await page.getByRole('button', { name: 'Undo' }).click();
  await waitHas(page, 'pkg:1');
  await waitHas(page, 'pu:31', false);
  await waitHas(page, 'pu:15');
});

test('transfer: the menus work by keyboard — Esc closes and focus returns — and pass axe', async ({ page, shot }) => {
  await page.getByTestId('export-menu').focus();
  await page.keyboard.press('ArrowDown');
  const menu = page.getByRole('menu');
  await menu.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'menuitem');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim().startsWith('Guest web as libvirt XML')), true);
  await shot('ui-transfer-05-export-menu');
  const result = await new AxeBuilder({ page }).include('.toolbar-row').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), []);
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });
  assert.equal(await focusedTestId(page), 'export-menu');
  assert.equal(await page.getByTestId('export-menu').getAttribute('aria-expanded'), 'false');
  // Import's entries that edit the open workspace are there; Tab leaves the menu closed.
  await page.getByTestId('import-menu').focus();
  await page.keyboard.press('Enter');
  await menu.waitFor();
  assert.deepEqual(
    (await menu.getByRole('menuitem').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim().split('…')[0]),
    ['Workspace JSON', 'hwloc XML', 'hwloc XML as this host', 'libvirt domain XML', 'hwloc synthetic description'],
  );
  await page.keyboard.press('Tab');
  await menu.waitFor({ state: 'detached' });
});

test('transfer: an hwloc synthetic description typed in a small form — refused with the field, Esc, then a new workspace', async ({ page, shot }) => {
  const openForm = async () => {
    await page.getByTestId('import-menu').focus();
    await page.keyboard.press('ArrowUp'); // opens the menu on its last entry
    await page.getByRole('menu').waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('synthetic-input').waitFor();
    assert.equal(await focusedTestId(page), 'synthetic-input');
  };
  await openForm();
  await page.keyboard.type('pack:1 core:30 pu:4');
  await page.keyboard.press('Enter');
  const alert = page.getByTestId('transfer-error');
  await alert.waitFor();
  assert.match(await alert.textContent(), /^host\.sockets\[0\]\.cores: expected 1\.\.24, got 30/);
  assert.equal(await focusedTestId(page), 'synthetic-input', 'the form stays open for a correction');
  await shot('ui-transfer-06-synthetic-refused');
  await page.keyboard.press('Escape');
  await page.getByTestId('synthetic-input').waitFor({ state: 'detached' });
  assert.equal(await focusedTestId(page), 'import-menu');

  await openForm();
  await page.keyboard.type('pack:2 core:2 pu:4');
  await page.keyboard.press('Enter');
  await waitCurrent(page, 'pack:2 core:2 pu:4');
  await waitHas(page, 'pu:15');
  assert.equal(await page.evaluate((sel) => document.querySelector(sel).cy.nodes('[kind = "core"]').length, CANVAS), 4);
  assert.equal(await focusedTestId(page), 'import-menu');
  assert.match(await status(page), /New workspace “pack:2 core:2 pu:4”: 2 sockets × 2 cores, SMT4/);
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('transfer: an x86 VM imported says what it was, memory in human units; NUMA nodes without memory get the default, with a warning', async ({ page, root, shot }) => {
  await importFile(page, 'hwloc XML…', path.join(root, 'src-main/host/import/fixtures/lstopo-x86-vm.xml'));
  await waitCurrent(page, 'lstopo-x86-vm');
  assert.match(await status(page), /1 socket × 2 cores, SMT1 \(the imported machine is x86_64 \([^)]*\); simulated as POWER9\)/);
  const outline = page.getByRole('navigation', { name: 'Outline' });
  assert.match(await outline.getByTestId('outline-host-source').textContent(), /^the imported machine is x86_64/);
  // 6537039872 bytes read as 6.1 GiB, not 6383828K.
  await outline.getByText('2 cores, 6.1 GiB').waitFor();
  // An SMT1 core has one CPU: "CPU 1", not "CPUs 1–1".
  await outline.getByRole('button', { name: 'Open socket 0' }).click();
  assert.deepEqual(await outline.locator('li:has(> .pick[title^="Select Core"]) > .dim').allTextContents(), ['CPU 0', 'CPU 1']);
  // Each cache bar holds its label (an L2 over one core of an SMT1 host widens the core, as lstopo does), sizes as lstopo writes them.
  const bars = await page.evaluate((sel) => {
    const cy = document.querySelector(sel).cy;
    return {
      zoom: cy.zoom(),
      bars: cy.nodes('[kind = "cache"]').map((n) => ({ label: n.data('labelL'), w: n.width(), text: n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false }).w })),
    };
  }, CANVAS);
  assert.ok(bars.zoom >= 0.9, `drawn at ${bars.zoom}: Cytoscape draws the bars' labels`);
  assert.deepEqual(bars.bars.map((b) => b.label).sort(), ['L2 L#0 (1024KB)', 'L2 L#1 (1024KB)', 'L3 L#0 (32MB)']);
  for (const b of bars.bars) assert.ok(b.text > 0 && b.text <= b.w, `${b.label}: label ${b.text} px in a ${b.w} px bar`);
  await shot('ui-transfer-07-x86-vm');
  await page.getByTestId('toggle-io').click();
  await waitHas(page, 'pci:0000:00:03.0', false);
  assert.equal(await page.getByTestId('toggle-io').getAttribute('aria-pressed'), 'false');
  await page.getByTestId('toggle-io').click();
  await waitHas(page, 'osdev:0000:00:03.0:eth0');

  await importFile(page, 'hwloc XML…', fixture(root, 'lstopo-pack2-numa-nomem.xml'));
  await waitCurrent(page, 'lstopo-pack2-numa-nomem');
  assert.match(await status(page), /2 sockets × 16 cores, SMT4 \(no NUMA node carries memory: gave each 1 GiB, as a synthetic description would; no caches described: the host has the POWER9 caches \(L1 per core, L2 and L3 per core pair\)\)/);
  await outline.getByText('16 cores, 1 GiB').first().waitFor();
});
