import { describe, expect, it } from 'vitest';
import { Rng } from '../core';
import { resolveParams } from '../params';
import { compiledEpisode, runEpisode } from './episode';
import { BARRIER_VARIANTS, barriersOf, carriesMessage, hostIpiLoc, messagesLoc, SENDER_KINDS, type SenderKind } from './handshake';
import { Op, type MachineEvent } from '../memory-model';
import { coBefore } from '../memory-model/storage';
import { episodeTiming, interactionWindow } from './power-fabric';
import { pairCanLose } from './pair-verdicts';

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

  it('a doorbell that lands while the target is still in the host after the demux is taken there, whatever host_ipi says', () => {
    // A host tail long against the stalls, so that 105's doorbell often lands in it.
    const t = episodeTiming(resolveParams({ 'ipi.store_stall_fraction': '0.5', 'ipi.store_stall_ns': '2000', 'ipi.host_tail_ns': '4000' }));
    const w = interactionWindow(t, 2000);
    const b = barriersOf('none');
    const c = compiledEpisode(b, ['RESCHEDULE', 'CALL_FUNCTION']);
    const tail = c.prog.threads[0].code.findIndex((i) => i.op === Op.Load && i.atomic && !i.wait && i.addr?.base === -1 && i.addr.loc === c.doorbell);
    expect(tail).toBeGreaterThan(0);
    const [messages, hostIpi] = [messagesLoc('T'), hostIpiLoc('T')].map((l) => c.prog.locs.indexOf(l));
    const rng = new Rng(21, 'episode-test');
    let rescued = 0;
    for (let i = 0; i < 600; i++) {
      const ev: MachineEvent[] = [];
      const r = runEpisode(b, [{ kind: 'RESCHEDULE', at: 0 }, { kind: 'CALL_FUNCTION', at: rng.float() * w * 0.05 }], t, rng, (e) => ev.push(e));
      // The tail took 105's doorbell (its lwarx read sender 2, the stwcx. of 0 stored) …
      const took = ev.findIndex((e) => e.kind === 'commit' && e.thread === 0 && e.success === true && ev.some((s) => s.kind === 'satisfy' && s.thread === 0 && s.pc === tail && s.value === 2 && s.seq + 1 === e.seq));
      if (took < 0) continue;
      // … while host_ipi read 0 (105's set coherence-before 42's clear: taken in the guest, it would be ignored), and
      // 105's CALL_FUNCTION, deferred past the first demux, was only read by the doorbell_exception the tail ran.
      const st = r.storage;
      const set = st.writes.findIndex((x) => x.thread === 2 && x.loc === hostIpi && x.value === 1);
      const clear = st.writes.findIndex((x) => x.thread === 0 && x.loc === hostIpi && x.value === 0);
      const handled = ev.findIndex((e) => e.kind === 'satisfy' && e.thread === 0 && e.loc === messages && carriesMessage(e.value, 'CALL_FUNCTION'));
      if (set < 0 || clear < 0 || !coBefore(st, set, clear) || handled < took) continue;
      rescued++;
      expect(r.stuck).toEqual([]);
    }
    expect(rescued).toBeGreaterThan(0);
  }, 120_000);
});
