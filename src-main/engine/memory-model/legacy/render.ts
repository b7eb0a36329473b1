/**
 * Renders a witness (a path of machine events) in the column style of the seed:
 *
 *   105: smp_mb()
 *   // STORE DEFERRED DUE TO RE-ORDERING
 *   --105: message[CALL_FUNCTION] = 1
 *   | 105: kvmppc_set_host_ipi(42, 1)
 *   | // RE-ORDERED STORE COMPLETES
 *   ->105: message[CALL_FUNCTION] = 1
 *
 * Each line is `THREAD: label`. An operation that was overtaken by a later one of its own
 * thread is shown twice: where program order put it (`--`) and where it took effect (`->`).
 */
import type { MachineEvent } from './machine';
import { describe, Op, type Program } from './program';

export interface WitnessLine {
  thread: string;
  text: string;
  /** 'deferred' at the program-order position, 'completes' where it took effect. */
  mark?: 'deferred' | 'completes';
  /** What kind of operation the line is (for the DEFERRED / COMPLETES wording). */
  access: 'LOAD' | 'STORE' | 'OTHER';
}

export function witnessLines(prog: Program, events: readonly MachineEvent[]): WitnessLine[] {
  // Every issued item produces exactly one event on a complete path: index them by thread and seq.
  const byThread = prog.threads.map(() => new Map<number, MachineEvent>());
  for (const e of events) byThread[e.thread].set(e.seq, e);
  const sortedSeqs = byThread.map((m) => [...m.keys()].sort((a, b) => a - b));
  const printed = prog.threads.map(() => new Set<number>());
  const deferred = prog.threads.map(() => new Set<number>());
  const out: WitnessLine[] = [];
  const text = (e: MachineEvent): string => describe(prog, prog.threads[e.thread].code[e.pc], e.value);
  const name = (t: number): string => prog.threads[t].name;
  const access = (e: MachineEvent): WitnessLine['access'] => {
    const op = prog.threads[e.thread].code[e.pc].op;
    if (op === Op.Load || op === Op.Xchg) return 'LOAD';
    return op === Op.Store || op === Op.Msgsnd ? 'STORE' : 'OTHER';
  };

  const started = prog.threads.map(() => false);
  for (const e of events) {
    if (printed[e.thread].has(e.seq)) continue;
    // A thread's leading fences and notes wait for its first operation, so they print next to it.
    if (e.kind === 'retire' && !started[e.thread]) continue;
    if (e.kind !== 'retire') started[e.thread] = true;
    // Catch up on this thread's older items: fences/notes print now, memory ops still pending are deferred.
    for (const seq of sortedSeqs[e.thread]) {
      if (seq >= e.seq) break;
      if (printed[e.thread].has(seq) || deferred[e.thread].has(seq)) continue;
      const older = byThread[e.thread].get(seq)!;
      if (older.kind === 'retire') {
        const line = text(older);
        if (line) out.push({ thread: name(e.thread), text: line, access: 'OTHER' });
        printed[e.thread].add(seq);
      } else {
        deferred[e.thread].add(seq);
        out.push({ thread: name(e.thread), text: text(older), mark: 'deferred', access: access(older) });
      }
    }
    printed[e.thread].add(e.seq);
    const line = text(e);
    if (!line) continue;
    out.push({ thread: name(e.thread), text: line, mark: deferred[e.thread].has(e.seq) ? 'completes' : undefined, access: access(e) });
  }
  return out;
}

/** The seed's text form; `open` counts deferred operations not yet completed (drawn as `|`). */
export function formatWitness(prog: Program, events: readonly MachineEvent[]): string {
  const lines: string[] = [];
  let open = 0;
  const kindOf = (l: WitnessLine): string => (l.access === 'LOAD' ? 'LOAD' : 'STORE');
  for (const l of witnessLines(prog, events)) {
    const bar = open > 0 ? '| ' : '';
    if (l.mark === 'deferred') {
      lines.push(`${bar}// ${kindOf(l)} DEFERRED DUE TO RE-ORDERING`);
      lines.push(`${open > 0 ? '|' : ''}--${l.thread}: ${l.text}`);
      open++;
    } else if (l.mark === 'completes') {
      lines.push(`| // RE-ORDERED ${kindOf(l)} COMPLETES`);
      open--;
      lines.push(`${open > 0 ? '|' : ''}->${l.thread}: ${l.text}`);
    } else lines.push(`${bar}${l.thread}: ${l.text}`);
  }
  return lines.join('\n');
}
