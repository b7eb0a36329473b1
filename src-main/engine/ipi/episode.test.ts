import { describe, expect, it } from 'vitest';
import { Rng } from '../core';
import { resolveParams } from '../params';
import { runEpisode } from './episode';
import { BARRIER_VARIANTS, barriersOf, SENDER_KINDS, type SenderKind } from './handshake';
import { episodeTiming, interactionWindow, pairCanLose } from './power-fabric';

/** Long, frequent store stalls (the what-if timing): the reorderings the handshake can show, often. */
const harsh = resolveParams({ 'ipi.store_stall_fraction': '0.5', 'ipi.store_stall_ns': '2000' });
const timing = episodeTiming(harsh);
const window = interactionWindow(timing, 2000);

function losses(v: (typeof BARRIER_VARIANTS)[number], a: SenderKind, b: SenderKind, n: number, rng: Rng): number {
  let lost = 0;
  for (let i = 0; i < n; i++) {
    const at = rng.float() * window * 0.05;
    if (runEpisode(barriersOf(v), [{ kind: a, at: 0 }, { kind: b, at }], timing, rng).stuck.length) lost++;
  }
  return lost;
}

describe('timed episodes on the POWER machine', () => {
  it('lose the seed\'s pair (RESCHEDULE from resched_curr + CALL_FUNCTION) under `none` with long store stalls, and never under `both`', () => {
    const rng = new Rng(5, 'episode-test');
    expect(losses('none', 'RESCHEDULE', 'CALL_FUNCTION', 600, rng)).toBeGreaterThan(0);
    expect(losses('both', 'RESCHEDULE', 'CALL_FUNCTION', 600, rng)).toBe(0);
  }, 120_000);

  it('never lose a pair the explorer proves safe (the fabric skips those), in any variant', () => {
    const rng = new Rng(6, 'episode-test');
    for (const v of BARRIER_VARIANTS)
      for (const a of SENDER_KINDS)
        for (const b of SENDER_KINDS) {
          if (a > b || pairCanLose(barriersOf(v), a, b)) continue;
          expect(losses(v, a, b, 40, rng), `${v}: ${a} + ${b}`).toBe(0);
        }
  }, 300_000);
});
