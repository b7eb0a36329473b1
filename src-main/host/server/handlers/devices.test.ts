import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeClient, ValidationError, memoryPort } from '../../../../src-common/bridge';
import { emptyWorkspace, type Workspace } from '../../../../src-common/workspace';
import { openStore, type Store } from '../../store';
import { createBridgeHost } from '.';

let dir: string;
let store: Store;
let client: BridgeClient;

/** One MHI controller on socket 0; a 1 MiB system-heap buffer a GPU imports and a display cannot (not contiguous). */
function devicesDoc(): Workspace {
  const ws = emptyWorkspace('devices');
  ws.devices.mhi = [{ name: 'mhi0', socket: 0, pcieGen: 4, pcieWidth: 8, ringSize: 64, mtu: 0x1000 }];
  ws.devices.dmabuf = {
    exporters: [{ name: 'heap0', kind: 'system-heap', sizeBytes: 1 << 20 }],
    importers: [
      { name: 'disp0', kind: 'display', source: 'heap0' },
      { name: 'gpu0', kind: 'gpu', source: 'heap0' },
    ],
  };
  return ws;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-devices-bridge-'));
  store = openStore(path.join(dir, 'w.db'));
  client = new BridgeClient(memoryPort(createBridgeHost({ store, version: '0.0.0', mode: 'test' })));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('devices bridge area', () => {
  it('runs the dma-buf and MHI models for 10 ms by default and returns their state', async () => {
    const s = await client.call('devices.snapshot', { document: devicesDoc() });
    expect(s.afterNs).toBe(10_000_000);
    expect(s.dmabuf.buffers).toHaveLength(1);
    expect(s.dmabuf.buffers[0]).toMatchObject({ name: 'heap0', kind: 'system-heap', size: 1 << 20 });
    expect(s.dmabuf.buffers[0].attachments).toEqual(['gpu0']);
    expect(s.dmabuf.importers[0]).toMatchObject({ name: 'disp0', kind: 'display', source: 'heap0', mapped: false });
    expect(s.dmabuf.importers[0].error).toMatch(/contiguous/);
    expect(s.dmabuf.importers[1]).toMatchObject({ name: 'gpu0', mapped: true });
    const c = s.mhi.controllers[0];
    expect(c).toMatchObject({ name: 'mhi0', socket: 0, ringSize: 64, state: 'M0', device: expect.any(String) });
    expect(c.linkMBps).toBeGreaterThan(0);
    expect(c.ul).not.toBeNull();
    expect(s.mhi.nodes).toContain('/dev/mhi_mhi0_LOOPBACK');
    expect(s.log).toContain('mhi mhi0');
    expect(s.mhi.clients).toEqual([]);
  });

  it('runs a loopback client on each controller when asked', async () => {
    const s = await client.call('devices.snapshot', { document: devicesDoc(), after: '10ms', loopback: '1M' });
    expect(s.mhi.clients).toHaveLength(1);
    expect(s.mhi.clients[0]).toMatchObject({ controller: 'mhi0', bytesToWrite: 1 << 20, bytesWritten: 1 << 20, bytesRead: 1 << 20, done: true, errors: [] });
    expect(s.mhi.clients[0].throughputMBps).toBeGreaterThan(0);
    expect(s.mhi.controllers[0].ul!.doorbells).toBeGreaterThan(0);
  });

  it('is empty for a workspace without devices', async () => {
    const s = await client.call('devices.snapshot', { document: emptyWorkspace('none'), after: '0' });
    expect(s).toMatchObject({ afterNs: 0, dmabuf: { buffers: [], importers: [] }, mhi: { controllers: [], nodes: [] } });
  });

  it('is deterministic: the same document gives the same snapshot', async () => {
    const a = await client.call('devices.snapshot', { document: devicesDoc(), after: '5ms' });
    const b = await client.call('devices.snapshot', { document: devicesDoc(), after: '5ms' });
    expect(a).toEqual(b);
  });

  it('refuses a bad duration or document, naming the field', async () => {
    const err = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as ValidationError);
    const long = await err(client.call('devices.snapshot', { document: devicesDoc(), after: '2s' }));
    expect(long).toBeInstanceOf(ValidationError);
    expect(String((long as Error).message)).toMatch(/after.*expected a duration 0\.\.1s/);
    const big = await err(client.call('devices.snapshot', { document: devicesDoc(), loopback: '65M' }));
    expect(String((big as Error).message)).toMatch(/loopback.*expected a size 0\.\.64M/);
    const junk = await err(client.call('devices.snapshot', { document: devicesDoc(), loopback: '4X' }));
    expect(String((junk as Error).message)).toMatch(/loopback.*got '4X'/);
    const bad = devicesDoc();
    (bad.devices.mhi[0] as { ringSize: number }).ringSize = 1;
    const e2 = await err(client.call('devices.snapshot', { document: bad }));
    expect(String((e2 as Error).message)).toMatch(/document\.devices\.mhi\[0\]\.ringSize|devices\.mhi\.0\.ringSize/);
  });
});
