import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { openStore } from '../store';
import { loadWorkspace } from '../workspace/load';
import { ClientChannel } from './client-channel';
import { createBridgeHost } from './handlers';

/**
 * A socket whose writes complete only when the test says so (a client that does not read). Like
 * ws, close() only starts the close (CLOSING): 'close' is emitted when the connection ends, and
 * messages queued behind the close may still arrive meanwhile.
 */
class StuckSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  isPaused = false;
  sent: string[] = [];
  held: (() => void)[] = [];
  closed: { code: number; reason: string } | null = null;
  send(text: string, _opts: { fin?: boolean }, cb?: () => void) {
    this.sent.push(text);
    if (cb) this.held.push(cb);
  }
  flush() {
    const cbs = this.held.splice(0);
    for (const cb of cbs) cb();
  }
  pause() {
    this.isPaused = true;
  }
  resume() {
    this.isPaused = false;
  }
  close(code: number, reason: string) {
    this.closed = { code, reason };
    this.readyState = 2;
  }
  terminate() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit('close');
  }
  request(id: number, method: string, arg?: unknown) {
    this.emit('message', Buffer.from(JSON.stringify({ id, method, arg })), false);
  }
}

const settle = () => new Promise((r) => setTimeout(r, 50));
/** The document the tests export, over and over, to fill a client's replies. */
const doc = loadWorkspace('builtin:seed-power9-ipi');

/** A bridge host on a fresh in-memory store and one client on a socket the test drives. */
function openClient(limits?: ConstructorParameters<typeof ClientChannel>[2]) {
  const store = openStore(':memory:');
  const host = createBridgeHost({ store, version: '0', mode: 'test' });
  const ws = new StuckSocket();
  new ClientChannel(ws as unknown as WebSocket, host, limits);
  return { store, host, ws };
}

// Issue 11: a client that never read its replies grew the host to 1.4 GB; pushed events were
// buffered the same way.
describe('per-client backpressure', () => {
  it('a client that does not read its replies is not read either, and is closed when it takes none for a while', async () => {
    const { store, ws } = openClient({ unsentBytes: 64 * 1024 * 1024, requestsInFlight: 4, readHighWater: 256 * 1024, stallMs: 300 });
    // A client sending as fast as the socket is read (as a real socket would).
    let sentRequests = 0;
    for (let i = 0; i < 200 && !ws.closed; i++) {
      while (!ws.isPaused && sentRequests < 400) ws.request(++sentRequests, 'transfer.exportWorkspace', { document: doc });
      await settle();
    }
    // The host stopped answering soon after 256 KiB waited (each reply is ~10 KB), not at 400.
    expect(ws.sent.length).toBeLessThan(60);
    expect(ws.closed).toEqual({ code: 1008, reason: 'took none of its replies for 0.3 s with more than 256 KiB waiting: this client is not reading' });
    store.close();
  });

  // load.ts: once the host had closed a slow reader, ws kept emitting the requests queued behind
  // the close (hundreds of 300 KB exports) and the host answered each into the void, seconds of
  // serving-thread time; meanwhile the close frame waited and the 10 s grace ended the
  // connection before the client had read it (it saw 1006 instead of 1008 and the reason).
  it('a client closed for not reading has nothing more read or handled, and is ended only when it stops taking what is queued', async () => {
    vi.useFakeTimers();
    const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms);
    const store = openStore(':memory:');
    try {
      const host = createBridgeHost({ store, version: '0', mode: 'test' });
      const dispatch = vi.spyOn(host, 'dispatch');
      const ws = new StuckSocket();
      new ClientChannel(ws as unknown as WebSocket, host, { unsentBytes: 64 * 1024 * 1024, requestsInFlight: 4, readHighWater: 64 * 1024, stallMs: 1000, closeGraceMs: 3000 });
        for (let i = 1; i <= 30; i++) ws.request(i, 'transfer.exportWorkspace', { document: doc });
      await tick(1100);
      expect(ws.closed?.code).toBe(1008);
      const handled = dispatch.mock.calls.length;
      // Requests the client had queued behind the close still arrive: none is handled.
      for (let i = 31; i <= 60; i++) ws.request(i, 'transfer.exportWorkspace', { document: doc });
      await tick(10);
      expect(dispatch.mock.calls.length).toBe(handled);
      // It starts taking its replies, one every 2 s (each within the 3 s grace): not ended; what
      // it sends is read (to reach its close frame) but not handled.
      for (let i = 0; i < 4; i++) {
        ws.held.shift()?.();
        ws.request(100 + i, 'app.info');
        await tick(2000);
        expect([ws.readyState, ws.isPaused, dispatch.mock.calls.length]).toEqual([2, false, handled]);
      }
      // It stops taking them: ended once the grace has passed since the last one.
      await tick(1100);
      expect(ws.readyState).toBe(3);
      expect(dispatch.mock.calls.length).toBe(handled);
    } finally {
      vi.useRealTimers();
      store.close();
    }
  });

  it('a client past the read high-water mark that takes its replies is read again', async () => {
    const { store, ws } = openClient({ unsentBytes: 64 * 1024 * 1024, requestsInFlight: 4, readHighWater: 64 * 1024, stallMs: 60_000 });
    for (let i = 1; i <= 30; i++) ws.request(i, 'transfer.exportWorkspace', { document: doc });
    for (let i = 0; i < 100 && ws.sent.length < 30; i++) await settle();
    expect(ws.isPaused).toBe(true);
    ws.flush();
    await settle();
    expect([ws.isPaused, ws.closed]).toEqual([false, null]);
    store.close();
  });

  it('a client whose unsent replies pass the bound is closed with a reason', async () => {
    const { store, ws } = openClient({ unsentBytes: 1024 * 1024, requestsInFlight: 4 });
    for (let i = 1; i <= 400; i++) ws.request(i, 'transfer.exportWorkspace', { document: doc });
    for (let i = 0; i < 100 && !ws.closed; i++) await settle();
    expect(ws.closed).toEqual({ code: 1008, reason: 'more than 1 MiB of replies unsent: this client is not reading' });
    // Bounded: what was queued when it was closed is the bound plus at most one reply.
    expect(ws.sent.join('').length).toBeLessThan(1024 * 1024 + 100_000);
    store.close();
  });

  it('stops reading a client past the requests in flight, and reads again when they are answered', async () => {
    const { store, ws } = openClient({ unsentBytes: 64 << 20, requestsInFlight: 2 });
    ws.request(1, 'app.info');
    ws.request(2, 'app.info');
    expect(ws.isPaused).toBe(true);
    await settle();
    expect(ws.isPaused).toBe(false);
    expect(ws.sent.map((t) => (JSON.parse(t) as { id: number }).id)).toEqual([1, 2]);
    store.close();
  });

  it('coalesces pushed events while the client is behind, keeping every log line', async () => {
    const { store, host, ws } = openClient();
    const update = (n: number, lines: number) => ({
      runId: 7,
      simNs: n,
      cpus: { state: [], busy: [] },
      counters: { broadcasts: 0, ipisSent: n, lostIpis: 0, lockups: 0, logLines: 0 },
      newLog: Array.from({ length: lines }, (_, i) => ({ t: n, text: `line ${n}.${i}` })),
      newLockups: [],
      guestExits: {},
      samples: [],
    });
    host.emit('onRunUpdate', update(0, 40_000)); // about 1.5 MB: the client is now behind
    for (let n = 1; n <= 500; n++) {
      host.emit('onRunUpdate', update(n, 1));
      host.emit('onRunProgress', { runId: 7, workspaceId: 1, state: 'running', simNs: n, durationNs: 1000, wallSeconds: n, etaSeconds: null, speed: null });
    }
    expect(ws.sent.length).toBe(1);
    ws.flush();
    const events = ws.sent.slice(1).map((t) => JSON.parse(t) as { event: string; payload: { simNs: number; newLog?: { text: string }[] } });
    expect(events.map((e) => e.event).sort()).toEqual(['onRunProgress', 'onRunUpdate']);
    const merged = events.find((e) => e.event === 'onRunUpdate')!.payload;
    expect(merged.simNs).toBe(500);
    expect(merged.newLog!.map((l) => l.text)).toEqual(Array.from({ length: 500 }, (_, i) => `line ${i + 1}.0`));
    expect(events.find((e) => e.event === 'onRunProgress')!.payload.simNs).toBe(500);
    store.close();
  });
});
