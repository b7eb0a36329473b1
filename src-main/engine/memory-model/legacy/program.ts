/**
 * Programs for the POWER memory model: a few threads of straight-line memory operations,
 * fences and (for the IPI handshake) a little control flow. Written with names; `compile`
 * turns names into small integer indices so machine states are cheap to copy and compare.
 */

/** A store's value: a constant, or a register read earlier by the same thread. */
export type Operand = number | { reg: string };

/** A trace label; loads may describe the value they read. */
export type Label = string | ((value: number) => string);

export type Instr =
  /** Plain store (WRITE_ONCE). */
  | { op: 'store'; loc: string; value: Operand; label?: Label }
  /** Plain load (READ_ONCE) into a register. */
  | { op: 'load'; loc: string; reg: string; label?: Label }
  /** Relaxed atomic exchange: reg := old value, memory := value, in one step at memory. */
  | { op: 'xchg'; loc: string; reg: string; value: number; label?: Label }
  /** sync (smp_mb) orders every pair across it; lwsync all pairs but store→load. */
  | { op: 'fence'; kind: 'sync' | 'lwsync'; label?: string }
  /** A line for traces only (a function header, a comment). Orders nothing. */
  | { op: 'note'; label: string }
  /** msgsnd: rings the target thread's doorbell. Ordered like a store (the kernel treats it as one). */
  | { op: 'msgsnd'; target: string; label?: string }
  /** Waits for this thread's doorbell, consumes it. An interrupt: no speculation past it. */
  | { op: 'takeDoorbell'; label?: Label }
  /** if (reg == equals) goto `to` (a label name). No speculation past a branch. */
  | { op: 'branch'; reg: string; equals: number; to: string; label?: string }
  | { op: 'goto'; to: string }
  /** Names the position of the next instruction for branch/goto. */
  | { op: 'mark'; name: string };

export interface ThreadSource {
  name: string;
  instrs: Instr[];
}

export interface ProgramSource {
  threads: ThreadSource[];
  /** Initial memory; locations not named start at 0. */
  init?: Record<string, number>;
}

// ---- compiled form -------------------------------------------------------------------

export enum Op {
  Store,
  Load,
  Xchg,
  Fence,
  Note,
  Msgsnd,
  TakeDoorbell,
  Branch,
  Goto,
}

export interface CInstr {
  op: Op;
  /** Location index (Store/Load/Xchg). */
  loc: number;
  /** Destination register (Load/Xchg) or -1. */
  dst: number;
  /** Source register of a Store value, or -1 when the value is the constant `value`. */
  src: number;
  value: number;
  /** Fence strength: true = sync, false = lwsync. */
  sync: boolean;
  /** Msgsnd target thread / Branch & Goto destination pc. */
  target: number;
  label: Label | undefined;
  /** The named form, for error messages and traces. */
  source: Instr;
}

export interface CThread {
  name: string;
  code: CInstr[];
  regs: string[];
}

export interface Program {
  threads: CThread[];
  locs: string[];
  init: number[];
}

export function compile(src: ProgramSource): Program {
  const locs: string[] = [];
  const locIndex = (name: string): number => {
    let i = locs.indexOf(name);
    if (i < 0) i = locs.push(name) - 1;
    return i;
  };
  for (const name of Object.keys(src.init ?? {})) locIndex(name);
  const threadNames = src.threads.map((t) => t.name);
  if (new Set(threadNames).size !== threadNames.length) throw new Error('thread names must be distinct');

  const threads = src.threads.map((t): CThread => {
    const regs: string[] = [];
    const regIndex = (name: string): number => {
      let i = regs.indexOf(name);
      if (i < 0) i = regs.push(name) - 1;
      return i;
    };
    const marks = new Map<string, number>();
    const body = t.instrs.filter((ins) => ins.op !== 'mark');
    // Resolve marks to positions in the mark-free body.
    let pos = 0;
    for (const ins of t.instrs) {
      if (ins.op === 'mark') {
        if (marks.has(ins.name)) throw new Error(`${t.name}: mark '${ins.name}' defined twice`);
        marks.set(ins.name, pos);
      } else pos++;
    }
    const to = (name: string): number => {
      const p = marks.get(name);
      if (p === undefined) throw new Error(`${t.name}: no mark '${name}'`);
      return p;
    };
    const code = body.map((ins): CInstr => {
      const c: CInstr = { op: Op.Note, loc: -1, dst: -1, src: -1, value: 0, sync: false, target: -1, label: undefined, source: ins };
      switch (ins.op) {
        case 'store':
          c.op = Op.Store;
          c.loc = locIndex(ins.loc);
          if (typeof ins.value === 'number') c.value = ins.value;
          else c.src = regIndex(ins.value.reg);
          c.label = ins.label;
          break;
        case 'load':
          c.op = Op.Load;
          c.loc = locIndex(ins.loc);
          c.dst = regIndex(ins.reg);
          c.label = ins.label;
          break;
        case 'xchg':
          c.op = Op.Xchg;
          c.loc = locIndex(ins.loc);
          c.dst = regIndex(ins.reg);
          c.value = ins.value;
          c.label = ins.label;
          break;
        case 'fence':
          c.op = Op.Fence;
          c.sync = ins.kind === 'sync';
          c.label = ins.label ?? ins.kind;
          break;
        case 'note':
          c.label = ins.label;
          break;
        case 'msgsnd': {
          c.op = Op.Msgsnd;
          c.target = threadNames.indexOf(ins.target);
          if (c.target < 0) throw new Error(`${t.name}: msgsnd to unknown thread '${ins.target}'`);
          c.label = ins.label;
          break;
        }
        case 'takeDoorbell':
          c.op = Op.TakeDoorbell;
          c.label = ins.label;
          break;
        case 'branch':
          c.op = Op.Branch;
          c.src = regIndex(ins.reg);
          c.value = ins.equals;
          c.target = to(ins.to);
          c.label = ins.label;
          break;
        case 'goto':
          c.op = Op.Goto;
          c.target = to(ins.to);
          break;
      }
      return c;
    });
    return { name: t.name, code, regs };
  });
  const init = locs.map((l) => src.init?.[l] ?? 0);
  return { threads, locs, init };
}

/** Describes an instruction for traces: its label (given the value a load read) or a default. */
export function describe(prog: Program, ins: CInstr, value: number): string {
  if (typeof ins.label === 'function') return ins.label(value);
  if (ins.label !== undefined) return ins.label;
  const loc = prog.locs[ins.loc];
  switch (ins.op) {
    case Op.Store:
      return `${loc} = ${value}`;
    case Op.Load:
      return `${loc} == ${value}`;
    case Op.Xchg:
      return `xchg(${loc}, ${ins.value}) == ${value}`;
    case Op.Msgsnd:
      return `msgsnd -> ${prog.threads[ins.target].name}`;
    case Op.TakeDoorbell:
      return 'doorbell taken';
    default:
      return '';
  }
}
