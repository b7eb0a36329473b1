import { describe, expect, it } from 'vitest';
import { BridgeError, fromWire, NotFoundError as BridgeNotFound, toWire } from '../../../src-common/bridge/errors';
import { ConflictError, NotFoundError, StoreError } from './errors';

describe('store errors', () => {
  it('are the bridge errors: a missing row crosses as NotFoundError and instanceof holds on both sides', () => {
    const e = new NotFoundError('workspace 7 not found');
    expect(e).toBeInstanceOf(BridgeNotFound);
    expect(fromWire(toWire(e))).toBeInstanceOf(NotFoundError);
    expect(toWire(new ConflictError('name taken'))).toEqual({ name: 'ConflictError', message: 'name taken' });
    expect(new StoreError('x')).toBeInstanceOf(BridgeError);
  });
});
