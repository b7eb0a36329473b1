import { describe, expect, it } from 'vitest';
import { BridgeError, ConflictError, ForbiddenError, fromWire, InternalError, NotFoundError, toWire } from './errors';

describe('bridge errors', () => {
  it('cross the wire by name and come back as their class', () => {
    for (const Cls of [NotFoundError, ConflictError, ForbiddenError]) {
      const back = fromWire(toWire(new Cls('nope')));
      expect(back).toBeInstanceOf(Cls);
      expect(back).toBeInstanceOf(BridgeError);
      expect(back.message).toBe('nope');
    }
  });

  it('turns anything unknown into an InternalError, keeping the message', () => {
    expect(toWire(new TypeError('x is undefined'))).toEqual({ name: 'InternalError', message: 'x is undefined' });
    expect(fromWire({ name: 'InternalError', message: 'm' })).toBeInstanceOf(InternalError);
    const odd = fromWire({ name: 'WeirdError', message: 'm' });
    expect(odd).toBeInstanceOf(BridgeError);
    expect(odd.name).toBe('WeirdError');
  });
});
