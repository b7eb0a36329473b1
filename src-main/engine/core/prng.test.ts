import { describe, expect, it } from 'vitest';
import { Rng } from './prng';

/** FNV-1a over the decimal text of every draw: any change in any draw changes it. */
function fingerprint(seed: number, stream: string): string {
  const r = new Rng(seed, stream);
  let h = 0x811c9dc5;
  const eat = (x: number) => {
    const s = String(x);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 44, 0x01000193);
  };
  for (let i = 0; i < 5000; i++) {
    eat(r.u32());
    eat(r.float());
    eat(r.int(1000));
    eat(r.int(7));
    eat(r.int(2 ** 40));
    eat(r.exp(1000));
    eat(r.chance(0.3) ? 1 : 0);
  }
  const f = r.fork('child');
  for (let i = 0; i < 100; i++) eat(f.u32());
  return (h >>> 0).toString(16);
}

describe('Rng draws are pinned', () => {
  // Every trace depends on these exact values: a faster Rng must give the same draws
  // (the values were taken before the int32-state rewrite of prng.ts).
  it('gives the same first draws and fingerprints as before', () => {
    const r = new Rng(1, 'phold');
    expect([r.u32(), r.u32(), r.float(), r.int(1000), r.exp(1000)]).toEqual([3831176199, 3102183133, 0.9749834203315401, 172, 121.64326320492114]);
    expect([fingerprint(1, 'phold'), fingerprint(2 ** 40 + 7, 'ipi'), fingerprint(0, '')]).toEqual(['b744922f', '574e0fb', 'bcff2b41']);
  });
});
