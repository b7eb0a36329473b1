import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeClient, ValidationError, memoryPort } from '../../../../src-common/bridge';
import type { Workspace } from '../../../../src-common/workspace';
import { loadWorkspace } from '../../workspace/load';
import { openStore, type Store } from '../../store';
import { createBridgeHost } from '.';
import { patchMemoryImage } from './aie-image';

let dir: string;
let store: Store;
let client: BridgeClient;
const demo = (): Workspace => loadWorkspace('builtin:aie-demo');
const bytesOf = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-aie-bridge-'));
  store = openStore(path.join(dir, 'w.db'));
  client = new BridgeClient(memoryPort(createBridgeHost({ store, version: '0.0.0', mode: 'test' })));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('aie bridge area', () => {
  it('describes the array: tile types and partitions', async () => {
    const info = (await client.call('aie.describe', { doc: demo() }))!;
    expect(info).toMatchObject({ columns: 4, rows: 3, partitions: [{ name: 'demo', startCol: 1, numCols: 3 }] });
    expect(info.tiles).toHaveLength(12);
    const at = (col: number, row: number) => info.tiles.find((t) => t.col === col && t.row === row)!;
    expect(at(0, 0)).toEqual({ col: 0, row: 0, type: 'SHIMPL', partition: null });
    expect(at(2, 0)).toMatchObject({ type: 'SHIMNOC', partition: 'demo' });
    expect(at(2, 1)).toMatchObject({ type: 'TILE', partition: 'demo' });
    expect(await client.call('aie.describe', { doc: { ...demo(), devices: { ...demo().devices, aie: null } } })).toBeNull();
  });

  it('reads tile (2,1) data memory after 1 ms (non-zero) and the initial image at 0', async () => {
    const d = await client.call('aie.readMemory', { doc: demo(), col: 2, row: 1, mem: 'data' });
    expect(d).toMatchObject({ col: 2, row: 1, mem: 'data', base: (2 << 23) + (1 << 18), afterNs: 1_000_000 });
    const bytes = bytesOf(d.base64);
    expect(bytes.length).toBe(32 * 1024);
    expect(bytes.some((b) => b !== 0)).toBe(true);
    expect(new TextDecoder().decode(bytes.subarray(0x300, 0x314))).toBe('AI Engine tile (2,1)');
    const initial = bytesOf((await client.call('aie.readMemory', { doc: demo(), col: 2, row: 1, mem: 'data', after: '0' })).base64);
    expect(initial.subarray(0, 0x300).every((b) => b === 0)).toBe(true);
    const prog = await client.call('aie.readMemory', { doc: demo(), col: 2, row: 1, mem: 'program' });
    expect(prog.base).toBe((2 << 23) + (1 << 18) + 0x20000);
    expect(bytesOf(prog.base64).length).toBe(16 * 1024);
  });

  it('reads a partition memory as its dma-buf lays it out: columns, then rows', async () => {
    const d = await client.call('aie.readPartitionMemory', { doc: demo(), partition: 'demo', mem: 'data' });
    expect(d).toMatchObject({ range: { startCol: 1, numCols: 3, startRow: 1, numRows: 2 }, memOffset: 0, memSize: 32 * 1024 });
    const bytes = bytesOf(d.base64);
    expect(bytes.length).toBe(3 * 2 * 32 * 1024);
    const tile21 = bytesOf((await client.call('aie.readMemory', { doc: demo(), col: 2, row: 1, mem: 'data' })).base64);
    expect(bytes.subarray(2 * 32 * 1024, 3 * 32 * 1024)).toEqual(tile21); // (1,1) (1,2) (2,1) …
    await expect(client.call('aie.readPartitionMemory', { doc: demo(), partition: 'nope', mem: 'data' })).rejects.toThrow(
      /aie\.readPartitionMemory\.partition: no partition 'nope' in devices\.aie \(have: 'demo'\)/,
    );
  });

  it('refuses bad reads with the field named', async () => {
    await expect(client.call('aie.readMemory', { doc: demo(), col: 2, row: 0, mem: 'data' })).rejects.toThrow(
      /aie\.readMemory\.row: tile \(2,0\) is a SHIMNOC tile in the SHIM row/,
    );
    await expect(client.call('aie.readMemory', { doc: demo(), col: 9, row: 1, mem: 'data' })).rejects.toThrow(/aie\.readMemory\.col: column 9 is outside/);
    await expect(client.call('aie.readMemory', { doc: demo(), col: 2, row: 1, mem: 'code' as never })).rejects.toThrow(/aie\.readMemory\.mem/);
    await expect(client.call('aie.readMemory', { doc: demo(), col: 2, row: 1, mem: 'data', after: '2s' })).rejects.toThrow(/aie\.readMemory\.after/);
    await expect(client.call('aie.readMemory', { doc: demo(), col: 1.5, row: 1, mem: 'data' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('edits a byte of the initial image; the next read shows it', async () => {
    const { doc } = await client.call('aie.editMemory', { doc: demo(), col: 2, row: 1, mem: 'data', offset: 0x300, hex: '42' });
    expect(doc.devices.aie!.partitions[0].memory).toHaveLength(1);
    expect(doc.devices.aie!.partitions[0].memory![0].hex.startsWith('42 49 20')).toBe(true);
    const after = bytesOf((await client.call('aie.readMemory', { doc, col: 2, row: 1, mem: 'data' })).base64);
    expect(after[0x300]).toBe(0x42);
  });

  it('refuses bad edits naming the field, changing nothing', async () => {
    const call = (over: Record<string, unknown>) =>
      client.call('aie.editMemory', { doc: demo(), col: 2, row: 1, mem: 'data', offset: 0, hex: '00', ...over } as never);
    await expect(call({ hex: 'zz' })).rejects.toThrow(/aie\.editMemory\.hex: expected pairs of hex digits/);
    await expect(call({ hex: '' })).rejects.toThrow(/aie\.editMemory\.hex/);
    await expect(call({ offset: 0x8000 })).rejects.toThrow(/aie\.editMemory\.offset: expected 0\.\.0x7fff/);
    await expect(call({ offset: 0x7fff, hex: '01 02' })).rejects.toThrow(/aie\.editMemory\.hex: 0x7fff \+ 2 bytes runs past/);
    await expect(call({ mem: 'program', offset: 0x4000 })).rejects.toThrow(/aie\.editMemory\.offset/);
    await expect(call({ row: 0 })).rejects.toThrow(/aie\.editMemory\.row: .*SHIM row/);
    await expect(call({ col: 0 })).rejects.toThrow(/aie\.editMemory\.col: column 0 is in no partition/);
    await expect(call({ offset: -1 })).rejects.toThrow(/aie\.editMemory\.offset/);
  });
});

describe('patchMemoryImage', () => {
  const edit = (doc: Workspace, offset: number, hex: string) =>
    patchMemoryImage(doc, { col: 2, row: 1, mem: 'data', offset, bytes: Uint8Array.from(hex.split(' '), (h) => parseInt(h, 16)) }, 'e');
  const images = (doc: Workspace) => doc.devices.aie!.partitions[0].memory!.map((m) => [m.offset, m.hex]);

  it('patches overlaps in place, extends touching entries, adds new ones', () => {
    let doc = edit(demo(), 0x2fe, 'aa bb cc');
    expect(images(doc)).toEqual([['0x2fe', 'aa bb cc 49 20 45 6e 67 69 6e 65 20 74 69 6c 65 20 28 32 2c 31 29']]);
    doc = edit(doc, 0x314, '01');
    expect(images(doc)[0][1]).toMatch(/ 29 01$/);
    doc = edit(doc, 0x10, 'ff');
    expect(images(doc)).toHaveLength(2);
    expect(images(doc)[1]).toEqual(['0x10', 'ff']);
    const original = demo();
    edit(original, 0, '11');
    expect(original.devices.aie!.partitions[0].memory).toHaveLength(1);
  });
});
