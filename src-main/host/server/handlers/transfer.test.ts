import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeClient, NotFoundError, ValidationError, memoryPort } from '../../../../src-common/bridge';
import { TRANSFER_MAX_BYTES, utf8Length } from '../../../../src-common/bridge/areas/transfer';
import { emptyWorkspace } from '../../../../src-common/workspace';
import { exportHwlocXml, importHwlocXml } from '../../import/hwloc';
import { exportLibvirtXml } from '../../import/libvirt';
import { openStore, type Store } from '../../store';
import { loadWorkspace } from '../../workspace/load';
import { createBridgeHost } from '.';
import { locateJsonError } from '../../../../src-common/parse/json';

const fixture = (f: string) => fs.readFileSync(new URL(`../../../../test/fixtures/${f}`, import.meta.url), 'utf8');
const seed = loadWorkspace('builtin:seed-power9-ipi');

let dir: string;
let store: Store;
let client: BridgeClient;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-transfer-bridge-'));
  store = openStore(path.join(dir, 'w.db'));
  client = new BridgeClient(memoryPort(createBridgeHost({ store, version: '0.0.0', mode: 'test' })));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The error a call fails with (or a failed assertion if it succeeds). */
async function failure(p: Promise<unknown>): Promise<Error> {
  const r = await p.then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(r, 'the call should have failed').not.toBeNull();
  return r!;
}

describe('transfer bridge area: import', () => {
  it('reads a workspace JSON file into a validated document', async () => {
    const doc = await client.call('transfer.importWorkspace', { text: JSON.stringify(seed, null, 2) });
    expect(doc).toEqual(seed);
    expect(await client.call('transfer.importWorkspace', { text: '\ufeff' + JSON.stringify(seed) })).toEqual(seed);
  });

  it('refuses a workspace that is not JSON with its line and column, and a bad one naming the field', async () => {
    const e1 = await failure(client.call('transfer.importWorkspace', { text: '{\n  "name": "x",\n  "host": }' }));
    expect(e1).toBeInstanceOf(ValidationError);
    expect(e1.message).toBe('not valid JSON at line 3, column 11: unexpected "}", expected a value');
    const bad = structuredClone(seed) as unknown as { guests: { smp: { threads: number } }[] };
    bad.guests[1].smp.threads = 0;
    const e2 = await failure(client.call('transfer.importWorkspace', { text: JSON.stringify(bad) }));
    expect(e2).toBeInstanceOf(ValidationError);
    // The guest as the user names it first, the document path after it.
    expect(e2.message).toBe('guest B: expected 1..8, got 0 (guests[1].smp.threads)');
    const e3 = await failure(client.call('transfer.importWorkspace', { text: JSON.stringify({ ...seed, colour: 'red' }) }));
    expect(e3.message).toBe('colour: unknown field');
  });

  it('reads hwloc XML as lstopo writes it into a new workspace, named as asked', async () => {
    const doc = await client.call('transfer.importHwloc', { text: fixture('lstopo-pack2-core4-pu2.xml'), name: 'lab' });
    expect(doc.name).toBe('lab');
    expect(doc.host).toMatchObject({ name: 'host', model: 'POWER9', threadsPerCore: 2, sockets: [{ cores: 4, memoryBytes: 2 ** 29 }, { cores: 4, memoryBytes: 2 ** 29 }] });
    expect(doc.host.source).toMatchObject({ from: 'hwloc-xml' });
    expect(doc.guests).toEqual([]);
  });

  it('reads an hwloc synthetic description as lstopo --input does; a bad one names what is wrong', async () => {
    const doc = await client.call('transfer.importSynthetic', { description: ' pack:2 core:4 pu:2 ', name: 'syn' });
    expect(doc).toMatchObject({ name: 'syn', host: { threadsPerCore: 2, sockets: [{ cores: 4 }, { cores: 4 }] } });
    expect((await client.call('transfer.importSynthetic', { description: 'pack:1 core:2 pu:1' })).name).toBe('synthetic');
    expect((await failure(client.call('transfer.importSynthetic', { description: 'pack:2 core:16' }))).message).toMatch(/the last level must be pu/);
    expect((await failure(client.call('transfer.importSynthetic', { description: 'pack:1 core:30 pu:4' }))).message).toMatch(/^host\.sockets\[0\]\.cores: expected 1\.\.24, got 30/);
    const empty = await failure(client.call('transfer.importSynthetic', { description: '  ' }));
    expect(empty).toBeInstanceOf(ValidationError);
    expect(empty.message).toBe('transfer.importSynthetic.description: expected a description such as "pack:2 core:16 pu:4"');
  });

  it('refuses malformed XML with its line and column, and XML that is not hwloc', async () => {
    const e1 = await failure(client.call('transfer.importHwloc', { text: fixture('malformed-hwloc.xml') }));
    expect(e1).toBeInstanceOf(ValidationError);
    expect(e1.message).toMatch(/^malformed XML at line 6, column 1: Expected closing tag 'object'/);
    const e2 = await failure(client.call('transfer.importHwloc', { text: fixture('libvirt-guest-web.xml') }));
    expect(e2.message).toMatch(/root element must be <topology>/);
  });

  it('reads a libvirt guest that fits the document, giving it a free name if its own is taken', async () => {
    const doc = importHwlocXml(fixture('lstopo-pack2-core4-pu2.xml'), 'lab');
    const a = await client.call('transfer.importLibvirt', { text: fixture('libvirt-guest-web.xml'), document: doc });
    expect(a.renamedFrom).toBeNull();
    expect(a.guest).toMatchObject({ name: 'web', memoryBytes: 4 * 2 ** 30, smp: { sockets: 1, cores: 2, threads: 2 }, mmu: 'radix' });
    expect(a.guest.vcpupin).toEqual([
      { vcpu: 0, cpuset: '8' },
      { vcpu: 1, cpuset: '9' },
      { vcpu: 2, cpuset: '8-11' },
      { vcpu: 3, cpuset: '8-11' },
    ]);
    const b = await client.call('transfer.importLibvirt', { text: fixture('libvirt-guest-web.xml'), document: { ...doc, guests: [a.guest] } });
    expect(b).toMatchObject({ renamedFrom: 'web', guest: { name: 'web-2' } });
  });

  it('refuses a guest whose pins are beyond the host, naming the XML field', async () => {
    const small = emptyWorkspace('small');
    small.host = { ...small.host, threadsPerCore: 1, sockets: [{ cores: 4, memoryBytes: 2 ** 30 }] };
    const e = await failure(client.call('transfer.importLibvirt', { text: fixture('libvirt-guest-web.xml'), document: small }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toMatch(/^domain\/cputune\/vcpupin\[0\]\/@cpuset: CPU 8/);
  });
});

describe('transfer bridge area: payload checks', () => {
  it('refuses a file over the size limit, naming the field, before parsing it', async () => {
    const big = 'x'.repeat(TRANSFER_MAX_BYTES + 1);
    const e = await failure(client.call('transfer.importHwloc', { text: big }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe('transfer.importHwloc.text: the file is 8.0 MiB; at most 8.0 MiB can be imported');
    // The limit is in UTF-8 bytes: 3 MiB of a 3-byte character is 9 MiB.
    const wide = await failure(client.call('transfer.importWorkspace', { text: '€'.repeat(3 * 1024 * 1024) }));
    expect(wide.message).toBe('transfer.importWorkspace.text: the file is 9.0 MiB; at most 8.0 MiB can be imported');
    expect(utf8Length('a€😀')).toBe(1 + 3 + 4);
  });

  it('refuses a binary file (control characters XML and JSON forbid), saying where', async () => {
    const e = await failure(client.call('transfer.importHwloc', { text: '<topology>\n  <x>\u0001</x>' }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe('transfer.importHwloc.text: not a text file: control character U+0001 at line 2, column 6');
    const png = '\u0089PNG\r\n\u001a\n\u0000';
    expect((await failure(client.call('transfer.importWorkspace', { text: png }))).message).toMatch(/not a text file: control character U\+001A at line 2, column 1$/);
    // Tabs, CR and LF are text.
    expect(await client.call('transfer.importWorkspace', { text: JSON.stringify(seed, null, '\t').replace(/\n/g, '\r\n') })).toEqual(seed);
  });

  it('refuses unknown fields, missing or mistyped text, and an invalid document', async () => {
    const call = client.call.bind(client) as (m: string, a: unknown) => Promise<unknown>;
    expect((await failure(call('transfer.importWorkspace', { text: '{}', path: '/etc/passwd' }))).message).toBe('transfer.importWorkspace.path: unknown field');
    expect((await failure(call('transfer.importHwloc', {}))).message).toBe("transfer.importHwloc.text: expected the file's text, got nothing");
    expect((await failure(call('transfer.importHwloc', { text: 42 }))).message).toBe("transfer.importHwloc.text: expected the file's text, got number");
    expect((await failure(call('transfer.importHwloc', { text: '<topology/>', name: ' ' }))).message).toBe('transfer.importHwloc.name: expected a non-empty name');
    const bad = { ...emptyWorkspace('x'), guests: [{ name: 'g' }] };
    const e = await failure(call('transfer.importLibvirt', { text: fixture('libvirt-guest-web.xml'), document: bad }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toMatch(/^transfer\.importLibvirt\.document\.guests\[0\]\.memoryBytes: /);
    expect((await failure(call('transfer.exportHwloc', { document: seed, extra: 1 }))).message).toBe('transfer.exportHwloc.extra: unknown field');
  });
});

describe('transfer bridge area: export', () => {
  it('writes what the CLI writes: workspace JSON, hwloc XML, libvirt XML per guest', async () => {
    const ws = await client.call('transfer.exportWorkspace', { document: seed });
    expect(ws.fileName).toBe(`${seed.name}.json`);
    expect(ws.text).toBe(JSON.stringify(seed, null, 2) + '\n');
    const hw = await client.call('transfer.exportHwloc', { document: seed });
    expect(hw).toEqual({ text: exportHwlocXml(seed.host), fileName: `${seed.name}.hwloc.xml` });
    for (const g of seed.guests) expect(await client.call('transfer.exportLibvirt', { document: seed, guest: g.name })).toEqual({ text: exportLibvirtXml(g), fileName: `${g.name}.xml` });
  });

  it('names the guest when there is no such guest', async () => {
    const e = await failure(client.call('transfer.exportLibvirt', { document: seed, guest: 'Z' }));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toBe("guest: no guest 'Z' in the workspace (guests: A, B)");
  });

  it('gives file names that are safe whatever the workspace is called', async () => {
    const r = await client.call('transfer.exportWorkspace', { document: { ...seed, name: '../../etc/my lab' } });
    expect(r.fileName).toBe('etc-my-lab.json');
  });
});

describe('locateJsonError', () => {
  it('finds where JSON breaks', () => {
    expect(locateJsonError('{"a": 1}')).toBeNull();
    expect(locateJsonError('[1, 2,]')).toEqual({ line: 1, column: 7, reason: 'unexpected "]", expected a value' });
    expect(locateJsonError('{\n "a": 1,\n}')).toEqual({ line: 3, column: 1, reason: 'expected a property name in double quotes, found "}"' });
    expect(locateJsonError('{"a" 1}')).toEqual({ line: 1, column: 6, reason: "expected ':' after the property name, found \"1\"" });
    expect(locateJsonError('{"a": "x\ny"}')).toMatchObject({ line: 1, column: 9, reason: expect.stringMatching(/^control character/) });
    expect(locateJsonError('{"a": tru}')).toMatchObject({ line: 1, column: 7 });
    expect(locateJsonError('{"a": [1, 2}')).toMatchObject({ column: 12, reason: 'expected \',\' or \']\', found "}"' });
    expect(locateJsonError('{} x')).toMatchObject({ column: 4, reason: 'unexpected "x" after the end of the JSON value' });
    expect(locateJsonError('')).toMatchObject({ line: 1, column: 1, reason: 'unexpected end of file, expected a value' });
    expect(locateJsonError('"abc')).toMatchObject({ reason: 'unterminated string' });
    expect(locateJsonError('["\\q"]')).toMatchObject({ column: 4, reason: 'bad escape \\q' });
    expect(locateJsonError('[[[[' + '['.repeat(100_000))).toMatchObject({ reason: 'unexpected end of file, expected a value' });
    for (const ok of ['0', '-1.5e+3', '"\\u00e9"', '[true, false, null]', ' {"a": {"b": []}} ']) expect(locateJsonError(ok)).toBeNull();
  });
});
