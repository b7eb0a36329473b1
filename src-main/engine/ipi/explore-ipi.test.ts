import { describe, expect, it } from 'vitest';
import { exploreIpi } from './explore-ipi';
import { barriersOf } from './handshake';

describe('twb explore ipi: the seed host_ipi race, exhaustively', () => {
  const results = Object.fromEntries((['none', 'set', 'clear', 'both'] as const).map((v) => [v, exploreIpi(barriersOf(v))]));
  const cfPatterns = (v: string) =>
    results[v].witnesses.filter((w) => w.lost.includes('CALL_FUNCTION')).map((w) => w.reorderedOn.join(','));

  it('no barriers: both reorderings of the seed lose the CALL_FUNCTION IPI', () => {
    expect(results.none.lostIpiReachable).toBe(true);
    // First scenario: 105's message store deferred; second: 42's clear of host_ipi deferred.
    expect(cfPatterns('none').sort()).toEqual(['105', '42']);
  });

  it('smp_mb before set: only the second ("not yet observed") reordering remains', () => {
    expect(results.set.lostIpiReachable).toBe(true);
    expect(cfPatterns('set')).toEqual(['42']);
  });

  it('smp_mb after clear: only the first reordering remains', () => {
    expect(results.clear.lostIpiReachable).toBe(true);
    expect(cfPatterns('clear')).toEqual(['105']);
  });

  it('both barriers (the fix): no IPI can be lost', () => {
    expect(results.both.lostIpiReachable).toBe(false);
    expect(results.both.witnesses).toEqual([]);
    expect(results.both.statesExplored).toBeGreaterThan(100);
  });

  it('draws the witness in the seed column style', () => {
    const w = results.none.witnesses.find((x) => x.lost.includes('CALL_FUNCTION') && x.reorderedOn.join() === '105')!;
    const lines = w.text.split('\n');
    const at = (s: string) => lines.indexOf(s);
    expect(at('--105: message[CALL_FUNCTION] = 1')).toBeGreaterThan(0);
    expect(at('| 105: kvmppc_set_host_ipi(42, 1)')).toBeGreaterThan(at('--105: message[CALL_FUNCTION] = 1'));
    expect(at('| 42: kvmppc_clear_host_ipi(42)')).toBeGreaterThan(at('| 105: kvmppc_set_host_ipi(42, 1)'));
    expect(at('->105: message[CALL_FUNCTION] = 1')).toBeGreaterThan(at('| 42: // returns to executing guest'));
    expect(at('42: local_paca->kvm_hstate.host_ipi == 0 // IPI ignored')).toBeGreaterThan(at('105: ppc_msgsnd() -> 42'));
    expect(lines.at(-1)).toBe('105: // hangs waiting on 42 to process messages/call_single_queue');
  });
});
