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

/**
 * A reply value already written as JSON (UTF-8), by the job thread that computed it: a 17 MB
 * AIE memory dump serialised on the serving thread held every other client for ~0.2 s at load 5
 * (JSON.stringify, then UTF-8 encoding, of one 17 MB string). A transport that writes JSON
 * (browser mode's WebSocket) sends the bytes as they are (`dispatch(…, {encoded: true})`); for
 * every other caller BridgeHost decodes it back into the value `T`.
 */
export class EncodedValue<T = unknown> {
  /** Only for the type: what the bytes decode to. */
  declare readonly value?: T;
  constructor(readonly json: Uint8Array) {}

  static of<T>(value: T): EncodedValue<T> {
    return new EncodedValue<T>(new TextEncoder().encode(JSON.stringify(value)));
  }

  decode(): T {
    return JSON.parse(new TextDecoder().decode(this.json)) as T;
  }
}
