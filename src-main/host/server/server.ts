import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BridgeHost } from '../../../src-common/bridge';
import { contentSecurityPolicy, cookieName, newToken, readCookie, tokenMatches } from './security';

export interface ServerOptions {
  host: BridgeHost;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (vite build output with index.html). */
  rendererDir: string;
  /** Fixed token (tests); a fresh random one otherwise. */
  token?: string;
}

export interface RunningServer {
  port: number;
  token: string;
  /** `http://127.0.0.1:PORT/?token=TOKEN` */
  url: string;
  close(): Promise<void>;
}

/** The WebSocket path of the bridge. */
export const BRIDGE_PATH = '/bridge';
const MAX_MESSAGE = 16 * 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * Browser mode: serves the renderer and the bridge on 127.0.0.1 only. Every HTTP request and
 * the WebSocket upgrade need the token (as `?token=` or the cookie the page sets); a foreign
 * Origin or Host (DNS rebinding) is refused.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const root = path.resolve(opts.rendererDir);
  let port = 0;
  const origin = () => `http://127.0.0.1:${port}`;
  const hostOk = (h: string | undefined) => h === `127.0.0.1:${port}` || h === `localhost:${port}`;
  const originOk = (o: string | undefined) => o === undefined || o === origin() || o === `http://localhost:${port}`;
  const authorized = (req: http.IncomingMessage) => {
    const q = new URL(req.url ?? '/', origin()).searchParams.get('token');
    return tokenMatches(q, token) || tokenMatches(readCookie(req.headers.cookie, cookieName(port)), token);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin());
    const deny = (code: number, text: string) => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(text + '\n');
    };
    if (!hostOk(req.headers.host)) return deny(403, 'forbidden host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'method not allowed');
    if (!authorized(req)) return deny(401, 'this server needs the token from the URL it printed (…/?token=…)');

    let file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
    if (url.pathname === '/') file = path.join(root, 'index.html');
    if (file !== root && !file.startsWith(root + path.sep)) return deny(404, 'not found');
    let body: Buffer;
    try {
      body = fs.readFileSync(file);
    } catch {
      if (url.pathname === '/') return deny(503, `the renderer is not built (no ${file}); run: npm run build`);
      return deny(404, 'not found');
    }
    const headers: http.OutgoingHttpHeaders = {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': contentSecurityPolicy(origin()),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'x-frame-options': 'DENY',
      'cache-control': file.endsWith('.html') ? 'no-store' : 'private, max-age=3600',
    };
    // The page's own requests (scripts, styles, the socket) carry the token as a cookie.
    if (url.pathname === '/') headers['set-cookie'] = `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  server.on('upgrade', (req, socket: Duplex, head) => {
    const refuse = (code: number, text: string) => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', origin());
    if (url.pathname !== BRIDGE_PATH) return refuse(404, 'Not Found');
    if (!hostOk(req.headers.host)) return refuse(403, 'Forbidden');
    if (!originOk(req.headers.origin)) return refuse(403, 'Forbidden');
    if (!authorized(req)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, opts.host));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;

  return {
    port,
    token,
    url: `${origin()}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One renderer connection: requests in, replies and pushed events out. */
function serveSocket(ws: WebSocket, host: BridgeHost): void {
  const unsubscribe = host.subscribe((msg) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  });
  ws.on('close', unsubscribe);
  ws.on('error', () => ws.terminate());
  ws.on('message', async (data, isBinary) => {
    let req: unknown;
    try {
      if (isBinary) throw new Error('binary frame');
      req = JSON.parse(data.toString());
    } catch {
      ws.send(JSON.stringify({ id: null, ok: false, error: { name: 'ValidationError', message: 'request: expected a JSON text message' } }));
      return;
    }
    const reply = await host.dispatch(req);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  });
}
