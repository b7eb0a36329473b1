import { BridgeError, ConflictError, NotFoundError } from '../../../src-common/bridge/errors';

/**
 * A store failure the user can act on (newer schema, not a database, a run still running).
 * The store's errors are the bridge's: a missing row is the bridge's NotFoundError, a lost
 * race its ConflictError, so they cross the bridge by name and `instanceof` holds on both sides.
 */
export class StoreError extends BridgeError {
  override name = 'StoreError';
}

export { ConflictError, NotFoundError };
