/**
 * The POWER memory model as an operational machine (rules and limits: README.md).
 *
 * Each thread issues its instructions in program order into a window; an issued memory
 * operation "performs" later — a store by becoming visible to every other thread at once (it
 * is written to the single shared memory), a load by reading a value. Items of one window may
 * perform out of program order unless the pair is ordered:
 *   - a sync between them orders every pair; an lwsync every pair except store → later load;
 *   - two accesses to the same location stay in order, except that a load may take the value
 *     of its own thread's latest earlier pending store to that location (store forwarding);
 *   - register dependencies (a store of a register waits for the load that fills it).
 * Branches and doorbell interrupts are not speculated past: they wait for every earlier load.
 *
 * The machine is pure: `enabled` lists what may happen next, `apply` returns the successor
 * state and what happened. The exhaustive explorer and the timed stepper both drive it.
 */
import { type CInstr, Op, type Program } from './program';

export interface ThreadState {
  /** Next instruction to issue. */
  pc: number;
  /** Issued, not yet performed items (program counters), oldest first. */
  window: number[];
  /** Issue sequence number of each window item (program order across loops, for traces). */
  seqs: number[];
  issued: number;
  regs: number[];
}

export interface MachineState {
  threads: ThreadState[];
  mem: number[];
  /**
   * Pending doorbell per thread: 0 = none, else 1 + the thread that rang it last (several
   * msgsnds before the interrupt is taken coalesce into one). Taking the interrupt clears it.
   */
  doorbell: number[];
}

/** perform: window item `index` of `thread`; control: the branch/takeDoorbell at its pc. */
export type Transition = { thread: number; kind: 'perform'; index: number } | { thread: number; kind: 'control' };

export interface MachineEvent {
  thread: number;
  /** perform = a memory op took effect; retire = a fence/note passed; control = branch/interrupt. */
  kind: 'perform' | 'retire' | 'control';
  pc: number;
  seq: number;
  /** Value stored, loaded (old value for xchg), the branch register, or for a doorbell 1 + sender. */
  value: number;
  /** Reordering weight: 1 per older pending store of its thread it overtook, 2 per older load. */
  overtook: number;
}

const isLoad = (i: CInstr): boolean => i.op === Op.Load || i.op === Op.Xchg;
const isStore = (i: CInstr): boolean => i.op === Op.Store || i.op === Op.Xchg || i.op === Op.Msgsnd;
const isOrderOnly = (i: CInstr): boolean => i.op === Op.Fence || i.op === Op.Note;

/** Guards against a loop of gotos without a blocking instruction. */
const MAX_ISSUE_PER_SETTLE = 10_000;

export class Machine {
  constructor(readonly prog: Program) {}

  initial(): MachineState {
    return this.start().state;
  }

  /** The initial state, and the events of settling it (leading notes and fences retiring). */
  start(): { state: MachineState; events: MachineEvent[] } {
    const s: MachineState = {
      threads: this.prog.threads.map((t) => ({ pc: 0, window: [], seqs: [], issued: 0, regs: t.regs.map(() => 0) })),
      mem: [...this.prog.init],
      doorbell: this.prog.threads.map(() => 0),
    };
    const events: MachineEvent[] = [];
    this.settle(s, events);
    return { state: s, events };
  }

  /** A key equal for states that behave identically from here on (issue counters excluded). */
  key(s: MachineState): string {
    let k = s.mem.join(',') + '|' + s.doorbell.join(',');
    for (const t of s.threads) k += '|' + t.pc + ':' + t.window.join('.') + ':' + t.regs.join(',');
    return k;
  }

  enabled(s: MachineState): Transition[] {
    const out: Transition[] = [];
    for (let t = 0; t < s.threads.length; t++) {
      const th = s.threads[t];
      const code = this.prog.threads[t].code;
      for (let j = 0; j < th.window.length; j++) {
        if (this.canPerform(code, th, j)) out.push({ thread: t, kind: 'perform', index: j });
      }
      if (this.canControl(s, t)) out.push({ thread: t, kind: 'control' });
    }
    return out;
  }

  /** True when every thread has run to its end and every window is empty. */
  finished(s: MachineState): boolean {
    return s.threads.every((th, t) => th.window.length === 0 && th.pc >= this.prog.threads[t].code.length);
  }

  apply(s: MachineState, tr: Transition): { state: MachineState; events: MachineEvent[] } {
    // Copy-on-write: only the acting thread changes (settling never touches the others).
    const next: MachineState = { threads: s.threads.slice(), mem: s.mem.slice(), doorbell: s.doorbell.slice() };
    const th = (next.threads[tr.thread] = cloneThread(s.threads[tr.thread]));
    const events: MachineEvent[] = [];
    const code = this.prog.threads[tr.thread].code;
    if (tr.kind === 'perform') {
      const pc = th.window[tr.index];
      const ins = code[pc];
      let value: number;
      if (ins.op === Op.Store) {
        value = this.storeValue(th, ins);
        next.mem[ins.loc] = value;
      } else if (ins.op === Op.Load) {
        value = this.forwarded(code, th, tr.index) ?? next.mem[ins.loc];
        th.regs[ins.dst] = value;
      } else if (ins.op === Op.Xchg) {
        value = next.mem[ins.loc];
        next.mem[ins.loc] = ins.value;
        th.regs[ins.dst] = value;
      } else if (ins.op === Op.Msgsnd) {
        value = 1;
        next.doorbell[ins.target] = tr.thread + 1;
      } else throw new Error(`cannot perform op ${Op[ins.op]}`);
      events.push({ thread: tr.thread, kind: 'perform', pc, seq: th.seqs[tr.index], value, overtook: this.overtakes(code, th, tr.index) });
      th.window.splice(tr.index, 1);
      th.seqs.splice(tr.index, 1);
    } else {
      const at = th.pc;
      const ins = code[at];
      let value: number;
      if (ins.op === Op.TakeDoorbell) {
        value = next.doorbell[tr.thread];
        next.doorbell[tr.thread] = 0;
        th.pc++;
      } else if (ins.op === Op.Branch) {
        value = th.regs[ins.src];
        th.pc = value === ins.value ? ins.target : th.pc + 1;
      } else throw new Error(`not a control op: ${Op[ins.op]}`);
      events.push({ thread: tr.thread, kind: 'control', pc: at, seq: th.issued++, value, overtook: 0 });
    }
    this.settleThread(next, tr.thread, events);
    return { state: next, events };
  }

  // ---- rules -----------------------------------------------------------------------------

  /** May window item j perform now, ahead of every older pending item? */
  canPerform(code: CInstr[], th: ThreadState, j: number): boolean {
    const me = code[th.window[j]];
    if (isOrderOnly(me)) return false;
    let syncBetween = false;
    let lwsyncBetween = false;
    let forwardedFrom = -1;
    for (let i = j - 1; i >= 0; i--) {
      const other = code[th.window[i]];
      if (other.op === Op.Fence) {
        if (other.sync) syncBetween = true;
        else lwsyncBetween = true;
        continue;
      }
      if (other.op === Op.Note) continue;
      if (syncBetween) return false;
      if (lwsyncBetween && !(isStore(other) && !isLoad(other) && me.op === Op.Load)) return false;
      if (sameLocation(other, me) && forwardedFrom < 0) {
        // A load may read its own thread's latest earlier store to the location (forwarding),
        // once that store's value is known. Every other same-location pair stays in order.
        if (me.op === Op.Load && other.op === Op.Store && this.srcKnown(code, th, i)) forwardedFrom = i;
        else return false;
      }
      // Register dependencies: read-after-write, write-after-read, write-after-write.
      if (other.dst >= 0 && (other.dst === me.src || other.dst === me.dst)) return false;
      if (me.dst >= 0 && other.src === me.dst && other.op === Op.Store) return false;
    }
    return me.op !== Op.Store || this.srcKnown(code, th, j);
  }

  private canControl(s: MachineState, t: number): boolean {
    const th = s.threads[t];
    const code = this.prog.threads[t].code;
    if (th.pc >= code.length) return false;
    const ins = code[th.pc];
    if (ins.op !== Op.TakeDoorbell && ins.op !== Op.Branch) return false;
    if (th.window.some((pc) => isLoad(code[pc]))) return false;
    return ins.op === Op.Branch || s.doorbell[t] !== 0;
  }

  /** Issue everything up to the next control instruction; retire leading fences and notes. */
  private settle(s: MachineState, events: MachineEvent[]): void {
    for (let t = 0; t < s.threads.length; t++) this.settleThread(s, t, events);
  }

  private settleThread(s: MachineState, t: number, events: MachineEvent[]): void {
    {
      const th = s.threads[t];
      const code = this.prog.threads[t].code;
      for (let n = 0; ; n++) {
        if (n > MAX_ISSUE_PER_SETTLE) throw new Error(`${this.prog.threads[t].name}: loop without a blocking instruction`);
        while (th.window.length > 0 && isOrderOnly(code[th.window[0]])) {
          events.push({ thread: t, kind: 'retire', pc: th.window[0], seq: th.seqs[0], value: 0, overtook: 0 });
          th.window.shift();
          th.seqs.shift();
        }
        if (th.pc >= code.length) break;
        const ins = code[th.pc];
        if (ins.op === Op.Goto) th.pc = ins.target;
        else if (ins.op === Op.TakeDoorbell || ins.op === Op.Branch) break;
        else {
          th.window.push(th.pc);
          th.seqs.push(th.issued++);
          th.pc++;
        }
      }
    }
  }

  private srcKnown(code: CInstr[], th: ThreadState, i: number): boolean {
    const st = code[th.window[i]];
    if (st.src < 0) return true;
    for (let k = 0; k < i; k++) if (code[th.window[k]].dst === st.src) return false;
    return true;
  }

  private storeValue(th: ThreadState, ins: CInstr): number {
    return ins.src >= 0 ? th.regs[ins.src] : ins.value;
  }

  /** The value a load at window index j forwards from its own thread's pending store, if any. */
  private forwarded(code: CInstr[], th: ThreadState, j: number): number | undefined {
    const me = code[th.window[j]];
    for (let i = j - 1; i >= 0; i--) {
      const other = code[th.window[i]];
      if (other.op === Op.Store && other.loc === me.loc) return this.storeValue(th, other);
    }
    return undefined;
  }

  private overtakes(code: CInstr[], th: ThreadState, j: number): number {
    let w = 0;
    for (let i = 0; i < j; i++) {
      const older = code[th.window[i]];
      if (!isOrderOnly(older)) w += isLoad(older) ? 2 : 1;
    }
    return w;
  }
}

function sameLocation(a: CInstr, b: CInstr): boolean {
  const mem = (i: CInstr): boolean => i.op === Op.Load || i.op === Op.Store || i.op === Op.Xchg;
  return mem(a) && mem(b) && a.loc === b.loc;
}

function cloneThread(t: ThreadState): ThreadState {
  return { pc: t.pc, window: t.window.slice(), seqs: t.seqs.slice(), issued: t.issued, regs: t.regs.slice() };
}
