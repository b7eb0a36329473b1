/**
 * Errors that cross the bridge. On the wire an error is only `{name, message}`; the receiving
 * side turns a known name back into its class, so callers can `instanceof` them.
 */
export interface WireError {
  name: string;
  message: string;
}

export class BridgeError extends Error {
  override name = 'BridgeError';
}
/** The request did not match the contract (unknown field, wrong type, bad envelope). */
export class ValidationError extends BridgeError {
  override name = 'ValidationError';
}
/** No such method in the contract. */
export class UnknownMethodError extends BridgeError {
  override name = 'UnknownMethodError';
}
/** The thing asked for does not exist. */
export class NotFoundError extends BridgeError {
  override name = 'NotFoundError';
}
/** The write lost a race: a name is taken or the revision moved on. */
export class ConflictError extends BridgeError {
  override name = 'ConflictError';
}
/** The request came from where it may not (an untrusted frame in the desktop app). */
export class ForbiddenError extends BridgeError {
  override name = 'ForbiddenError';
}
/** The transport is gone (socket closed, window torn down). */
export class DisconnectedError extends BridgeError {
  override name = 'DisconnectedError';
}
/** The request would need more than the host gives one request (a wall or memory budget, a busy queue, a size limit). */
export class LimitError extends BridgeError {
  override name = 'LimitError';
}
/** Anything else that failed on the main side. */
export class InternalError extends BridgeError {
  override name = 'InternalError';
}

const KNOWN = { BridgeError, ValidationError, UnknownMethodError, NotFoundError, ConflictError, ForbiddenError, DisconnectedError, LimitError, InternalError } as const;

/** `{name, message}` → the matching error class (unknown names become a BridgeError keeping the name). */
export function fromWire(e: WireError): BridgeError {
  const Cls = (KNOWN as Record<string, typeof BridgeError>)[e.name];
  const err = new (Cls ?? BridgeError)(e.message);
  if (!Cls) err.name = e.name;
  return err;
}

/**
 * Any thrown value → `{name, message}`. Errors whose name is one of the bridge's typed
 * names (including a store's NotFoundError/ConflictError, and a FieldError which is a
 * validation problem) keep it; anything else becomes an InternalError.
 */
export function toWire(e: unknown): WireError {
  if (e instanceof Error) {
    if (e.name === 'FieldError' || e.name === 'ZodError') return { name: 'ValidationError', message: e.message };
    if (e.name in KNOWN) return { name: e.name, message: e.message };
    return { name: 'InternalError', message: e.message };
  }
  return { name: 'InternalError', message: String(e) };
}
