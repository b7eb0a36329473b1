import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openStore, type Store } from '../store';
import { createBridgeHost } from './handlers';
import { startServer, type RunningServer } from './server';

let dir: string;
let store: Store;
let server: RunningServer;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-server-'));
  fs.mkdirSync(path.join(dir, 'renderer', 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>twb</title>');
  fs.writeFileSync(path.join(dir, 'renderer', 'assets', 'a.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside');
  store = openStore(path.join(dir, 'w.db'));
  server = await startServer({ host: createBridgeHost({ store, version: '0', mode: 'test' }), port: 0, rendererDir: path.join(dir, 'renderer') });
});
afterAll(async () => {
  await server.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const base = () => `http://127.0.0.1:${server.port}`;

/** Opens a socket; resolves with it once open, rejects with the HTTP status when refused. */
function connect(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function ask(ws: WebSocket, text: string): Promise<any> {
  return new Promise((resolve) => {
    ws.once('message', (d) => resolve(JSON.parse(d.toString())));
    ws.send(text);
  });
}

describe('browser-mode server', () => {
  it('prints a 127.0.0.1 URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  // Issue 11: the token was a cookie, which the browser sends to every other 127.0.0.1 port.
  it('serves the public page without the token and without a cookie; the bridge needs the token', async () => {
    const page = await fetch(`${base()}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'.*script-src 'self'/);
    expect((await fetch(server.url)).headers.get('set-cookie')).toBeNull();
    expect((await fetch(`${base()}/assets/a.js`)).status).toBe(200);
    expect((await fetch(`${base()}/../secret.txt`)).status).toBe(404);
    expect((await fetch(`${base()}/%2e%2e/secret.txt`)).status).toBe(404);
    // The old cookie opens nothing.
    await expect(connect('', { cookie: `twb_token_${server.port}=${server.token}` })).rejects.toThrow('HTTP 401');
  });

  it('still refuses a foreign Host for the page (DNS rebinding)', async () => {
    const r = await new Promise<number>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: `evil.example:${server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(-1));
    });
    expect(r).toBe(403);
  });

  it('refuses tokenless, wrong-token and foreign-origin WebSocket upgrades', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401');
    await expect(connect('?token=nope')).rejects.toThrow('HTTP 401');
    await expect(connect(`?token=${server.token}`, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect(`?token=${server.token}`, { host: 'evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('answers requests, gives typed errors for bad ones and keeps serving', async () => {
    const ws = await connect(`?token=${server.token}`, { origin: base() });
    expect(await ask(ws, 'not json')).toMatchObject({ id: null, ok: false, error: { name: 'ValidationError' } });
    expect(await ask(ws, JSON.stringify({ id: 1, method: 'workspaces.get', arg: { id: 'x' } }))).toMatchObject({
      id: 1,
      ok: false,
      error: { name: 'ValidationError', message: expect.stringContaining('workspaces.get.id') },
    });
    expect(await ask(ws, JSON.stringify({ id: 2, method: 'no.such' }))).toMatchObject({ id: 2, ok: false, error: { name: 'UnknownMethodError' } });
    expect(await ask(ws, JSON.stringify({ id: 3, method: 'app.info' }))).toMatchObject({ id: 3, ok: true, value: { mode: 'test' } });
    ws.close();
  });
});
