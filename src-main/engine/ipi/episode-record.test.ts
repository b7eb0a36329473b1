import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWorkspace } from '../../../src-common/workspace';
import { Rng, untilCondition } from '../core';
import type { MachineEvent } from '../memory-model';
import { resolveParams } from '../params';
import { buildRun } from '../run/build';
import { runEpisode } from './episode';
import { exploreIpi } from './explore-ipi';
import { barriersOf, SENDER_KINDS } from './handshake';
import { matchWitness, recordEpisode, type EpisodeRecord } from './episode-record';
import { episodeTiming } from './power-fabric';

// With the calibrated defaults the seed loses no IPI in 20 h; the what-if configuration loses CALL_FUNCTIONs within hours.
const whatif = parseWorkspace(JSON.parse(fs.readFileSync(new URL('../../../resources/workspaces/seed-power9-ipi-whatif.json', import.meta.url), 'utf8')));

/** The reads of the target's host_ipi that do not see the last store to it listed above them. */
function staleHostIpiReads(e: EpisodeRecord): string[] {
  const t = e.target;
  let value = 0;
  const bad: string[] = [];
  for (const l of e.lines) {
    if (l.mark === 'deferred') continue; // where program order put it; it takes effect at its `completes` line
    if (l.text.startsWith(`kvmppc_set_host_ipi(${t}, 1)`)) value = 1;
    else if (l.text.startsWith(`kvmppc_clear_host_ipi(${t})`)) value = 0;
    const read = /^local_paca->kvm_hstate\.host_ipi == (\d)/.exec(l.text);
    if (read && l.cpu === String(t) && Number(read[1]) !== value) bad.push(`${l.cpu}: ${l.text}`);
  }
  return bad;
}

/** The first lost CALL_FUNCTION of a what-if run (the first loss if none within 6 h). */
function runToFirstLoss(seed: number) {
  const run = buildRun(whatif, { seed, set: { 'kernel.barriers': 'none' } });
  run.sim.stopWhen(untilCondition('first-soft-lockup'));
  run.sim.runUntil(6 * 3600e9);
  const losses = run.summary({ wallSeconds: 0 }).losses!;
  return losses.find((l) => l.kind === 'CALL_FUNCTION') ?? losses[0];
}

/**
 * The same, run once per seed for this file: a run is deterministic (the first test checks it with a second,
 * fresh run), and seeds 6 and 8 are used by three tests — each run is most of this file's time.
 */
const firstLosses = new Map<number, ReturnType<typeof runToFirstLoss>>();
function firstLoss(seed: number) {
  if (!firstLosses.has(seed)) firstLosses.set(seed, runToFirstLoss(seed));
  return firstLosses.get(seed)!;
}

describe('the episode a lost IPI keeps', () => {
  it('is the same text for the same seed, and names its deferred stores and the explorer witness it matches', { timeout: 120_000 }, () => {
    const a = firstLoss(6);
    const b = runToFirstLoss(6);
    expect(a.episode).toBeDefined();
    expect(a.episode!.text).toBe(b.episode!.text);
    expect(a.episode).toEqual(b.episode);
    const text = a.episode!.text;
    expect(text.split('\n')[0]).toBe('CPU');
    expect(text).toContain('// STORE DEFERRED DUE TO RE-ORDERING');
    expect(text).toContain('// RE-ORDERED STORE COMPLETES');
    expect(text).toContain(`local_paca->kvm_hstate.host_ipi == 0 // IPI ignored`);
    expect(text.split('\n').at(-1)).toBe(`${a.senderCpu}: // hangs waiting on ${a.cpu} to process messages/call_single_queue`);
    expect(a.episode!.deferred).toContain(`${a.senderCpu}: message[CALL_FUNCTION] = 1`);
    const w = a.episode!.witness!;
    expect(w.seedSequence).toBe(1);
    // The named witness is there in the explorer's output for the same pair.
    const kinds = a.episode!.senders.map((s) => s.kind);
    const ex = exploreIpi(barriersOf('none'), { target: '42', senders: [{ cpu: 'X', kind: kinds[0] }, { cpu: '105', kind: kinds[1] }] });
    expect(ex.witnesses[w.index - 1].reorderedOn).toEqual(w.reorderedOn);
    expect(ex.witnesses[w.index - 1].lost).toEqual(['CALL_FUNCTION']);
  });

  it('lists the stores to host_ipi in coherence order: each read of it sees the last one listed above it', { timeout: 120_000 }, () => {
    // What-if seed 5: 110's kvmppc_set_host_ipi(67, 1) commits after 67's clear but is coherence-before it (the clear
    // was still on its way to 110); listed at its commit it would sit above 67's `host_ipi == 0`, which cannot be.
    for (const seed of [5, 6, 8]) {
      const e = firstLoss(seed).episode!;
      expect(e.lines.filter((l) => /host_ipi == /.test(l.text)).length).toBeGreaterThanOrEqual(2);
      expect(staleHostIpiReads(e), e.text).toEqual([]);
    }
  });

  it('so does every episode, stranding or not, under long and frequent store stalls, with two to four senders', () => {
    const timing = episodeTiming(resolveParams({ 'ipi.store_stall_fraction': 0.5, 'ipi.store_stall_ns': 800 }));
    const b = barriersOf('none');
    const run = (n: number, rng: Rng) => {
      const senders = Array.from({ length: n }, (_, j) => ({ kind: rng.pick(SENDER_KINDS), at: j === 0 ? 0 : rng.float() * 3000 }));
      const events: MachineEvent[] = [];
      const r = runEpisode(b, senders, timing, rng, (e) => events.push(e));
      const record = (storage: typeof r.storage) => recordEpisode(b, 42, senders.map((s, j) => ({ cpu: String(100 + j), kind: s.kind, atNs: Math.round(s.at) })), r.stuck, events, storage);
      return { coherence: () => record(r.storage), commitOrder: () => record({ ...r.storage, writes: [] }) };
    };
    // Two senders, and three or four: there a set of host_ipi can be overtaken at the target by another sender's
    // (it never reaches the target), and is listed where that one arrives, not at its commit (memory-model/render.ts).
    const rng = new Rng(7, 'coherence-listing');
    for (const n of [2, 3, 4]) {
      for (let i = 0; i < 300; i++) {
        const e = run(n, rng).coherence();
        expect(staleHostIpiReads(e), e.text).toEqual([]);
      }
    }
    // Listed in commit order (no coherence), some episodes read a value the listing says was overwritten. With two
    // senders that is now rare (a doorbell landing in the host tail is taken there without reading host_ipi), so the
    // control uses three (a later doorbell, taken in the guest, reads host_ipi), on a stream of its own.
    const control = new Rng(8, 'commit-order-control');
    let commitOrderStale = 0;
    for (let i = 0; i < 300; i++) {
      if (staleHostIpiReads(run(3, control).commitOrder()).length > 0) commitOrderStale++;
    }
    expect(commitOrderStale).toBeGreaterThan(0);
  });

  it('another seed keeps another episode', { timeout: 120_000 }, () => {
    expect(firstLoss(8).episode!.text).not.toBe(firstLoss(6).episode!.text);
  });

  it('matches the seed pair to `twb explore ipi` witness 1 (105 deferred); the second sequence (42 deferred) is no witness', () => {
    const b = barriersOf('none');
    expect(matchWitness(b, ['RESCHEDULE', 'CALL_FUNCTION'], ['CALL_FUNCTION'], new Set([2]))).toEqual({ command: 'twb explore ipi --barriers none', index: 1, reorderedOn: ['105'], seedSequence: 1 });
    // The demux's fully ordered xchg orders 42's clear before its read of the messages: a loss needs 105 to reorder.
    expect(matchWitness(b, ['RESCHEDULE', 'CALL_FUNCTION'], ['CALL_FUNCTION'], new Set([0, 1]))).toBeNull();
    // Under the fix nothing matches: the explorer finds no losing outcome.
    expect(matchWitness(barriersOf('both'), ['RESCHEDULE', 'CALL_FUNCTION'], ['CALL_FUNCTION'], new Set([0, 1, 2]))).toBeNull();
  });
});
