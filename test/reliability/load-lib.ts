/**
 * Browser mode under load (Node only): many authenticated WebSocket clients doing bridge
 * requests while unauthenticated attempts hit the page and the WebSocket upgrade. Loopback
 * only, bounded in count and time. Used by load.ts (the full figure) and
 * src-main/host/server/load.test.ts (the quick variant).
 */
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export interface LoadOptions {
  port: number;
  token: string;
  clients: number;
  /** Rounds per client; each round is app.info, workspaces.list, workspaces.create, workspaces.get. */
  rounds: number;
  badAttempts: number;
  /** Unauthenticated attempts in flight at once. */
  badConcurrency?: number;
  /** Give up on one request / attempt after this long. */
  timeoutMs?: number;
  /** Names of the workspaces the clients create start with this (default 'load'). */
  prefix?: string;
}

export interface LoadResult {
  served: number;
  failed: number;
  failures: string[];
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  refused: number;
  accepted: number;
  /** Neither a 401/403 refusal nor an acceptance (error, timeout, other status). */
  other: number;
  /** `kind → count of each outcome` for the unauthenticated attempts. */
  byKind: Record<string, Record<string, number>>;
  wallMs: number;
}

export const REQUESTS_PER_ROUND = 4;

/**
 * The unauthenticated attempts, cycled through in order. Each must be refused (401, 403, or
 * 400 for a malformed target). The page itself is public (no data, no token); the bridge is not.
 */
export const BAD_KINDS = [
  'page: no token, foreign Host (DNS rebinding)',
  'page: right token, foreign Host (DNS rebinding)',
  'page: malformed target //[',
  'page: malformed %-escape',
  'ws: no token',
  'ws: wrong token',
  'ws: the token as a cookie (no longer honoured)',
  'ws: right token, foreign Origin',
  'ws: right token, foreign Host (DNS rebinding)',
  'ws: malformed target',
] as const;

const EVIL = 'http://evil.example';

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const t0 = performance.now();
  const [auth, bad] = await Promise.all([authenticated(o), unauthenticated(o)]);
  return { ...auth, ...bad, wallMs: Math.round(performance.now() - t0) };
}

async function authenticated(o: LoadOptions) {
  const latencies: number[] = [];
  const failures: string[] = [];
  let served = 0;
  const clients = Array.from({ length: o.clients }, async (_, c) => {
    let ws: WebSocket;
    try {
      ws = await open(o, `?token=${o.token}`, { origin: `http://127.0.0.1:${o.port}` });
    } catch (e) {
      failures.push(`client ${c}: connect: ${(e as Error).message}`);
      return;
    }
    const pending = new Map<number, (reply: { ok: boolean; value?: unknown; error?: { message: string } }) => void>();
    ws.on('message', (d) => {
      const msg = JSON.parse(d.toString()) as { id?: number; event?: string };
      // Pushed events (other clients' creates) interleave with replies; only replies carry an id.
      if (typeof msg.id === 'number') pending.get(msg.id)?.(msg as never);
    });
    let nextId = 1;
    const call = (method: string, arg?: unknown) =>
      new Promise<unknown>((resolve, reject) => {
        const id = nextId++;
        const start = performance.now();
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method}: no reply in ${o.timeoutMs ?? 10_000} ms`));
        }, o.timeoutMs ?? 10_000);
        pending.set(id, (reply) => {
          clearTimeout(timer);
          pending.delete(id);
          latencies.push(performance.now() - start);
          if (reply.ok) resolve(reply.value);
          else reject(new Error(`${method}: ${reply.error?.message}`));
        });
        ws.send(JSON.stringify(arg === undefined ? { id, method } : { id, method, arg }));
      });
    const attempt = async (method: string, arg?: unknown) => {
      try {
        const v = await call(method, arg);
        served++;
        return v;
      } catch (e) {
        failures.push(`client ${c}: ${(e as Error).message}`);
        return undefined;
      }
    };
    for (let r = 0; r < o.rounds; r++) {
      await attempt('app.info');
      await attempt('workspaces.list');
      const name = `${o.prefix ?? 'load'} c${c} r${r}`;
      const rec = (await attempt('workspaces.create', { name })) as { id: number; name: string } | undefined;
      if (rec === undefined) {
        failures.push(`client ${c}: workspaces.get skipped (create failed)`);
        continue;
      }
      const got = (await attempt('workspaces.get', { id: rec.id })) as { name?: string } | undefined;
      if (got && got.name !== name) failures.push(`client ${c}: workspaces.get ${rec.id} returned '${got.name}', expected '${name}'`);
    }
    ws.close();
  });
  await Promise.all(clients);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]) : NaN);
  return { served, failed: failures.length, failures, p50Ms: pct(0.5), p95Ms: pct(0.95), maxMs: pct(1) };
}

async function unauthenticated(o: LoadOptions) {
  const byKind: Record<string, Record<string, number>> = {};
  let refused = 0;
  let accepted = 0;
  let other = 0;
  let next = 0;
  const worker = async () => {
    while (next < o.badAttempts) {
      const kind = BAD_KINDS[next++ % BAD_KINDS.length];
      const outcome = await badAttempt(o, kind);
      (byKind[kind] ??= {})[outcome] = (byKind[kind][outcome] ?? 0) + 1;
      if (outcome === 'HTTP 400' || outcome === 'HTTP 401' || outcome === 'HTTP 403') refused++;
      else if (outcome === 'accepted') accepted++;
      else other++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.badConcurrency ?? 25, o.badAttempts) }, worker));
  return { refused, accepted, other, byKind };
}

/** One unauthenticated attempt → 'HTTP 401' | 'HTTP 403' | 'accepted' | another description. */
async function badAttempt(o: LoadOptions, kind: (typeof BAD_KINDS)[number]): Promise<string> {
  const self = `127.0.0.1:${o.port}`;
  const wrong = 'x'.repeat(o.token.length);
  switch (kind) {
    case 'page: no token, foreign Host (DNS rebinding)':
      return page(o, '/', { host: `evil.example:${o.port}` });
    case 'page: right token, foreign Host (DNS rebinding)':
      return page(o, `/?token=${o.token}`, { host: `evil.example:${o.port}` });
    case 'page: malformed target //[':
      return page(o, '//[', {});
    case 'page: malformed %-escape':
      return page(o, '/%E0%A4%A', {});
    case 'ws: no token':
      return socket(o, '', { origin: `http://${self}` });
    case 'ws: wrong token':
      return socket(o, `?token=${wrong}`, { origin: `http://${self}` });
    case 'ws: the token as a cookie (no longer honoured)':
      return socket(o, '', { origin: `http://${self}`, cookie: `twb_token_${o.port}=${o.token}` });
    case 'ws: right token, foreign Origin':
      return socket(o, `?token=${o.token}`, { origin: EVIL });
    case 'ws: right token, foreign Host (DNS rebinding)':
      return socket(o, `?token=${o.token}`, { host: `evil.example:${o.port}` });
    case 'ws: malformed target':
      return socket(o, `%E0%A4%A?token=${o.token}`, { origin: `http://${self}` });
  }
}

function page(o: LoadOptions, pathAndQuery: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port: o.port, path: pathAndQuery, headers, agent: false, timeout: o.timeoutMs ?? 10_000 }, (res) => {
      res.resume();
      const s = res.statusCode ?? 0;
      resolve(s >= 200 && s < 400 ? 'accepted' : `HTTP ${s}`);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve(`error ${e.message}`));
  });
}

async function socket(o: LoadOptions, query: string, headers: Record<string, string>): Promise<string> {
  try {
    const ws = await open(o, query, headers);
    ws.terminate();
    return 'accepted';
  } catch (e) {
    return (e as Error).message;
  }
}

/** Opens a bridge socket; rejects with `HTTP <status>` when the upgrade is refused. */
function open(o: LoadOptions, query: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${o.port}/bridge${query}`, { headers, handshakeTimeout: o.timeoutMs ?? 10_000 });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      reject(new Error(`HTTP ${res.statusCode}`));
    });
    ws.once('error', (e) => reject(new Error(`error ${e.message}`)));
  });
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Random request targets without a token, sent as raw request lines (as `curl -g --path-as-is`
 * would): `//[`, bad %-escapes, brackets, control-free junk. Each must get an HTTP status line
 * (any status: a crash or a dropped connection is the failure). Returns the statuses seen.
 */
export async function fuzzTargets(o: { port: number; count: number; seed?: number }): Promise<{ statuses: Record<string, number>; dropped: number }> {
  const ALPHABET = ['/', '[', ']', '%', 'E0', 'A4', '%A', '%%', '..', '?', '#', '@', ':', '\\', 'token=', 'bridge', 'assets', '~', '{', '}', '|', '^', '`', 'é', '%00', '%2e', '%2f'];
  let s = o.seed ?? 1;
  const rand = (n: number) => ((s = (s * 1103515245 + 12345) & 0x7fffffff), s % n);
  const statuses: Record<string, number> = {};
  let dropped = 0;
  for (let i = 0; i < o.count; i++) {
    let target = rand(3) === 0 ? '//' : '/';
    for (let k = rand(12); k > 0; k--) target += ALPHABET[rand(ALPHABET.length)];
    const upgrade = rand(4) === 0;
    const status = await new Promise<string>((resolve) => {
      const sock = net.connect(o.port, '127.0.0.1', () =>
        sock.write(
          `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${o.port}\r\n${upgrade ? 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' : 'Connection: close\r\n'}\r\n`,
        ),
      );
      let got = '';
      sock.setTimeout(10_000, () => sock.destroy());
      sock.on('data', (d) => {
        got += d.toString('latin1');
        if (got.includes('\r\n')) {
          sock.destroy();
          resolve(got.split('\r\n')[0].split(' ')[1] ?? 'garbage');
        }
      });
      sock.on('close', () => resolve(got ? got.split('\r\n')[0].split(' ')[1] ?? 'garbage' : 'dropped'));
      sock.on('error', () => resolve('dropped'));
    });
    if (status === 'dropped') dropped++;
    else statuses[status] = (statuses[status] ?? 0) + 1;
  }
  return { statuses, dropped };
}

/**
 * A client that sends requests and does not read the replies (its socket paused): the server must
 * stop reading it, close it with a reason (1008) when it takes none of its replies for a while
 * (or its unsent replies pass the bound), and keep serving others.
 * Resolves with the close code and reason the client finally sees.
 */
export async function slowReader(o: { port: number; token: string; requests: number; stallMs?: number }): Promise<{ code: number; reason: string }> {
  // It connects while the load starts: on a loaded machine the handshake can wait its turn.
  const ws = await open({ ...o, clients: 0, rounds: 0, badAttempts: 0, timeoutMs: 60_000 }, `?token=${o.token}`, { origin: `http://127.0.0.1:${o.port}` });
  // ws.pause(), not its socket's: ws resumes a socket it did not pause whenever its frame parser drains.
  ws.pause();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  // Each reply is a few hundred KB: a workspace export with a large view.
  const doc = { schemaVersion: 1, name: 'slow', host: { name: 'h', model: 'POWER9', threadsPerCore: 4, sockets: [{ cores: 24, memoryBytes: 2 ** 30 }] }, guests: [], devices: { mhi: [], aie: null, dmabuf: { exporters: [], importers: [] } }, workloads: [], kernel: { barriers: { beforeSet: false, afterClear: false } }, params: {}, view: { positions: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`node-${i}-${'x'.repeat(40)}`, { x: i, y: i }])) } };
  // All queued at once, so its own send buffer shows when the host stops reading it. Serialising
  // and masking them blocks this process for seconds (6 s for 300 at load 15): load.ts runs the
  // slow reader in its own process (slow-reader.ts), not beside the clients it measures.
  const body = JSON.stringify({ method: 'transfer.exportWorkspace', arg: { document: doc } });
  for (let i = 1; i <= o.requests; i++) ws.send(`{"id":${i},${body.slice(1)}`);
  // Read nothing until the server has not read this client's requests for longer than it waits
  // for a client that takes none of its replies (stallMs, 10 s by default): it must have closed
  // it by then. Then read, to see the close.
  const quietFor = (o.stallMs ?? 10_000) + 1000;
  let last = -1;
  let since = performance.now();
  for (const t0 = performance.now(); performance.now() - t0 < 120_000; ) {
    await new Promise((r) => setTimeout(r, 100));
    if (ws.bufferedAmount !== last) [last, since] = [ws.bufferedAmount, performance.now()];
    else if (performance.now() - since > quietFor) break;
  }
  ws.resume();
  return Promise.race([closed, new Promise<{ code: number; reason: string }>((r) => setTimeout(() => (ws.terminate(), r({ code: 0, reason: 'not closed' })), 30_000))]);
}
