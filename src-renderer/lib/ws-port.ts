import type { ClientPort, EventMessage, ReplyMessage, RequestMessage } from '../../src-common/bridge/protocol';

/**
 * Browser mode's transport: the bridge over one WebSocket to `twb serve`. Requests made
 * before the socket opens wait for it; if it drops, calls in flight fail with
 * DisconnectedError and the port reconnects.
 */
export class WebSocketPort implements ClientPort {
  private ws: WebSocket | null = null;
  private readonly pending = new Map<number, (r: ReplyMessage) => void>();
  private readonly queue: string[] = [];
  private readonly listeners = new Set<(m: EventMessage) => void>();
  private retryMs = 250;

  constructor(private readonly url: string) {
    this.open();
  }

  request(req: RequestMessage): Promise<ReplyMessage> {
    return new Promise((resolve) => {
      this.pending.set(req.id, resolve);
      const text = JSON.stringify(req);
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(text);
      else this.queue.push(text);
    });
  }

  onEvent(listener: (m: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private open(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 250;
      for (const text of this.queue.splice(0)) ws.send(text);
    };
    ws.onmessage = (e) => {
      const msg = JSON.parse(String(e.data)) as ReplyMessage | EventMessage;
      if ('event' in msg) for (const l of this.listeners) l(msg);
      else if (msg.id !== null) {
        this.pending.get(msg.id)?.(msg);
        this.pending.delete(msg.id);
      }
    };
    ws.onclose = () => {
      for (const [id, resolve] of this.pending) resolve({ id, ok: false, error: { name: 'DisconnectedError', message: 'the connection to the workbench closed' } });
      this.pending.clear();
      this.retryMs = Math.min(this.retryMs * 2, 5000);
      window.setTimeout(() => this.open(), this.retryMs);
    };
  }
}
