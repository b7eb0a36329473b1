import { BridgeClient } from '../../src-common/bridge/client';
import type { ClientPort } from '../../src-common/bridge/protocol';
import { WebSocketPort } from './ws-port';

/**
 * The renderer's one bridge client. In the desktop app the preload provides `window.twb`
 * (Electron IPC); in browser mode we talk to `twb serve` over its WebSocket, carrying the
 * token the page was opened with.
 */
export function connectBridge(): BridgeClient {
  const ipc = (window as unknown as { twb?: ClientPort }).twb;
  if (ipc) return new BridgeClient(ipc);
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return new BridgeClient(new WebSocketPort(`${scheme}://${location.host}/bridge?token=${encodeURIComponent(token)}`));
}
