import type { WebSocket } from 'ws';
import { contract, EncodedValue, type BridgeHost, type EventMessage, type ReplyMessage } from '../../../src-common/bridge';
import { formatPath } from '../../../src-common/parse/field-error';
import { JsonValueError, parseJsonText } from '../../../src-common/parse/json';
import { LIMITS } from '../../../src-common/parse/limits';

/** Unsent bytes above which pushed events wait (and are coalesced) instead of being sent. */
const EVENT_HIGH_WATER = 1024 * 1024;
/** How long a client closed for not reading may take none of what is queued before it is ended. */
const CLOSE_GRACE_MS = 10_000;
/** Log lines and lockups one coalesced run update keeps (the newest; the run's history has all). */
const MERGED_ENTRIES = 10_000;

export interface ChannelLimits {
  unsentBytes: number;
  requestsInFlight: number;
  /** Unsent bytes above which the client's requests are not read until its replies drain. */
  readHighWater?: number;
  /** A client above `readHighWater` that takes none of its replies for this long is closed, ms. */
  stallMs?: number;
  /** A client closed for not reading that takes none of what is queued for this long is ended, ms. */
  closeGraceMs?: number;
}

/** How long a client may take none of its replies while past READ_HIGH_WATER before it is closed. */
const STALL_MS = 10_000;

/**
 * One browser-mode client: requests in, replies and pushed events out, with backpressure.
 * - Requests: at most `requestsInFlight` are handled at once; past that the socket stops being
 *   read until one is answered (the client's own sends back up, not the host's memory).
 * - Replies: past `readHighWater` unsent bytes the client's socket is not read either (a client
 *   that does not read its replies must not keep the host busy answering more of them); one
 *   that then takes none of its replies for `stallMs`, or whose unsent replies pass
 *   `unsentBytes`, is not reading them: its socket is closed with that reason.
 * - Pushed events: while replies or events wait to be written, new events are coalesced per
 *   kind (the latest progress, one run update merging the new log lines), never queued.
 * - Closing: from the moment the host closes a client (or the client starts its close), none of
 *   its requests is handled — the WebSocket keeps emitting those already queued behind the
 *   close (a slow reader has megabytes of them), and answering them into the void once stalled
 *   every other client for seconds. They are read and dropped, so the client's own close frame
 *   behind them arrives and the connection ends cleanly. Work still running for it is told to
 *   stop (the job threads end it); a client that takes none of what is queued for it (its
 *   replies, then the close frame with the reason) for `closeGraceMs` is ended.
 */
export class ClientChannel {
  private unsent = 0;
  private inFlight = 0;
  /** Reading is held because too many replies wait; the timer closes the client if none is taken. */
  private readHold: ReturnType<typeof setTimeout> | null = null;
  private readonly readHighWater: number;
  private readonly stallMs: number;
  private readonly closeGraceMs: number;
  private readonly pending = new Map<string, EventMessage>();
  private readonly gone = new AbortController();
  /** Set once the host closes this client or the client closes: nothing more is read or handled. */
  private closing = false;
  /** Ends a closed client that takes none of what is queued for closeGraceMs. */
  private endTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly host: BridgeHost,
    private readonly limits: ChannelLimits = { unsentBytes: LIMITS.unsentBytes.value, requestsInFlight: LIMITS.requestsInFlight.value },
  ) {
    this.readHighWater = limits.readHighWater ?? LIMITS.readHighWater.value;
    this.stallMs = limits.stallMs ?? STALL_MS;
    this.closeGraceMs = limits.closeGraceMs ?? CLOSE_GRACE_MS;
    const unsubscribe = host.subscribe((e) => this.push(e));
    ws.on('close', () => {
      this.closing = true;
      if (this.readHold) clearTimeout(this.readHold);
      if (this.endTimer) clearTimeout(this.endTimer);
      unsubscribe();
      this.pending.clear();
      this.gone.abort();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      // A message after the close (ours or the client's) is one that was queued behind it.
      if (this.closing || this.ws.readyState !== this.ws.OPEN) return;
      this.request(isBinary ? null : data.toString());
    });
  }

  private request(text: string | null): void {
    this.inFlight++;
    if (this.inFlight >= this.limits.requestsInFlight) this.ws.pause();
    void this.answer(text)
      .catch((e: unknown): ReplyMessage => ({ id: null, ok: false, error: { name: 'InternalError', message: String(e) } }))
      .then((reply) => {
        this.inFlight--;
        this.send(reply);
        this.resumeReading();
      });
  }

  private async answer(text: string | null): Promise<ReplyMessage> {
    let req: unknown;
    try {
      if (text === null) throw new Error('binary frame');
      // The argument sits one level down in the request.
      req = parseJsonText(text, LIMITS.requestDepth.value + 1);
    } catch (e) {
      if (e instanceof JsonValueError) return valueRefusal(e, text!);
      return { id: null, ok: false, error: { name: 'ValidationError', message: 'request: expected a JSON text message' } };
    }
    return this.host.dispatch(req, this.gone.signal, { encoded: true });
  }

  private push(e: EventMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.unsent < EVENT_HIGH_WATER && this.pending.size === 0) return this.send(e);
    const key = eventKey(e);
    const prev = this.pending.get(key);
    this.pending.set(key, prev ? merge(prev, e) : e);
  }

  private flushEvents(): void {
    for (const [key, e] of this.pending) {
      if (this.unsent >= EVENT_HIGH_WATER) return;
      this.pending.delete(key);
      this.send(e);
    }
  }

  private send(msg: ReplyMessage | EventMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // One text message; a reply whose value a job thread already wrote as JSON goes out as three
    // fragments around those bytes (not copied into one buffer: 17 MB of fresh memory here cost
    // 70-160 ms at load 7). Sent back to back, so nothing interleaves.
    let parts: (string | Uint8Array)[];
    try {
      parts = 'ok' in msg && msg.ok && msg.value instanceof EncodedValue ? [`{"id":${JSON.stringify(msg.id)},"ok":true,"value":`, msg.value.json, '}'] : [JSON.stringify(msg)];
    } catch (e) {
      const id = 'id' in msg ? msg.id : null;
      parts = [JSON.stringify({ id, ok: false, error: { name: 'InternalError', message: `the reply could not be serialised: ${(e as Error).message}` } })];
    }
    const bytes = parts.reduce((n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : p.byteLength), 0);
    this.unsent += bytes;
    for (const p of parts.slice(0, -1)) this.ws.send(p, { binary: false, fin: false });
    this.ws.send(parts[parts.length - 1], { binary: false, fin: true }, () => {
      this.unsent -= bytes;
      // Closed for not reading, and now reading: it gets its time to reach the close frame.
      if (this.closing) return this.endLater();
      // It takes its replies: the stall clock starts again.
      if (this.readHold) this.holdReading();
      this.resumeReading();
      this.flushEvents();
    });
    if (this.unsent > this.limits.unsentBytes) this.closeFor(`more than ${Math.round(this.limits.unsentBytes / 1024 / 1024)} MiB of replies unsent: this client is not reading`);
    else if (this.unsent > this.readHighWater && !this.readHold) this.holdReading();
  }

  /** Stops reading the client's requests; closes it if it takes none of its replies within stallMs. */
  private holdReading(): void {
    if (this.readHold) clearTimeout(this.readHold);
    this.ws.pause();
    this.readHold = setTimeout(() => {
      this.readHold = null;
      this.closeFor(`took none of its replies for ${this.stallMs / 1000} s with more than ${size(this.readHighWater)} waiting: this client is not reading`);
    }, this.stallMs);
    this.readHold.unref?.();
  }

  /** Reads the client's requests again once its replies have drained and few of its requests are being answered. */
  private resumeReading(): void {
    if (this.closing) return;
    if (this.readHold && this.unsent <= this.readHighWater) {
      clearTimeout(this.readHold);
      this.readHold = null;
    }
    if (this.ws.isPaused && !this.readHold && this.inFlight < this.limits.requestsInFlight) this.ws.resume();
  }

  private closeFor(reason: string): void {
    if (this.closing || this.ws.readyState !== this.ws.OPEN) return;
    this.closing = true;
    if (this.readHold) clearTimeout(this.readHold);
    this.readHold = null;
    this.pending.clear();
    this.gone.abort();
    // What it sent is read and dropped (the 'message' handler): its close frame, sent back once
    // it reads ours, sits behind those requests; and a socket ended with unread input is reset,
    // which throws away what the client has not read yet — the close frame with the reason.
    this.ws.resume();
    // 1008 (policy violation). The close frame waits behind the replies already queued: a client
    // that takes them sees the reason (each reply it takes restarts the grace); one that takes
    // none for closeGraceMs is ended.
    this.ws.close(1008, reason);
    this.endLater();
  }

  private endLater(): void {
    if (this.endTimer) clearTimeout(this.endTimer);
    this.endTimer = setTimeout(() => this.ws.terminate(), this.closeGraceMs);
    this.endTimer.unref?.();
  }
}

/** `4 MiB`, `256 KiB`. */
const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`);

/** What a newer event of the same kind replaces: progress and updates per run, workspace changes per workspace. */
function eventKey(e: EventMessage): string {
  const p = e.payload as { runId?: unknown; id?: unknown } | null;
  if (p && typeof p === 'object' && 'runId' in p) return `${e.event}:${String(p.runId)}`;
  if (p && typeof p === 'object' && 'id' in p) return `${e.event}:${String(p.id)}`;
  return e.event;
}

/** The parts of a run update that are deltas (since the previous update): a merge keeps both. */
const DELTAS = ['newLog', 'newLockups', 'samples'] as const;

/** A newer event of the same key; run updates keep the log lines, lockups and samples of both. */
function merge(prev: EventMessage, next: EventMessage): EventMessage {
  if (next.event !== 'onRunUpdate') return next;
  const a = prev.payload as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...(next.payload as Record<string, unknown>) };
  for (const k of DELTAS) if (Array.isArray(a[k]) && Array.isArray(merged[k])) merged[k] = [...(a[k] as unknown[]), ...(merged[k] as unknown[])].slice(-MERGED_ENTRIES);
  return { event: next.event, payload: merged };
}

/**
 * A request that is JSON but nests too deep or holds a number like 1e400: refused naming the
 * method's field as dispatch would (`workspaces.create.doc.host.sockets[0].memoryBytes: …`).
 */
function valueRefusal(e: JsonValueError, text: string): ReplyMessage {
  const raw = JSON.parse(text) as { id?: unknown; method?: unknown } | null;
  const id = typeof raw?.id === 'number' && Number.isSafeInteger(raw.id) ? raw.id : null;
  const method = typeof raw?.method === 'string' && Object.hasOwn(contract.methods, raw.method) ? raw.method : null;
  const [top, ...rest] = e.path;
  const joined = (head: string, p: (string | number)[]) => (p.length ? `${head}${typeof p[0] === 'number' ? '' : '.'}${formatPath(p)}` : head);
  const field = top === 'arg' && method ? joined(method, rest) : joined('request', e.path);
  return { id, ok: false, error: { name: 'ValidationError', message: `${field}: ${e.detail}` } };
}
