import { describe, expect, it } from 'vitest';
import { BARRIER_VARIANTS, barriersOf, SENDER_KINDS } from './handshake';
import { explorePair, pairCanLose, pairKey, SENDER_PAIRS } from './pair-verdicts';
import { PAIR_VERDICTS } from './pair-verdicts.generated';

describe("the fabric's pair verdicts (pair-verdicts.generated.ts)", () => {
  it('hold one verdict for every variant and unordered pair of sender kinds, whichever order a pair is asked in', () => {
    expect(SENDER_PAIRS).toHaveLength((SENDER_KINDS.length * (SENDER_KINDS.length + 1)) / 2);
    for (const v of BARRIER_VARIANTS) {
      expect(Object.keys(PAIR_VERDICTS[v]).sort(), v).toEqual(SENDER_PAIRS.map(([a, c]) => pairKey(a, c)).sort());
      for (const [a, c] of SENDER_PAIRS) expect(pairCanLose(barriersOf(v), c, a)).toBe(pairCanLose(barriersOf(v), a, c));
    }
  });

  it('are what the explorer answers today for every (variant, pair): a handshake change that moves one fails here until `npm run figures`', () => {
    const now = Object.fromEntries(BARRIER_VARIANTS.map((v) => [v, Object.fromEntries(SENDER_PAIRS.map(([a, c]) => [pairKey(a, c), explorePair(barriersOf(v), a, c)]))]));
    expect(now, 'the explorer now answers differently from pair-verdicts.generated.ts: run `npm run figures` and review the diff').toEqual(PAIR_VERDICTS);
  }, 300_000);
});
