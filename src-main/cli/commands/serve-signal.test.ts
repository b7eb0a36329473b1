import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openStore } from '../../host/store';

const TWB = fileURLToPath(new URL('../../../bin/twb.js', import.meta.url));

// Issue 11: SIGTERM did not stop browser mode while a run was built on its thread, and a run
// in progress was left `running` in the store.
describe('twb serve on SIGTERM', () => {
  it('stops the active run, records it as cancelled and exits 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-serve-term-'));
    const db = path.join(dir, 'w.db');
    const child = spawn(process.execPath, [TWB, 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => resolve(d.toString().trim()));
        child.once('exit', (c) => reject(new Error(`serve exited ${c}`)));
      });
      const { port, searchParams } = new URL(url);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${searchParams.get('token')}`);
      await new Promise((r) => ws.once('open', r));
      const call = (id: number, method: string, arg?: unknown) =>
        new Promise<{ ok: boolean; value: { id: number; runId: number } }>((resolve) => {
          const on = (d: WebSocket.RawData) => {
            const m = JSON.parse(d.toString()) as { id?: number };
            if (m.id === id) {
              ws.off('message', on);
              resolve(m as never);
            }
          };
          ws.on('message', on);
          ws.send(JSON.stringify({ id, method, arg }));
        });
      const created = await call(1, 'workspaces.create', { name: 'w', builtin: 'seed-power9-ipi' });
      const started = await call(2, 'runs.start', { workspaceId: created.value.id, duration: '30d', seed: 1 });
      expect(started.ok).toBe(true);
      await new Promise((r) => setTimeout(r, 1000));
      const exit = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      const store = openStore(db, { create: 'nothing' });
      expect(store.runs.get(started.value.runId).status).toBe('cancelled');
      store.close();
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
