import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_KINDS, REQUESTS_PER_ROUND, fuzzTargets, runLoad, slowReader } from '../../../test/reliability/load-lib';
import { openStore, type Store } from '../store';
import { createBridgeHost } from './handlers';
import { startServer, type RunningServer } from './server';

// The quick variant of test/reliability/load.ts (which runs the real `twb serve` with 50 clients
// and 1,000 unauthenticated attempts).
let dir: string;
let store: Store;
let server: RunningServer;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-load-'));
  fs.mkdirSync(path.join(dir, 'renderer'));
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>twb</title>');
  store = openStore(path.join(dir, 'w.db'));
  // A small unsent-bytes bound, so the slow reader below is closed after a few MB instead of 64 MiB.
  server = await startServer({
    host: createBridgeHost({ store, version: '0', mode: 'test' }),
    port: 0,
    rendererDir: path.join(dir, 'renderer'),
    channelLimits: { unsentBytes: 4 * 1024 * 1024, requestsInFlight: 16, readHighWater: 1024 * 1024, stallMs: 1000 },
  });
});
afterAll(async () => {
  await server.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('browser mode under load', () => {
  it('serves 10 concurrent authenticated clients and refuses 100 unauthenticated attempts', async () => {
    const r = await runLoad({ port: server.port, token: server.token, clients: 10, rounds: 2, badAttempts: 100 });
    expect(r.failures).toEqual([]);
    expect(r.served).toBe(10 * 2 * REQUESTS_PER_ROUND);
    expect({ refused: r.refused, accepted: r.accepted, other: r.other }).toEqual({ refused: 100, accepted: 0, other: 0 });
    expect(Object.keys(r.byKind).sort()).toEqual([...BAD_KINDS].sort());
    expect(store.workspaces.list().filter((w) => w.name.startsWith('load ')).length).toBe(20);
  });

  it('answers 300 random malformed targets without a token with a status line, and keeps serving', async () => {
    const r = await fuzzTargets({ port: server.port, count: 300 });
    expect(r.dropped).toBe(0);
    expect(Object.keys(r.statuses).every((st) => /^[2-5]\d\d$/.test(st))).toBe(true);
    const again = await runLoad({ port: server.port, token: server.token, clients: 2, rounds: 1, badAttempts: 0, prefix: 'after fuzz' });
    expect(again.failures).toEqual([]);
  });

  it('closes a client that does not read its replies, with a reason, while others are served', async () => {
    const [slow, others] = await Promise.all([slowReader({ port: server.port, token: server.token, requests: 60, stallMs: 1000 }), runLoad({ port: server.port, token: server.token, clients: 4, rounds: 2, badAttempts: 0, prefix: 'beside slow' })]);
    expect(slow).toEqual({ code: 1008, reason: 'took none of its replies for 1 s with more than 1 MiB waiting: this client is not reading' });
    expect(others.failures).toEqual([]);
  });
});
