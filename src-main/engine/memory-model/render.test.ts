import { describe, expect, it } from 'vitest';
import { explore } from './explore';
import { Machine } from './machine';
import { compile, type ProgramSource } from './program';
import { formatWitness, witnessLines } from './render';

/** The seed's first sequence, reduced: 105 sets a message and host_ipi with no barrier between; 42 clears host_ipi and reads the message. */
const handshake: ProgramSource = {
  threads: [
    {
      name: '105',
      instrs: [
        { op: 'note', text: 'smp_muxed_ipi_set_message():' },
        { op: 'fence', kind: 'sync', label: 'smp_mb()' },
        { op: 'store', rs: 1, addr: { loc: 'message' }, label: 'message[CALL_FUNCTION] = 1' },
        { op: 'note', text: 'doorbell_global_ipi(42):' },
        { op: 'store', rs: 1, addr: { loc: 'host_ipi' }, label: 'kvmppc_set_host_ipi(42, 1)' },
      ],
    },
    {
      name: '42',
      instrs: [
        { op: 'load', rd: 'h', addr: { loc: 'host_ipi' }, label: (v) => `local_paca->kvm_hstate.host_ipi == ${v}` },
        { op: 'fence', kind: 'lwsync' },
        { op: 'load', rd: 'm', addr: { loc: 'message' }, label: (v) => `smp_ipi_demux_relaxed(): messages == ${v}` },
      ],
    },
  ],
};

describe('seed-style witness', () => {
  const prog = compile(handshake);
  const outcome = (h: number, m: number) =>
    explore(prog, { outcomeOf: (s, mm) => `${mm.register(s, 1, 'h')},${mm.register(s, 1, 'm')}` }).outcomes.find((o) => o.key === `${h},${m}`)!;

  it('shows the message store deferred past host_ipi when 42 sees host_ipi set but no message', () => {
    const text = formatWitness(prog, outcome(1, 0).witness);
    expect(text).toBe(
      [
        '105: smp_muxed_ipi_set_message():',
        '105: smp_mb()',
        '// STORE DEFERRED DUE TO RE-ORDERING',
        '--105: message[CALL_FUNCTION] = 1',
        '| 105: doorbell_global_ipi(42):',
        '| 105: kvmppc_set_host_ipi(42, 1)',
        '| 42: local_paca->kvm_hstate.host_ipi == 1',
        '| 42: lwsync',
        '| 42: smp_ipi_demux_relaxed(): messages == 0',
        '| // RE-ORDERED STORE COMPLETES',
        '->105: message[CALL_FUNCTION] = 1',
      ].join('\n'),
    );
  });

  it('prints every instruction once, in program order per thread, when nothing is reordered', () => {
    const lines = witnessLines(prog, outcome(1, 1).witness);
    expect(lines.every((l) => !l.mark)).toBe(true);
    expect(lines.filter((l) => l.thread === '105').map((l) => l.text)).toEqual([
      'smp_muxed_ipi_set_message():',
      'smp_mb()',
      'message[CALL_FUNCTION] = 1',
      'doorbell_global_ipi(42):',
      'kvmppc_set_host_ipi(42, 1)',
    ]);
  });

  it('names a failed stwcx. and the value an xchg loop finally read', () => {
    const prog2 = compile({
      threads: [
        {
          name: '42',
          instrs: [
            { op: 'label', name: 'retry' },
            { op: 'load', rd: 'old', addr: { loc: 'm' }, reserve: true, label: (v) => `all = xchg_relaxed(&messages, 0) == ${v}` },
            { op: 'store', rs: 0, addr: { loc: 'm' }, conditional: true, label: 'stwcx. messages' },
            { op: 'branch', cond: 'ne', to: 'retry' },
          ],
        },
        { name: '105', instrs: [{ op: 'store', rs: 1, addr: { loc: 'm' }, label: 'message[RESCHEDULE] = 1' }] },
      ],
    });
    // Drive it by hand: the first stwcx. fails, then everything else runs in order.
    const m = new Machine(prog2);
    let st = m.start();
    const events = [...st.events];
    let failedOnce = false;
    for (let moves = m.enabled(st.state); moves.length > 0; moves = m.enabled(st.state)) {
      const fail = moves.find((t) => t.kind === 'commit' && t.success === false);
      const pick = !failedOnce && fail ? fail : (moves.find((t) => !(t.kind === 'commit' && t.success === false)) ?? moves[0]);
      if (pick === fail) failedOnce = true;
      st = m.apply(st.state, pick);
      events.push(...st.events);
    }
    expect(failedOnce).toBe(true);
    const text = formatWitness(prog2, events);
    expect(text).toContain('42: stwcx. messages // fails: reservation lost');
    // The loop ran twice: lwarx, failed stwcx., lwarx, stwcx.
    expect(text.split('\n').filter((l) => l.startsWith('42:'))).toEqual([
      '42: all = xchg_relaxed(&messages, 0) == 0',
      '42: stwcx. messages // fails: reservation lost',
      '42: all = xchg_relaxed(&messages, 0) == 0',
      '42: stwcx. messages',
    ]);
  });
});
