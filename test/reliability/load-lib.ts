/**
 * Browser mode under load (Node only): many authenticated WebSocket clients doing bridge
 * requests while unauthenticated attempts hit the page and the WebSocket upgrade. Loopback
 * only, bounded in count and time. Used by load.ts (the full figure) and
 * src-main/host/server/load.test.ts (the quick variant).
 */
import http from 'node:http';
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
      const name = `load c${c} r${r}`;
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
