import { describe, expect, it } from 'vitest';
import { Rng } from '../core';
import { resolveParams } from '../params';
import { runEpisode } from './episode';
import { episodeTiming, interactionWindow } from './power-fabric';
import { compile } from '../memory-model/program';
import { exploreIpi } from './explore-ipi';
import { BARRIER_VARIANTS, barriersOf, handshakeProgram, messagesLoc } from './handshake';
import { explorePair, pairCanLose, pairKey, SENDER_PAIRS } from './pair-verdicts';

/**
 * The handshake's messages word as the kernel has it — one `unsigned long` a sender stores one
 * byte of, the demux exchanges whole and re-reads whole (handshake.ts, `word`; mixed-size; what
 * every run uses) — against the simplification runs used before the memory models had mixed-size
 * accesses, one location per message byte (`bytes`, opt-in). Under ppc.cat with mixed-size
 * accesses the per-byte simplification gives the same verdicts; these tests fail if it does not.
 */
describe('the per-byte simplification of the messages word gives the same verdicts as the word (axiomatic explorer)', () => {
  it('is a mixed-size program: byte stores into the 8-byte word, 8-byte xchg and re-check', () => {
    const prog = compile(handshakeProgram(barriersOf('none'), undefined, 'word').src);
    const word = prog.locs.indexOf(messagesLoc('42'));
    expect(prog.sizes[word]).toBe(8);
    const sizes = prog.threads.flatMap((t) => t.code.filter((c) => c.addr?.loc === word).map((c) => `${c.source.op}${c.atomic ? '.x' : ''}:${c.size}@${c.addr!.offset}`));
    expect([...new Set(sizes)].sort()).toEqual(['load.x:8@0', 'load:8@0', 'store.x:8@0', 'store:1@6', 'store:1@7']);
  });

  it('the seed pair: the same losses, needing the same CPUs to reorder, in every variant', () => {
    for (const v of BARRIER_VARIANTS) {
      const shapes = (messages: 'bytes' | 'word') => exploreIpi(barriersOf(v), undefined, { witnessText: false, messages }).witnesses.map((w) => `${w.lost.join('+')} by ${w.reorderedOn.join(',')}`);
      expect(shapes('bytes'), v).toEqual(shapes('word'));
    }
  }, 120_000);

  it('every variant and pair of sender kinds: the verdict of pair-verdicts.generated.ts (generated on the word)', () => {
    const differ = BARRIER_VARIANTS.flatMap((v) => SENDER_PAIRS.filter(([a, c]) => explorePair(barriersOf(v), a, c, 'bytes') !== pairCanLose(barriersOf(v), a, c)).map(([a, c]) => `${v} ${pairKey(a, c)}`));
    expect(differ).toEqual([]);
  }, 300_000);

  it('the word replays its witnesses on the operational machine (mixed-size there too): interleavings, the demux taking the whole word', () => {
    let replayed = 0;
    for (const v of BARRIER_VARIANTS) {
      for (const w of exploreIpi(barriersOf(v), undefined, { messages: 'word' }).witnesses) {
        replayed++;
        expect(w.text, v).not.toMatch(/no interleaving of the POWER machine found/);
        expect(w.text, v).toMatch(/42: xchg\(messages\) == 0x100 \/\/ message\[RESCHEDULE\] set$/m);
        expect(w.text, v).toMatch(/RE-ORDERED STORE COMPLETES/);
      }
    }
    expect(replayed).toBeGreaterThan(0);
  }, 120_000);
});

describe('the per-byte simplification in timed episodes (runs use the word: episode.test.ts)', () => {
  // The what-if timing of episode.test.ts: long, frequent store stalls.
  const timing = episodeTiming(resolveParams({ 'ipi.store_stall_fraction': '0.5', 'ipi.store_stall_ns': '2000' }));
  const window = interactionWindow(timing, 2000);
  const losses = (v: 'none' | 'both', n: number, rng: Rng): number => {
    let lost = 0;
    for (let i = 0; i < n; i++) {
      const senders = [{ kind: 'RESCHEDULE' as const, at: 0 }, { kind: 'CALL_FUNCTION' as const, at: rng.float() * window * 0.05 }];
      if (runEpisode(barriersOf(v), senders, timing, rng, undefined, 'bytes').stuck.length) lost++;
    }
    return lost;
  };

  it("lose the seed's pair under `none` with long store stalls, and never under `both`, as the word does", () => {
    const rng = new Rng(5, 'messages-word-test');
    expect(losses('none', 400, rng)).toBeGreaterThan(0);
    expect(losses('both', 400, rng)).toBe(0);
  }, 120_000);
});
