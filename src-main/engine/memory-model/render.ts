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
 * location in the witness (its commit if none does; where a coherence-later store reached a CPU
 * it never reaches itself, supersededAt) — on a machine that is not multi-copy atomic that can be
 * well after it committed. Given the storage the witness ended with, stores to one
 * location are listed in coherence order (coherenceOrder). An access overtaken by a later one of its own thread is
 * shown twice: where program order put it (`--`) and where it took effect (`->`). Fences and
 * notes (function headers, comments) have no effect of their own to place: they print in
 * program order just before the next access of their thread that takes effect, or at the end.
 */
import type { MachineEvent } from './machine';
import { Op, type CInstr, type Program } from './program';
import type { Storage } from './storage';

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
  /** Memory accesses: index in the event list where it took effect (fractional once coherenceOrder moved it). */
  at: number;
  value: number;
  loc: number;
  /** stwcx. that failed. */
  failed: boolean;
  access: WitnessLine['access'];
  /** A store listed after a coherence-later store to its location that it could not be moved above. */
  overwrittenBy?: Item;
}

/**
 * `storage`, the storage the witness ended with, puts stores to one location in coherence order
 * (see coherenceOrder); without it each store stays where it took effect.
 */
export function witnessLines(prog: Program, events: readonly MachineEvent[], storage?: Storage): WitnessLine[] {
  const items = new Map<string, Item>();
  const id = (t: number, seq: number): string => `${t}:${seq}`;
  // Threads that read each location in this witness (a store's effect is reaching them).
  const readers = prog.locs.map(() => new Set<number>());
  for (const e of events) if (e.kind === 'satisfy' && e.loc !== undefined) readers[e.loc].add(e.thread);
  /** Per store: the event at which it reached each thread (its own at its commit). */
  const reached = new Map<string, Map<number, number>>();

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
          reached.set(key, new Map([[e.thread, i]]));
        } else if (ins.op === Op.Fence) items.set(key, { ...base, at: -1, access: 'OTHER' });
        break;
      case 'retire':
        items.set(key, { ...base, at: -1, access: 'OTHER' });
        break;
      case 'propagate': {
        const it = items.get(key);
        if (it && e.to !== undefined && e.to !== e.thread && readers[it.loc]?.has(e.to)) it.at = i;
        if (e.to !== undefined) reached.get(key)?.set(e.to, i);
        break;
      }
      default:
        break;
    }
  }

  const perThread = prog.threads.map(() => [] as Item[]);
  for (const it of items.values()) perThread[it.thread].push(it);
  for (const list of perThread) list.sort((a, b) => a.seq - b.seq);
  if (storage) {
    supersededAt(items, readers, reached, storage);
    coherenceOrder(items, perThread, storage);
  }
  const effects = [...items.values()].filter((it) => it.access !== 'OTHER').sort((a, b) => a.at - b.at || a.thread - b.thread);

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
      if (older.access === 'OTHER') {
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

/**
 * A store that never reaches a CPU reading its location, because a coherence-later store got
 * there first (on POWER a write co-before one a CPU already has is never propagated to it: that
 * CPU's view already holds the later value), takes effect for that CPU when the later store
 * arrives — not at its own commit, which can be long before: listed there, a read of the old
 * value in between would seem to ignore it. Such a store is placed just above that arrival when it
 * comes after the store's other effects.
 */
function supersededAt(items: ReadonlyMap<string, Item>, readers: readonly Set<number>[], reached: ReadonlyMap<string, ReadonlyMap<number, number>>, storage: Storage): void {
  storage.writes.forEach((w, id) => {
    const it = items.get(`${w.thread}:${w.seq}`);
    const mine = reached.get(`${w.thread}:${w.seq}`);
    if (!it || it.access !== 'STORE' || it.failed || !mine) return;
    for (const r of readers[w.loc] ?? []) {
      if (mine.has(r)) continue;
      // The first coherence successor to reach r.
      let first = Infinity;
      storage.writes.forEach((later) => {
        if (later.loc !== w.loc || !later.coBefore.includes(id)) return;
        const at = reached.get(`${later.thread}:${later.seq}`)?.get(r);
        if (at !== undefined && at < first) first = at;
      });
      if (first !== Infinity && first - 0.5 > it.at) it.at = first - 0.5;
    }
  });
}

/**
 * Stores to one location are listed in coherence order, the order every CPU agrees on. A store
 * takes effect where it reaches the CPUs that read it — but one that never reaches them, because
 * a coherence-later store got there first, takes effect only at its commit, and that can come
 * after the later store's: on POWER a store commits to its own CPU while another CPU's store to
 * the same line is still on its way there (and is coherence-later, since it arrives second).
 * Listed at its commit, the overwritten store would seem to land last, and a later read of the
 * old value would look impossible. So the store moves up to just above the earliest listed of
 * its coherence successors, with the accesses of its thread listed between (program order
 * stays), when nothing they jump over touches their locations — that listing is as true to the
 * run as the commit order: only independent accesses change places. When something does, the
 * store stays and says `// overwritten by CPU's STORE (coherence order)`.
 */
function coherenceOrder(items: ReadonlyMap<string, Item>, perThread: readonly Item[][], storage: Storage): void {
  const all = [...items.values()];
  const writeItem: (Item | undefined)[] = storage.writes.map((w) => {
    const it = items.get(`${w.thread}:${w.seq}`);
    return it && it.access === 'STORE' && !it.failed ? it : undefined;
  });
  const listedAt = writeItem.map((it) => it?.at ?? Infinity);
  // A store to a mixed location is one record per segment (storage.ts): its records, first to last.
  const idsOf = new Map<Item, number[]>();
  writeItem.forEach((it, id) => it && idsOf.set(it, [...(idsOf.get(it) ?? []), id]));
  const moves: { group: Item[]; to: number; over: Item | null }[] = [];
  for (const [it, ids] of idsOf) {
    // Its earliest-listed coherence successor, in any segment it wrote.
    let first = -1;
    let w = storage.writes[ids[0]];
    for (const id of ids) {
      storage.writes.forEach((later, lid) => {
        if (later.cell === storage.writes[id].cell && later.coBefore.includes(id) && listedAt[lid] < it.at && (first < 0 || listedAt[lid] < listedAt[first])) {
          first = lid;
          w = storage.writes[id];
        }
      });
    }
    if (first < 0) continue;
    // Just above the successor; a store with more coherence predecessors lower (they move too).
    const to = listedAt[first] - 0.5 + 0.001 * w.coBefore.length;
    const group = perThread[it.thread].filter((x) => x.seq < it.seq && x.access !== 'OTHER' && x.at > to && x.at < it.at);
    group.push(it);
    const inGroup = new Set(group);
    // A store of this location that the store jumps over may only be a coherence successor (in a segment both wrote).
    const successor = (x: Item): boolean => x.access === 'STORE' && (idsOf.get(x) ?? []).some((xid) => ids.some((id) => storage.writes[xid].coBefore.includes(id)));
    const blocked = group.some((m) => all.some((x) => !inGroup.has(x) && x.access !== 'OTHER' && x.loc === m.loc && x.at > to && x.at < m.at && !(m === it && successor(x))));
    moves.push({ group, to, over: blocked ? writeItem[first]! : null });
  }
  for (const { group, to, over } of moves) {
    const it = group[group.length - 1];
    if (over) it.overwrittenBy = over;
    else group.forEach((m, i) => (m.at = to - (group.length - 1 - i) * 1e-6));
  }
}

/** A line's text: the instruction's label, else `x = v` / `x == v` / the fence's name. */
function describe(prog: Program, it: Item): string {
  const text = label(prog, it);
  const over = it.overwrittenBy;
  return over ? `${text} // overwritten by ${prog.threads[over.thread].name}'s ${label(prog, over)} (coherence order)` : text;
}

function label(prog: Program, it: Item): string {
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
export function formatWitness(prog: Program, events: readonly MachineEvent[], storage?: Storage): string {
  const lines: string[] = [];
  let open = 0;
  for (const l of witnessLines(prog, events, storage)) {
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
