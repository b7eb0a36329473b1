import type { WireError } from './errors';

/** Renderer → main: one call with one argument. */
export interface RequestMessage {
  id: number;
  method: string;
  arg?: unknown;
}

/** Main → renderer: the answer to request `id` (null when the request was too broken to have one). */
export type ReplyMessage = { id: number | null; ok: true; value: unknown } | { id: number | null; ok: false; error: WireError };

/** Main → renderer: a pushed event (`onXxx`). */
export interface EventMessage {
  event: string;
  payload: unknown;
}

/**
 * The seam every transport implements on the renderer side (in-memory, WebSocket, Electron
 * IPC through the preload): send one request and get its reply; receive pushed events.
 */
export interface ClientPort {
  request(req: RequestMessage): Promise<ReplyMessage>;
  onEvent(listener: (msg: EventMessage) => void): () => void;
}

/** Electron IPC channels (preload ↔ src-main/electron). */
export const IPC_REQUEST = 'twb:request';
export const IPC_EVENT = 'twb:event';

/** What the preload exposes as `window.twb` (a ClientPort, nothing more). */
export type PreloadApi = ClientPort;
