import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLitmus } from '../litmus/parse';
import { compile, enumerateExecutions, explore } from '../memory-model';
import { compiledEpisode, stuckSenders } from './episode';
import { executionText, exploreIpi } from './explore-ipi';
import { BARRIER_VARIANTS, barriersOf, messageOf, SENDER_KINDS, type SenderKind } from './handshake';
import { pairKey, SENDER_PAIRS } from './pair-verdicts';
import { PAIR_VERDICTS } from './pair-verdicts.generated';

describe('twb explore ipi: the seed host_ipi race, every execution POWER allows', () => {
  const results = Object.fromEntries((['none', 'set', 'clear', 'both'] as const).map((v) => [v, exploreIpi(barriersOf(v))]));
  const cfPatterns = (v: string) =>
    results[v].witnesses.filter((w) => w.lost.includes('CALL_FUNCTION')).map((w) => w.reorderedOn.join(','));

  it('no barriers: the seed\u2019s first sequence (105\u2019s message store deferred) loses the CALL_FUNCTION IPI', () => {
    expect(results.none.lostIpiReachable).toBe(true);
    expect(cfPatterns('none')).toEqual(['105']);
  });

  it('smp_mb before set: nothing is lost — the seed\u2019s second sequence (42\u2019s clear deferred past the demux) cannot happen, the demux\u2019s xchg being fully ordered', () => {
    expect(results.set.lostIpiReachable).toBe(false);
  });

  it('smp_mb after clear: the first sequence remains', () => {
    expect(results.clear.lostIpiReachable).toBe(true);
    expect(cfPatterns('clear')).toEqual(['105']);
  });

  it('which partner: a kick or a RESCHEDULE from ttwu_queue_remote opens the first sequence; a second CALL_FUNCTION never races', () => {
    const withPartner = (kind: 'KICK' | 'RESCHEDULE_WAKE', v: 'none') =>
      exploreIpi(barriersOf(v), { target: '42', senders: [{ cpu: 'X', kind }, { cpu: '105', kind: 'CALL_FUNCTION' }] }, { witnessText: false });
    const shapes = (r: ReturnType<typeof exploreIpi>) => r.witnesses.map((w) => `${w.lost.join('+')}@${w.reorderedOn.join(',')}`);
    expect(shapes(withPartner('KICK', 'none'))).toEqual(['CALL_FUNCTION@105']);
    // The woken task can be the one stranded too: X's own message deferred, 105's IPI as the partner.
    expect(shapes(withPartner('RESCHEDULE_WAKE', 'none'))).toEqual(['CALL_FUNCTION@105', 'RESCHEDULE@X']);
    // The yes/no answers per variant are the explorer's too (pair-verdicts.test.ts reruns it for every entry of the table).
    // Merged doorbells (msgsnd an atomic set): the kick's msgsnd after 105's orders 105's stores before the target's read.
    for (const v of ['set', 'both'] as const) {
      expect(PAIR_VERDICTS[v]['CALL_FUNCTION+KICK'], v).toBe(false);
      expect(PAIR_VERDICTS[v]['CALL_FUNCTION+RESCHEDULE_WAKE'], v).toBe(false);
    }
    for (const v of ['none', 'set', 'clear', 'both'] as const) {
      expect(PAIR_VERDICTS[v]['CALL_FUNCTION+CALL_FUNCTION'], v).toBe(false);
      expect(PAIR_VERDICTS[v]['CALL_FUNCTION+CALL_FUNCTION_SINGLE'], v).toBe(false);
    }
  }, 180_000);

  it('every loss of every pair of kinds needs only the sender whose work is lost to reorder, never the target (no seed second sequence)', () => {
    for (const v of BARRIER_VARIANTS) {
      for (const [a, c] of SENDER_PAIRS) {
        if (!PAIR_VERDICTS[v][pairKey(a, c)]) continue; // nothing to lose (pair-verdicts.test.ts)
        const r = exploreIpi(barriersOf(v), { target: '42', senders: [{ cpu: 'X', kind: a }, { cpu: '105', kind: c }] }, { witnessText: false });
        expect(r.witnesses.length, `${v} ${a}+${c}`).toBeGreaterThan(0);
        for (const w of r.witnesses) {
          const losers = ['X', '105'].filter((cpu, i) => w.lost.includes(messageOf([a, c][i])!));
          expect(w.reorderedOn, `${v} ${a}+${c}: ${w.lost}`).toEqual(losers);
        }
      }
    }
  }, 180_000);

  it('both barriers (the fix): no IPI can be lost', () => {
    expect(results.both.lostIpiReachable).toBe(false);
    expect(results.both.witnesses).toEqual([]);
    expect(results.both.candidates).toBeGreaterThan(100);
  });

  it('draws the witness in the seed column style', () => {
    const w = results.none.witnesses.find((x) => x.lost.includes('CALL_FUNCTION') && x.reorderedOn.join() === '105')!;
    const lines = w.text.split('\n');
    // Deferred accesses nest (`|--`, `| `): compare each line without its first level of bar.
    const at = (t: string) => lines.findIndex((l) => l === t || l.replace(/^\| ?/, '') === t);
    expect(at('--105: message[CALL_FUNCTION] = 1')).toBeGreaterThan(0);
    expect(lines[at('105: kvmppc_set_host_ipi(42, 1)')]).toMatch(/^\| /); // while 105's message store is deferred
    expect(at('105: kvmppc_set_host_ipi(42, 1)')).toBeGreaterThan(at('--105: message[CALL_FUNCTION] = 1'));
    expect(at('42: kvmppc_clear_host_ipi(42)')).toBeGreaterThan(at('105: kvmppc_set_host_ipi(42, 1)'));
    // The demux takes the whole word with X's RESCHEDULE in it, 105's CALL_FUNCTION byte not yet there, and re-reads it empty.
    expect(at('42: xchg(messages) == 0x100 // message[RESCHEDULE] set')).toBeGreaterThan(at('42: kvmppc_clear_host_ipi(42)'));
    expect(at('42: while (info->messages) == 0')).toBeGreaterThan(at('42: xchg(messages) == 0x100 // message[RESCHEDULE] set'));
    expect(at('->105: message[CALL_FUNCTION] = 1')).toBeGreaterThan(at('42: while (info->messages) == 0'));
    expect(at('42: local_paca->kvm_hstate.host_ipi == 0 // IPI ignored')).toBeGreaterThan(at('105: ppc_msgsnd() -> 42'));
    expect(at('105: ppc_msgsnd() -> 42')).toBeGreaterThan(at('->105: message[CALL_FUNCTION] = 1'));
    expect(lines.at(-1)).toBe('105: // hangs waiting on 42 to process messages/call_single_queue');
  });
});

describe('on the POWER machine (the timed episodes\u2019 model), exhaustively', () => {
  // What the fabric runs no episode for: one IPI alone, and two kicks. (Two senders with messages
  // are out of reach of this search: docs/models/memory-model.md, "The handshake under exhaustive search".)
  const strands = (kinds: SenderKind[], v: (typeof BARRIER_VARIANTS)[number]) => {
    const c = compiledEpisode(barriersOf(v), kinds);
    const r = explore(c.prog, { outcomeOf: (s) => stuckSenders(c, s).join() });
    return { finals: r.outcomes.length, stuck: r.outcomes.filter((o) => o.key !== '').map((o) => o.key) };
  };

  it('a single IPI or kick of any kind strands nothing, in every variant', () => {
    for (const v of BARRIER_VARIANTS) {
      for (const kind of SENDER_KINDS) {
        const r = strands([kind], v);
        expect(r.finals, `${v} ${kind}`).toBeGreaterThan(0);
        expect(r.stuck, `${v} ${kind}`).toEqual([]);
      }
    }
  });

  it('two kicks strand nothing (they carry no message), in every variant', () => {
    for (const v of BARRIER_VARIANTS) expect(strands(['KICK', 'KICK'], v).stuck, v).toEqual([]);
  });
});

describe('the replay fallback listing (executionText)', () => {
  it('lists an access to a mixed location once, its value composed, naming every store it read a segment of', () => {
    // R+syncs+byte: thread 1's 8-byte ld of x covers three segments (x+0, x+1, x+2..7); thread 0 stores x+1 only.
    const src = fs.readFileSync(path.resolve(__dirname, '../../../resources/litmus/mixed/R+syncs+byte.litmus'), 'utf8');
    const prog = compile(parseLitmus(src).program);
    const texts = new Set<string>();
    enumerateExecutions(prog, (x) => texts.add(executionText(prog, x)));
    const loads = [...texts].map((t) => t.split('\n').filter((l) => l.startsWith('1: x ==')));
    expect(loads.every((ls) => ls.length === 1)).toBe(true);
    expect([...new Set(loads.map((ls) => ls[0]))].sort()).toEqual(['1: x == 0 // reads the initial value', "1: x == 281474976710656 // reads the initial value and 0's x = 1"]);
  });
});
