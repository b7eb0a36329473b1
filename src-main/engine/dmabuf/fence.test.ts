import { describe, expect, it } from 'vitest';
import { DmabufError } from './errors';
import { FenceContext, waitAll } from './fence';

describe('DmaFence', () => {
  let now = 0;
  const ctx = new FenceContext('test', () => now);

  it('runs callbacks in order at signal time and records the time', () => {
    const f = ctx.create();
    const seen: string[] = [];
    expect(f.addCallback(() => seen.push('a'))).toBe(0);
    f.wait(() => seen.push('b'));
    now = 42;
    f.signal();
    expect(seen).toEqual(['a', 'b']);
    expect(f.signaledAt).toBe(42);
  });

  it('adding a callback to a signalled fence is ENOENT; waiting on it completes at once', () => {
    const f = ctx.create();
    f.signal();
    expect(f.addCallback(() => {})).toBe('ENOENT');
    let done = false;
    f.wait(() => (done = true));
    expect(done).toBe(true);
  });

  it('signalling twice is a reported error', () => {
    const f = ctx.create();
    f.signal();
    expect(() => f.signal()).toThrow(/EINVAL: fence test#\d+ signalled twice/);
  });

  it('waiting on (or signalling) a released fence is a reported error', () => {
    const f = ctx.create();
    f.signal();
    f.put();
    expect(f.released).toBe(true);
    expect(() => f.wait(() => {})).toThrow(DmabufError);
    expect(() => f.wait(() => {})).toThrow(/was released/);
    expect(() => f.get()).toThrow(/was released/);
  });

  it('is released only when the last reference goes', () => {
    const f = ctx.create();
    f.get();
    f.put();
    expect(f.released).toBe(false);
    f.signal();
    f.put();
    expect(f.released).toBe(true);
  });

  it('refuses to drop the last reference of an unsignalled fence that has waiters', () => {
    const f = ctx.create();
    f.wait(() => {});
    expect(() => f.put()).toThrow(/released unsignalled with 1 waiter/);
  });

  it('waitAll completes after the last fence, or at once for none', () => {
    const a = ctx.create();
    const b = ctx.create();
    let n = 0;
    waitAll([a, b], () => n++);
    a.signal();
    expect(n).toBe(0);
    b.signal();
    expect(n).toBe(1);
    waitAll([], () => n++);
    expect(n).toBe(2);
  });
});
