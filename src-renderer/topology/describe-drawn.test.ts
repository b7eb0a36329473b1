import { describe, expect, it } from 'vitest';
import { labX86Workspace } from './dev/cases';
import { describeDrawn } from './describe-drawn';

/** The cache inspector reads hwloc's associativity as hwloc means it: 0 unknown, -1 fully associative. */
describe('a cache bar in the inspector', () => {
  const withWays = (ways: number) => {
    const ws = labX86Workspace();
    ws.host.caches = ws.host.caches!.map((c) => (c.level === 2 ? { ...c, ways } : c));
    return describeDrawn(ws, 'cache:L2:1')!.lines[0];
  };
  it('says the associativity hwloc gives, or that it is unknown', () => {
    expect(withWays(16)).toMatch(/^unified, 16-way, 64-byte lines/);
    // What this machine's lstopo says of its L3 (cache_associativity="0"): not "0-way".
    expect(withWays(0)).toMatch(/^unified, associativity unknown, 64-byte lines/);
    expect(withWays(-1)).toMatch(/^unified, fully associative, 64-byte lines/);
  });
});
