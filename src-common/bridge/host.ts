import type { ZodType } from 'zod';
import { contract, type CallContext, type EventName, type Handlers, type PayloadOf } from './contract';
import { issuesToFieldErrors } from '../workspace/schema';
import { toWire } from './errors';
import type { EventMessage, ReplyMessage } from './protocol';

/**
 * The main side of the bridge, independent of transport: validates each request against the
 * contract, runs its handler, and turns every failure into a `{name, message}` reply. It
 * never throws, so a bad request cannot stop the host from serving the next one.
 */
export class BridgeHost {
  private readonly listeners = new Set<(msg: EventMessage) => void>();
  private readonly ctx: CallContext = { emit: (e, p) => this.emit(e, p) };

  constructor(private readonly handlers: Handlers) {
    for (const m of Object.keys(contract.methods))
      if (typeof (handlers as Record<string, unknown>)[m] !== 'function') throw new Error(`bridge: no handler for '${m}'`);
  }

  async dispatch(raw: unknown): Promise<ReplyMessage> {
    const id = isObject(raw) && typeof raw.id === 'number' && Number.isSafeInteger(raw.id) ? raw.id : null;
    if (id === null || !isObject(raw) || typeof raw.method !== 'string')
      return fail(id, 'ValidationError', 'request: expected {id: integer, method: string, arg?}');
    const extra = Object.keys(raw).filter((k) => k !== 'id' && k !== 'method' && k !== 'arg');
    if (extra.length) return fail(id, 'ValidationError', `request.${extra[0]}: unknown field`);
    const name = raw.method;
    if (!Object.hasOwn(contract.methods, name)) return fail(id, 'UnknownMethodError', `unknown method '${name}'`);
    const spec = (contract.methods as Record<string, { input: ZodType }>)[name];
    const parsed = spec.input.safeParse(raw.arg);
    if (!parsed.success) {
      const [first, ...rest] = issuesToFieldErrors(parsed.error.issues);
      const field = first.field ? `${name}.${first.field}` : `${name} argument`;
      return fail(id, 'ValidationError', `${field}: ${first.detail}${rest.length ? ` (and ${rest.length} more)` : ''}`);
    }
    try {
      const handler = (this.handlers as Record<string, (a: unknown, c: CallContext) => unknown>)[name];
      const value = await handler(parsed.data, this.ctx);
      return { id, ok: true, value: value === undefined ? null : value };
    } catch (e) {
      return { id, ok: false, error: toWire(e) };
    }
  }

  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void {
    const msg: EventMessage = { event, payload };
    for (const l of this.listeners) l(msg);
  }

  /** A transport's way to forward pushed events to its renderer(s). */
  subscribe(listener: (msg: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (id: number | null, name: string, message: string): ReplyMessage => ({ id, ok: false, error: { name, message } });
