import { BridgeClient } from '../../src-common/bridge/client';
import type { ClientPort } from '../../src-common/bridge/protocol';
import { WebSocketPort } from './ws-port';

const TOKEN_KEY = 'twb.token';

/**
 * Browser mode's access token: taken from the `?token=` the page was opened with, kept in
 * sessionStorage (per origin, so per port, and per tab; never a cookie, which every other
 * 127.0.0.1 port would receive) and removed from the address bar, so it is not left in
 * history, bookmarks or a screenshot; a reload finds it in sessionStorage.
 */
function takeToken(): string {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
  return fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/**
 * The renderer's one bridge client. In the desktop app the preload provides `window.twb`
 * (Electron IPC); in browser mode we talk to `twb serve` over its WebSocket, sending the
 * token on the handshake.
 */
export function connectBridge(): BridgeClient {
  const ipc = (window as unknown as { twb?: ClientPort }).twb;
  if (ipc) return new BridgeClient(ipc);
  const token = takeToken();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return new BridgeClient(new WebSocketPort(`${scheme}://${location.host}/bridge?token=${encodeURIComponent(token)}`));
}
