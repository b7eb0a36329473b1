/**
 * Renders a witness (the events of a path through the operational machine, machine.ts) in the
 * column style of the seed's commit message:
 *
 *   105: smp_mb()
 *   // STORE DEFERRED DUE TO RE-ORDERING
 *   --105: message[CALL_FUNCTION] = 1
 *   | 105: kvmppc_set_host_ipi(42, 1)
 *   | // RE-ORDERED STORE COMPLETES
 *   ->105: message[CALL_FUNCTION] = 1
 *
 * Each line is `THREAD: text`. A memory access is placed where it took effect for the other
 * CPUs: a load where it was last satisfied; a store where it reached the last CPU that reads its
 * location in the witness (its commit if none does) — on a machine that is not multi-copy atomic
 * that can be well after it committed. An access overtaken by a later one of its own thread is
 * shown twice: where program order put it (`--`) and where it took effect (`->`). Fences and
 * notes (function headers, comments) have no effect of their own to place: they print in
 * program order just before the next access of their thread that takes effect, or at the end.
 */
import type { MachineEvent } from './machine';
import { Op, type CInstr, type Program } from './program';

export interface WitnessLine {
  thread: string;
  text: string;
  /** 'deferred' at the program-order position, 'completes' where it took effect. */
  mark?: 'deferred' | 'completes';
  access: 'LOAD' | 'STORE' | 'OTHER';
}

interface Item {
  thread: number;
  seq: number;
  ins: CInstr;
  /** Memory accesses: index in the event list where it took effect. */
  at: number;
  value: number;
  loc: number;
  /** stwcx. that failed. */
  failed: boolean;
  access: WitnessLine['access'];
}

export function witnessLines(prog: Program, events: readonly MachineEvent[]): WitnessLine[] {
  const items = new Map<string, Item>();
  const id = (t: number, seq: number): string => `${t}:${seq}`;
  // Threads that read each location in this witness (a store's effect is reaching them).
  const readers = prog.locs.map(() => new Set<number>());
  for (const e of events) if (e.kind === 'satisfy' && e.loc !== undefined) readers[e.loc].add(e.thread);

  for (const [i, e] of events.entries()) {
    const ins = prog.threads[e.thread].code[e.pc];
    const key = id(e.thread, e.seq);
    const base = { thread: e.thread, seq: e.seq, ins, value: e.value, loc: e.loc ?? -1, failed: false };
    switch (e.kind) {
      case 'squash':
        items.delete(key);
        break;
      case 'restart':
        items.delete(key);
        break;
      case 'satisfy':
        items.set(key, { ...base, at: i, access: 'LOAD' });
        break;
      case 'commit':
        if (ins.op === Op.Store) {
          items.set(key, { ...base, at: i, failed: e.success === false, access: 'STORE' });
        } else if (ins.op === Op.Fence) items.set(key, { ...base, at: -1, access: 'OTHER' });
        break;
      case 'retire':
        items.set(key, { ...base, at: -1, access: 'OTHER' });
        break;
      case 'propagate': {
        const it = items.get(key);
        if (it && e.to !== undefined && e.to !== e.thread && readers[it.loc]?.has(e.to)) it.at = i;
        break;
      }
      default:
        break;
    }
  }

  const perThread = prog.threads.map(() => [] as Item[]);
  for (const it of items.values()) perThread[it.thread].push(it);
  for (const list of perThread) list.sort((a, b) => a.seq - b.seq);
  const effects = [...items.values()].filter((it) => it.at >= 0).sort((a, b) => a.at - b.at || a.thread - b.thread);

  const out: WitnessLine[] = [];
  const printed = new Set<Item>();
  const deferred = new Set<Item>();
  const name = (t: number): string => prog.threads[t].name;
  const emit = (it: Item, mark?: WitnessLine['mark']): void => {
    const text = describe(prog, it);
    if (text) out.push({ thread: name(it.thread), text, mark, access: it.access });
  };
  for (const it of effects) {
    // This thread's older items: fences and notes print now, accesses still to come are deferred.
    for (const older of perThread[it.thread]) {
      if (older.seq >= it.seq) break;
      if (printed.has(older) || deferred.has(older)) continue;
      if (older.at < 0) {
        printed.add(older);
        emit(older);
      } else {
        deferred.add(older);
        emit(older, 'deferred');
      }
    }
    printed.add(it);
    emit(it, deferred.has(it) ? 'completes' : undefined);
  }
  // Trailing fences and notes.
  for (const list of perThread) for (const it of list) if (!printed.has(it) && !deferred.has(it)) emit(it);
  return out;
}

/** A line's text: the instruction's label, else `x = v` / `x == v` / the fence's name. */
function describe(prog: Program, it: Item): string {
  const { ins } = it;
  const loc = prog.locs[it.loc] ?? '?';
  if (it.failed) return `${typeof ins.label === 'string' ? ins.label : `stwcx. ${loc}`} // fails: reservation lost`;
  if (typeof ins.label === 'function') return ins.label(it.value);
  if (ins.label !== undefined) return ins.label;
  if (ins.op === Op.Store) return `${loc} = ${it.value}`;
  if (ins.op === Op.Load) return `${loc} == ${it.value}`;
  return '';
}

/** The seed's text form; `open` counts deferred accesses not yet completed (drawn as `|`). */
export function formatWitness(prog: Program, events: readonly MachineEvent[]): string {
  const lines: string[] = [];
  let open = 0;
  for (const l of witnessLines(prog, events)) {
    const bar = open > 0 ? '| ' : '';
    const kind = l.access === 'LOAD' ? 'LOAD' : 'STORE';
    if (l.mark === 'deferred') {
      lines.push(`${bar}// ${kind} DEFERRED DUE TO RE-ORDERING`);
      lines.push(`${open > 0 ? '|' : ''}--${l.thread}: ${l.text}`);
      open++;
    } else if (l.mark === 'completes') {
      lines.push(`| // RE-ORDERED ${kind} COMPLETES`);
      open--;
      lines.push(`${open > 0 ? '|' : ''}->${l.thread}: ${l.text}`);
    } else lines.push(`${bar}${l.thread}: ${l.text}`);
  }
  return lines.join('\n');
}
