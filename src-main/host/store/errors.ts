/** A store failure the user can act on (newer schema, not a database, name taken, missing row). */
export class StoreError extends Error {
  override name = 'StoreError';
}

/** No row with that id. */
export class NotFoundError extends StoreError {
  override name = 'NotFoundError';
}

/** The write lost a race: a name is taken or the revision moved on. */
export class ConflictError extends StoreError {
  override name = 'ConflictError';
}
