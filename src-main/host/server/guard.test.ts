import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BridgeClient, memoryPort, ValidationError } from '../../../src-common/bridge';
import { openStore, type Store } from '../store';
import { loadWorkspace } from '../workspace/load';
import { createBridgeHost } from './handlers';
import { startServer, type RunningServer } from './server';

// Issue 11: single inputs that took browser mode down. Each must be answered and the server
// must go on serving the next client.
let dir: string;
let store: Store;
let server: RunningServer;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-guard-'));
  fs.mkdirSync(path.join(dir, 'renderer'));
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>twb</title>');
  store = openStore(path.join(dir, 'w.db'));
  server = await startServer({ host: createBridgeHost({ store, version: '0', mode: 'test' }), port: 0, rendererDir: path.join(dir, 'renderer') });
});
afterAll(async () => {
  await server.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A raw request line, sent as is (curl -g --path-as-is); resolves with the status line. */
function rawRequest(target: string, extra = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(server.port, '127.0.0.1', () => s.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${extra}Connection: close\r\n\r\n`));
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('end', () => resolve(got.split('\r\n')[0]));
    s.on('error', reject);
  });
}

const deep = (n: number, leaf: unknown = 1) => {
  let v = leaf;
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

async function stillServes(): Promise<void> {
  const r = await fetch(server.url);
  expect(r.status).toBe(200);
}

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge?token=${server.token}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}
function ask(ws: WebSocket, text: string): Promise<{ id: number | null; ok: boolean; error?: { name: string; message: string }; value?: unknown }> {
  return new Promise((resolve) => {
    ws.once('message', (d) => resolve(JSON.parse(d.toString())));
    ws.send(text);
  });
}

describe('malformed request targets', () => {
  it('//[ without a token is a 400, and the server keeps serving', async () => {
    expect(await rawRequest('//[')).toBe('HTTP/1.1 400 Bad Request');
    await stillServes();
  });
  it('a bad % escape with the token is a 400', async () => {
    expect(await rawRequest(`/%E0%A4%A?token=${server.token}`)).toBe('HTTP/1.1 400 Bad Request');
    await stillServes();
  });
  it('the same targets as a WebSocket upgrade are refused', async () => {
    const up = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    expect(await rawRequest('//[', up)).toMatch(/^HTTP\/1.1 400/);
    expect(await rawRequest(`/bridge%E0%A4%A?token=${server.token}`, up)).toMatch(/^HTTP\/1.1 (400|404)/);
    await stillServes();
  });
  it('an HTTP request whose socket errors mid-way does not stop the server', async () => {
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: '/', method: 'GET', headers: { 'content-length': '100' } });
      req.on('error', () => resolve());
      req.write('x');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    await stillServes();
  });
});

describe('messages that crashed or exhausted the host', () => {
  it('a 5,000-deep value in runs.report.ids is refused by name, and the next request is answered', async () => {
    const ws = await connect();
    const reply = await ask(ws, `{"id":1,"method":"runs.report","arg":{"ids":{"x":${'['.repeat(5000)}1${']'.repeat(5000)}},"format":"html"}}`);
    expect(reply).toMatchObject({ id: 1, ok: false, error: { name: 'ValidationError' } });
    expect(reply.error!.message).toMatch(/^runs\.report\.ids\.x\[0\]\[0\].*: nested deeper than \d+ levels$/);
    expect(reply.error!.message.length).toBeLessThan(300);
    expect(await ask(ws, JSON.stringify({ id: 2, method: 'app.info' }))).toMatchObject({ id: 2, ok: true });
    ws.close();
  });
  it('error messages quote at most a bounded prefix of the input', async () => {
    const ws = await connect();
    const huge = 'x'.repeat(1_000_000);
    for (const arg of [{ ids: [1], format: huge }, { ids: huge, format: 'html' }, { [huge]: 1 }, { ids: [1], format: { [huge]: [huge] } }]) {
      const reply = await ask(ws, JSON.stringify({ id: 3, method: 'runs.report', arg }));
      expect(reply.error!.name).toBe('ValidationError');
      expect(reply.error!.message.length).toBeLessThan(400);
    }
    const unknown = await ask(ws, JSON.stringify({ id: 4, method: huge }));
    expect(unknown.error!.message.length).toBeLessThan(400);
    ws.close();
  });
  it('a number that is not finite (1e400) is named, not reported as null', async () => {
    const ws = await connect();
    const doc = JSON.stringify(loadWorkspace('builtin:seed-power9-ipi')).replace(/"memoryBytes":\d+/, '"memoryBytes":1e400');
    const reply = await ask(ws, `{"id":5,"method":"workspaces.create","arg":{"name":"inf","doc":${doc}}}`);
    expect(reply).toMatchObject({ id: 5, ok: false, error: { name: 'ValidationError', message: 'workspaces.create.doc.host.sockets[0].memoryBytes: expected a finite number, got 1e400' } });
    expect(store.workspaces.list().some((w) => w.name === 'inf')).toBe(false);
    ws.close();
  });
});

describe('the bridge without a socket (Electron IPC path)', () => {
  const client = () => new BridgeClient(memoryPort(createBridgeHost({ store, version: '0', mode: 'test' })));
  it('refuses deep and non-finite values by name instead of throwing', async () => {
    const host = createBridgeHost({ store, version: '0', mode: 'test' });
    const r1 = await host.dispatch({ id: 1, method: 'runs.report', arg: { ids: [1], format: deep(100_000) } });
    expect(r1).toMatchObject({ ok: false, error: { name: 'ValidationError', message: expect.stringMatching(/^runs\.report\.format\[0\].*nested deeper than/) } });
    const ws = loadWorkspace('builtin:seed-power9-ipi');
    ws.host.sockets[0].memoryBytes = Infinity;
    const r2 = await host.dispatch({ id: 2, method: 'workspaces.create', arg: { name: 'x', doc: ws } });
    expect(r2).toMatchObject({ ok: false, error: { message: 'workspaces.create.doc.host.sockets[0].memoryBytes: expected a finite number, got Infinity' } });
    await expect(client().call('app.info')).resolves.toMatchObject({ mode: 'test' });
  });
  it('a request that is not an object at all is a ValidationError', async () => {
    await expect(client().call('runs.report', { ids: [1, 1], format: 'html' })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('workspace files', () => {
  it('name a non-finite number by its path and text, and refuse a 50,000-deep file precisely', () => {
    const file = path.join(dir, 'inf.json');
    fs.writeFileSync(file, JSON.stringify(loadWorkspace('builtin:seed-power9-ipi'), null, 2).replace(/"memoryBytes": \d+/, '"memoryBytes": 1e400'));
    expect(() => loadWorkspace(file)).toThrow(`${file}: host.sockets[0].memoryBytes: expected a finite number, got 1e400`);
    fs.writeFileSync(file, '['.repeat(50_000) + ']'.repeat(50_000));
    expect(() => loadWorkspace(file)).toThrow(/nested deeper than 64 levels/);
  });
});
