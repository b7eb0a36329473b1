import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ClientChannel, type ChannelLimits } from './client-channel';
import type { BridgeHost } from '../../../src-common/bridge';
import { LIMITS } from '../../../src-common/parse/limits';
import { contentSecurityPolicy, newToken, tokenMatches } from './security';

export interface ServerOptions {
  host: BridgeHost;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (vite build output with index.html). */
  rendererDir: string;
  /** Fixed token (tests); a fresh random one otherwise. */
  token?: string;
  /** Backpressure bounds per client (tests make them small); LIMITS otherwise. */
  channelLimits?: ChannelLimits;
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
const MAX_MESSAGE = LIMITS.messageBytes.value;

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
 * Browser mode: serves the renderer and the bridge on 127.0.0.1 only. The page and its assets
 * (the public bundle) need only the right Host; the WebSocket upgrade needs the token as
 * `?token=` (the page keeps it in sessionStorage, which is per origin and so per port). A
 * foreign Origin or Host (DNS rebinding) is refused; a malformed target is a 400.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const root = path.resolve(opts.rendererDir);
  let port = 0;
  const origin = () => `http://127.0.0.1:${port}`;
  const hostOk = (h: string | undefined) => h === `127.0.0.1:${port}` || h === `localhost:${port}`;
  const originOk = (o: string | undefined) => o === undefined || o === origin() || o === `http://localhost:${port}`;
  // Only the bridge needs the token, and only as `?token=` on its upgrade: no cookie, which
  // every other 127.0.0.1 port the browser visits would receive too (cookies ignore ports).
  const authorized = (url: ParsedUrl) => tokenMatches(url.searchParams.get('token'), token);

  const server = http.createServer((req, res) => {
    const deny = (code: number, text: string) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(text + '\n');
    };
    req.on('error', () => res.destroy());
    res.on('error', () => res.destroy());
    try {
      servePage(req, deny, (code, headers, body) => {
        res.writeHead(code, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
      });
    } catch {
      // A defect, not the request's fault: answer and keep serving.
      deny(500, 'internal error');
    }
  });

  const servePage = (
    req: http.IncomingMessage,
    deny: (code: number, text: string) => void,
    send: (code: number, headers: http.OutgoingHttpHeaders, body: Buffer) => void,
  ) => {
    // Parsed before anything else looks at it: a malformed target (`//[`, `/%E0%A4%A`) is a 400, not a crash.
    const url = parseTarget(req.url, origin());
    if (!url) return deny(400, 'bad request: malformed URL');
    if (!hostOk(req.headers.host)) return deny(403, 'forbidden host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'method not allowed');
    // The page and its assets are the public renderer bundle (no data): served without the
    // token, so the page can drop it from the address bar and still reload. Everything with
    // data goes through the bridge, which needs it.

    let file = path.resolve(root, '.' + url.path);
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
    send(200, headers, body);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  server.on('upgrade', (req, socket: Duplex, head) => {
    socket.on('error', () => socket.destroy());
    const refuse = (code: number, text: string) => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    try {
      const url = parseTarget(req.url, origin());
      if (!url) return refuse(400, 'Bad Request');
      if (url.pathname !== BRIDGE_PATH) return refuse(404, 'Not Found');
      if (!hostOk(req.headers.host)) return refuse(403, 'Forbidden');
      if (!originOk(req.headers.origin)) return refuse(403, 'Forbidden');
      if (!authorized(url)) return refuse(401, 'Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => new ClientChannel(ws, opts.host, opts.channelLimits));
    } catch {
      refuse(500, 'Internal Server Error');
    }
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

/** A request target as the server uses it, or null when it is malformed. */
interface ParsedUrl {
  pathname: string;
  /** The pathname with %-escapes decoded. */
  path: string;
  searchParams: URLSearchParams;
}

function parseTarget(target: string | undefined, origin: string): ParsedUrl | null {
  try {
    const url = new URL(target ?? '/', origin);
    return { pathname: url.pathname, path: decodeURIComponent(url.pathname), searchParams: url.searchParams };
  } catch {
    return null;
  }
}
