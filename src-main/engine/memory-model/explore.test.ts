import { describe, expect, it } from 'vitest';
import { barriersOf, handshakeProgram, type MessagesEncoding, type SenderKind } from '../ipi/handshake';
import { explore } from './explore';
import { liveness } from './liveness';
import type { Machine, MachineState } from './machine';
import { compile, Op } from './program';

/** Final memory and where each thread stopped (the handshake's target never ends; registers left out). */
const memoryAndStops = (s: MachineState, m: Machine): string => `${m.memory(s).join(',')}/${s.threads.map((t) => t.window.map((e) => e.pc).join('.')).join('|')}`;

const handshake = (variant: 'none' | 'both', kinds: SenderKind[], messages: MessagesEncoding = 'bytes') =>
  compile(handshakeProgram(barriersOf(variant), { target: 'T', senders: kinds.map((kind, i) => ({ cpu: `S${i}`, kind })) }, messages).src);

describe('exhaustive search of the POWER machine on the IPI handshake', () => {
  it('the reduced search finds the outcomes of every interleaving (lwarx/stwcx. retry loops, load-free branch shadows, finished senders; the messages as bytes and as one word)', () => {
    for (const messages of ['bytes', 'word'] as const)
      for (const kind of ['CALL_FUNCTION', 'RESCHEDULE_WAKE'] as const) {
        const prog = handshake('both', [kind], messages);
        const full = explore(prog, { reduce: false, outcomeOf: memoryAndStops });
        const reduced = explore(prog, { outcomeOf: memoryAndStops });
        expect(reduced.statesExplored * 5, `${messages} ${kind}`).toBeLessThan(full.statesExplored);
        expect(reduced.outcomes.map((o) => o.key).sort(), `${messages} ${kind}`).toEqual(full.outcomes.map((o) => o.key).sort());
      }
  });

  it('every final state has the target back in the guest waiting for a doorbell and every sender finished', () => {
    for (const [messages, kinds] of [...([['KICK'], ['RESCHEDULE'], ['RESCHEDULE_WAKE'], ['CALL_FUNCTION'], ['KICK', 'KICK']] as SenderKind[][]).map((k) => ['bytes', k] as const), ['word', ['CALL_FUNCTION']] as const]) {
      const prog = handshake('none', [...kinds], messages);
      const r = explore(prog, { outcomeOf: memoryAndStops });
      for (const o of r.outcomes) {
        const target = o.state.threads[0];
        expect(target.window.map((e) => prog.threads[0].code[e.pc]).map((c) => c.op === Op.Load && c.wait), `${kinds}: ${o.key}`).toEqual([true]);
        kinds.forEach((_, i) => expect(o.state.threads[i + 1].window, `${kinds}: sender ${i}`).toEqual([]));
      }
    }
  });
});

describe('register liveness (the state key leaves dead registers out)', () => {
  it('a loop’s registers are dead at its head when the body writes them before reading; every register is live at the end', () => {
    const prog = compile({
      threads: [
        {
          name: 't',
          instrs: [
            { op: 'label', name: 'top' },
            { op: 'load', rd: 'a', addr: { loc: 'x' } },
            { op: 'cmp', ra: 'a', rb: 0 },
            { op: 'branch', cond: 'eq', to: 'top' },
            { op: 'arith', fn: 'add', rd: 'b', ra: 'a', rb: 'k' },
          ],
          regs: { k: 1 },
        },
      ],
    });
    const t = prog.threads[0];
    const live = liveness(t);
    const at = (pc: number) => t.regs.filter((_, r) => live.regs[pc][r]).sort();
    expect(at(0)).toEqual(['k']); // a is loaded and b computed before either is read
    expect(live.cr0[0]).toBe(false);
    expect(live.cr0[2]).toBe(true); // between cmp and the branch
    expect(at(3)).toEqual(['a', 'k']);
    expect(at(4)).toEqual(['a', 'b', 'k']); // the end: a litmus condition may read any
  });
});
