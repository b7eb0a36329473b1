import { describe, expect, it } from 'vitest';
import { explore } from './explore';
import { Machine, type MachineEvent, type MachineState, type Transition } from './machine';
import { compile, Op, type ProgramSource } from './program';
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

  describe('stores to one location, in coherence order', () => {
    /**
     * 42 clears host_ipi and commits; 105 commits its set before the clear reaches it, so the
     * clear arrives second and is coherence-after the set: the set never reaches 42, which reads
     * 0. Memory effects happen only when the script names them, in its order; everything else as
     * soon as it can.
     */
    const run = (src: ProgramSource, script: ((tr: Transition, s: MachineState, m: Machine) => boolean)[]) => {
      const prog = compile(src);
      const m = new Machine(prog);
      let st = m.start();
      const events: MachineEvent[] = [...st.events];
      const memory = (tr: Transition) => tr.kind === 'satisfy' || tr.kind === 'propagate' || (tr.kind === 'commit' && prog.threads[tr.thread].code[st.state.threads[tr.thread].window[tr.index].pc].op === Op.Store);
      for (let guard = 0; guard < 1000; guard++) {
        const moves = m.enabled(st.state);
        if (moves.length === 0) break;
        const want = script[0];
        const pick = moves.find((tr) => !memory(tr)) ?? (want && moves.find((tr) => want(tr, st.state, m))) ?? (script.length === 0 ? moves[0] : undefined);
        if (!pick) throw new Error(`script step ${script.length} not enabled`);
        if (want && want(pick, st.state, m)) script.shift();
        st = m.apply(st.state, pick);
        events.push(...st.events);
      }
      return { prog, events, storage: st.state.storage };
    };
    const at = (src: ProgramSource, thread: string, loc: string) => {
      const t = src.threads.findIndex((x) => x.name === thread);
      return { t, loc: compile(src).locs.indexOf(loc) };
    };
    const commitOf = (src: ProgramSource, thread: string, loc: string) => (tr: Transition, s: MachineState, m: Machine) => {
      const { t, loc: l } = at(src, thread, loc);
      if (tr.kind !== 'commit' || tr.thread !== t) return false;
      const ins = m.prog.threads[t].code[s.threads[t].window[tr.index].pc];
      return ins.op === Op.Store && ins.addr?.base === -1 && ins.addr.loc === l;
    };
    const satisfyOf = (src: ProgramSource, thread: string, loc: string) => (tr: Transition, s: MachineState, m: Machine) => {
      const { t, loc: l } = at(src, thread, loc);
      if (tr.kind !== 'satisfy' || tr.thread !== t) return false;
      const ins = m.prog.threads[t].code[s.threads[t].window[tr.index].pc];
      return ins.addr?.base === -1 && ins.addr.loc === l;
    };
    const propagateOf = (src: ProgramSource, thread: string, to: string) => (tr: Transition) =>
      tr.kind === 'propagate' && tr.thread === at(src, thread, '').t && tr.to === at(src, to, '').t;

    const setThenClear: ProgramSource = {
      threads: [
        {
          name: '42',
          instrs: [
            { op: 'store', rs: 0, addr: { loc: 'host_ipi' }, label: 'kvmppc_clear_host_ipi(42)' },
            { op: 'load', rd: 'm', addr: { loc: 'message' }, label: (v) => `smp_ipi_demux_relaxed(): messages == ${v}` },
            { op: 'load', rd: 'h', addr: { loc: 'host_ipi' }, label: (v) => `local_paca->kvm_hstate.host_ipi == ${v}` },
          ],
        },
        {
          name: '105',
          instrs: [
            { op: 'store', rs: 1, addr: { loc: 'message' }, label: 'message[CALL_FUNCTION] = 1' },
            { op: 'store', rs: 1, addr: { loc: 'host_ipi' }, label: 'kvmppc_set_host_ipi(42, 1)' },
          ],
        },
      ],
    };

    it('lists a store that never reached its readers above the coherence-later store that overwrote it', () => {
      const S = setThenClear;
      // 42 clears; 105's message commits and reaches 42; 105's set commits, then the clear reaches 105 (set → clear); 42 reads both.
      const { prog, events, storage } = run(S, [
        commitOf(S, '42', 'host_ipi'),
        commitOf(S, '105', 'message'),
        propagateOf(S, '105', '42'),
        commitOf(S, '105', 'host_ipi'),
        propagateOf(S, '42', '105'),
        satisfyOf(S, '42', 'message'),
        satisfyOf(S, '42', 'host_ipi'),
      ]);
      const co = storage.writes.find((w) => w.thread === 0 && w.loc === prog.locs.indexOf('host_ipi'))!;
      expect(co.coBefore.map((id) => storage.writes[id].thread)).toEqual([1]);
      // In commit order the clear comes first, and 42 then reads 0 after the set: a reader would call it impossible.
      expect(formatWitness(prog, events).split('\n')).toEqual([
        '42: kvmppc_clear_host_ipi(42)',
        '105: message[CALL_FUNCTION] = 1',
        '105: kvmppc_set_host_ipi(42, 1)',
        '42: smp_ipi_demux_relaxed(): messages == 1',
        '42: local_paca->kvm_hstate.host_ipi == 0',
      ]);
      expect(formatWitness(prog, events, storage).split('\n')).toEqual([
        '105: message[CALL_FUNCTION] = 1',
        '105: kvmppc_set_host_ipi(42, 1)',
        '42: kvmppc_clear_host_ipi(42)',
        '42: smp_ipi_demux_relaxed(): messages == 1',
        '42: local_paca->kvm_hstate.host_ipi == 0',
      ]);
    });

    it('marks the overwritten store where moving it would pass a read of what its thread wrote before it', () => {
      const S = setThenClear;
      // As above, but 42 reads the message (0) before 105's message reaches it, and that is before the set commits:
      // the set cannot move above the clear without its thread's older message store passing 42's read of 0.
      const { prog, events, storage } = run(S, [
        commitOf(S, '42', 'host_ipi'),
        satisfyOf(S, '42', 'message'),
        commitOf(S, '105', 'message'),
        propagateOf(S, '105', '42'),
        commitOf(S, '105', 'host_ipi'),
        propagateOf(S, '42', '105'),
        satisfyOf(S, '42', 'host_ipi'),
      ]);
      expect(formatWitness(prog, events, storage).split('\n')).toEqual([
        '42: kvmppc_clear_host_ipi(42)',
        '42: smp_ipi_demux_relaxed(): messages == 0',
        '105: message[CALL_FUNCTION] = 1',
        "105: kvmppc_set_host_ipi(42, 1) // overwritten by 42's kvmppc_clear_host_ipi(42) (coherence order)",
        '42: local_paca->kvm_hstate.host_ipi == 0',
      ]);
    });
  });
});


describe('witness of a mixed-size program', () => {
  // A halfword store read back a byte at a time: one store, two segments of x (two storage records).
  const prog = compile({
    sizes: { x: 2 },
    threads: [
      { name: 'w', instrs: [{ op: 'store', rs: 257, addr: { loc: 'x' }, size: 2, label: 'x = 0x0101' }] },
      {
        name: 'r',
        instrs: [
          { op: 'load', rd: 'a', addr: { loc: 'x', offset: 1 }, size: 1, label: (v) => `x[1] == ${v}` },
          { op: 'fence', kind: 'lwsync' },
          { op: 'load', rd: 'b', addr: { loc: 'x' }, size: 1, label: (v) => `x[0] == ${v}` },
        ],
      },
    ],
  });

  it('lists the store once, where it reached the reader, whole (both bytes at once)', () => {
    const found = explore(prog, { outcomeOf: (s, m) => `${m.register(s, 1, 'a')},${m.register(s, 1, 'b')}` }).outcomes;
    expect(found.map((o) => o.key).sort()).toEqual(['0,0', '0,1', '1,1']);
    const o = found.find((x) => x.key === '1,1')!;
    expect(formatWitness(prog, o.witness, o.state.storage)).toBe(['w: x = 0x0101', 'r: x[1] == 1', 'r: lwsync', 'r: x[0] == 1'].join('\n'));
  });
});
