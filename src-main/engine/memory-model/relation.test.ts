import { describe, expect, it } from 'vitest';
import { Relations } from './relation';

describe('Relations', () => {
  it('unionInto reports no change once bit 31 of a word is already set (events 31, 63, …)', () => {
    const R = new Relations(40);
    const a = R.rel();
    const b = R.rel();
    R.add(b, 0, 31);
    expect(R.unionInto(a, b)).toBe(true);
    expect(R.unionInto(a, b)).toBe(false);
    expect(R.has(a, 0, 31)).toBe(true);
  });
});
