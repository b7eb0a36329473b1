import type { ZodType } from 'zod';
import { contract, type CallContext, type EventName, type Handlers, type PayloadOf } from './contract';
import { issuesToFieldErrors } from '../workspace/schema';
import { toWire } from './errors';
import { formatPath } from '../parse/field-error';
import { valueProblem } from '../parse/json';
import { boundMessage, clip, quote } from '../parse/quote';
import { LIMITS } from '../parse/limits';
import { EncodedValue, type EventMessage, type ReplyMessage } from './protocol';

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

  /**
   * Never throws: whatever `raw` is, the answer is a reply (a handler's crash is an InternalError
   * reply). With `encoded`, a value a job thread already wrote as JSON stays an EncodedValue (the
   * caller sends its bytes); otherwise it is decoded.
   */
  async dispatch(raw: unknown, signal?: AbortSignal, opts: { encoded?: boolean } = {}): Promise<ReplyMessage> {
    let id: number | null = null;
    try {
      id = isObject(raw) && typeof raw.id === 'number' && Number.isSafeInteger(raw.id) ? raw.id : null;
      const reply = await this.answer(id, raw, signal);
      if (reply.ok && reply.value instanceof EncodedValue && !opts.encoded) return { ...reply, value: reply.value.decode() };
      return reply.ok ? reply : { ...reply, error: { name: reply.error.name, message: boundMessage(reply.error.message) } };
    } catch (e) {
      // Only a defect gets here (answer() turns every expected failure into a reply).
      return fail(id, 'InternalError', boundMessage(`the request could not be handled: ${(e as Error)?.message ?? String(e)}`));
    }
  }

  private async answer(id: number | null, raw: unknown, signal?: AbortSignal): Promise<ReplyMessage> {
    if (id === null || !isObject(raw) || typeof raw.method !== 'string')
      return fail(id, 'ValidationError', 'request: expected {id: integer, method: string, arg?}');
    const extra = Object.keys(raw).filter((k) => k !== 'id' && k !== 'method' && k !== 'arg');
    if (extra.length) return fail(id, 'ValidationError', `request.${clip(extra[0], 64)}: unknown field`);
    const name = raw.method;
    if (!Object.hasOwn(contract.methods, name)) return fail(id, 'UnknownMethodError', `unknown method ${quote(name)}`);
    // Before zod sees it: too deep a value would overflow the stack of whatever walks it next
    // (zod, an error message, JSON.stringify), and a number that is not finite is never meant.
    const problem = valueProblem(raw.arg, BRIDGE_MAX_DEPTH);
    if (problem) return fail(id, 'ValidationError', `${name}${problem.path.length ? (typeof problem.path[0] === 'number' ? '' : '.') + formatPath(problem.path) : ' argument'}: ${problem.detail}`);
    const spec = (contract.methods as Record<string, { input: ZodType }>)[name];
    const parsed = spec.input.safeParse(raw.arg);
    if (!parsed.success) {
      const [first, ...rest] = issuesToFieldErrors(parsed.error.issues);
      const field = first.field ? `${name}.${first.field}` : `${name} argument`;
      return fail(id, 'ValidationError', `${field}: ${first.detail}${rest.length ? ` (and ${rest.length} more)` : ''}`);
    }
    try {
      const handler = (this.handlers as Record<string, (a: unknown, c: CallContext) => unknown>)[name];
      const value = await handler(parsed.data, signal ? { ...this.ctx, signal } : this.ctx);
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

/** The deepest a request's argument may nest (a workspace document needs 7 levels). */
export const BRIDGE_MAX_DEPTH = LIMITS.requestDepth.value;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (id: number | null, name: string, message: string): ReplyMessage => ({ id, ok: false, error: { name, message } });
