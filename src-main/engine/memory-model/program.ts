/**
 * The program form shared by the litmus judge, the operational machine and the IPI handshake: a
 * few threads of POWER instructions over named registers and named memory locations. PPC
 * assembly litmus tests parse into it one instruction for one; kernel C litmus tests compile
 * into it as Linux compiles them for powerpc (see ../litmus/README.md for the table).
 *
 * `compile` resolves names (registers, locations, labels) to small integers once, so that both
 * models work on arrays.
 */
import { addressOf, type ArithFn } from './values';

export type { ArithFn } from './values';

/** An effective address: (base register or a location's address) + (index register or offset). */
export type Address =
  | { reg: string; index?: string; offset?: number }
  | { loc: string; index?: string; offset?: number };

export type FenceKind = 'sync' | 'lwsync' | 'eieio' | 'isync';
export type BranchCond = 'eq' | 'ne' | 'lt' | 'ge' | 'gt' | 'le';

/** A trace label; loads and stores may describe the value they read or wrote. */
export type Label = string | ((value: number) => string);

export type Instr =
  /** li rD,k — or the address of a location (herd's `0:r2=x` made into an instruction). */
  | { op: 'li'; rd: string; value: number | { addr: string } }
  | { op: 'mr'; rd: string; rs: string }
  /** rD = rA fn rB (rb a register) or rA fn k (rb a number, the immediate forms); `.` forms set cr0. */
  | { op: 'arith'; fn: ArithFn; rd: string; ra: string; rb: string | number; setsCr0?: boolean }
  /** cmpw rA,rB / cmpwi rA,k: cr0 := compare (signed). */
  | { op: 'cmp'; ra: string; rb: string | number }
  /** Conditional branch on cr0, or `always` (b). */
  | { op: 'branch'; cond: BranchCond | 'always'; to: string }
  /**
   * lwz/ld/lbz… (size in bytes); `reserve` = lwarx (load and reserve). `wait`: the load only
   * takes a non-zero value — a CPU waiting for an interrupt (a doorbell) rather than spinning;
   * if none ever comes, the thread stays blocked there.
   */
  | { op: 'load'; rd: string; addr: Address; size?: number; reserve?: boolean; wait?: boolean; label?: Label }
  /** stw/std/stb… of a register or a constant; `conditional` = stwcx. (sets cr0.eq on success). */
  | { op: 'store'; rs: string | number; addr: Address; size?: number; conditional?: boolean; label?: Label }
  | { op: 'fence'; kind: FenceKind; label?: string }
  /** Names the position of the next instruction (a branch target). */
  | { op: 'label'; name: string }
  /** A line for traces only (a function header, a comment). */
  | { op: 'note'; text: string };

export interface ThreadSource {
  name: string;
  instrs: Instr[];
  /** Initial register values: integers or `{ addr: loc }`. */
  regs?: Record<string, number | { addr: string }>;
}

export interface ProgramSource {
  threads: ThreadSource[];
  /** Initial memory: integers or the address of another location (`{ x = z; }`). */
  init?: Record<string, number | { addr: string }>;
  /** Locations to include even when no thread names them (herd's `locations [...]`). */
  locations?: string[];
  /** Declared width in bytes of a location (a litmus test's `uint8_t x;`); else what its accesses reach. */
  sizes?: Record<string, number>;
}

// ---- compiled form -------------------------------------------------------------------

export enum Op {
  Li,
  Mr,
  Arith,
  Cmp,
  Branch,
  Load,
  Store,
  Fence,
  Note,
}

export enum Fence {
  Sync,
  Lwsync,
  Eieio,
  Isync,
}

/**
 * cr0 holds −1, 0 or 1 after a comparison (LT, EQ or GT set), or CR_NONE after a failed stwcx.
 * (none set). A conditional branch tests one bit: taken when it is set (blt, beq, bgt) or clear
 * (bge, bne, ble).
 */
export const CR_NONE = 2;
const COND_BITS: Record<BranchCond, [bit: number, set: boolean]> = {
  lt: [1, true],
  ge: [1, false],
  eq: [2, true],
  ne: [2, false],
  gt: [4, true],
  le: [4, false],
};

/** Is a conditional branch (CInstr.mask / whenSet) taken for this cr0 value? */
export function branchTaken(ins: CInstr, cr0: number): boolean {
  const bits = cr0 === -1 ? 1 : cr0 === 0 ? 2 : cr0 === 1 ? 4 : 0;
  return ((bits & ins.mask) !== 0) === ins.whenSet;
}

export interface CAddress {
  /** Base register, or −1 when the base is the location `loc`. */
  base: number;
  loc: number;
  /** Index register or −1. */
  index: number;
  offset: number;
}

export interface CInstr {
  op: Op;
  /** Destination register (Li/Mr/Arith/Load) or −1. */
  rd: number;
  /** First source register (Mr/Arith/Cmp; Store: the value register) or −1. */
  ra: number;
  /** Second source register or −1 (then `imm` is the operand). */
  rb: number;
  imm: number;
  fn: ArithFn;
  setsCr0: boolean;
  /** Branch: the cr0 bit tested (0 for an unconditional branch) and whether taken when set; target pc. */
  mask: number;
  whenSet: boolean;
  target: number;
  addr: CAddress | null;
  size: number;
  /** Load: lwarx. Store: stwcx. */
  atomic: boolean;
  /** Load: waits for a non-zero value. */
  wait: boolean;
  fence: Fence;
  label: Label | undefined;
  /** Source form, for messages and traces. */
  source: Instr;
}

export interface CThread {
  name: string;
  code: CInstr[];
  regs: string[];
  /** Initial register values (index-aligned with `regs`). */
  init: number[];
}

export interface Program {
  threads: CThread[];
  locs: string[];
  /** Initial memory value per location (addresses already encoded). */
  init: number[];
  /** Declared width in bytes per location, if any (mixed.ts). */
  sizes: (number | undefined)[];
}

export class ProgramError extends Error {
  override name = 'ProgramError';
}

export const FENCE_NAMES: Record<FenceKind, Fence> = { sync: Fence.Sync, lwsync: Fence.Lwsync, eieio: Fence.Eieio, isync: Fence.Isync };

export function compile(src: ProgramSource, encodeAddress: (loc: number) => number = addressOf): Program {
  const locs: string[] = [];
  const locIndex = (name: string): number => {
    let i = locs.indexOf(name);
    if (i < 0) i = locs.push(name) - 1;
    return i;
  };
  // Locations in a stable order: initialised ones first, then as threads name them.
  for (const name of Object.keys(src.init ?? {})) locIndex(name);
  for (const name of Object.keys(src.sizes ?? {})) locIndex(name);
  const threadNames = src.threads.map((t) => t.name);
  if (new Set(threadNames).size !== threadNames.length) throw new ProgramError('thread names must be distinct');
  const valueOf = (v: number | { addr: string }): number => (typeof v === 'number' ? v : encodeAddress(locIndex(v.addr)));

  const threads = src.threads.map((t): CThread => {
    const regs: string[] = [];
    const reg = (name: string): number => {
      let i = regs.indexOf(name);
      if (i < 0) i = regs.push(name) - 1;
      return i;
    };
    for (const r of Object.keys(t.regs ?? {})) reg(r);
    const labels = new Map<string, number>();
    let pos = 0;
    for (const ins of t.instrs) {
      if (ins.op === 'label') {
        if (labels.has(ins.name)) throw new ProgramError(`${t.name}: label '${ins.name}' defined twice`);
        labels.set(ins.name, pos);
      } else pos++;
    }
    const target = (name: string): number => {
      const p = labels.get(name);
      if (p === undefined) throw new ProgramError(`${t.name}: no label '${name}'`);
      return p;
    };
    const address = (a: Address): CAddress => ({
      base: 'reg' in a ? reg(a.reg) : -1,
      loc: 'loc' in a ? locIndex(a.loc) : -1,
      index: a.index === undefined ? -1 : reg(a.index),
      offset: a.offset ?? 0,
    });
    const code: CInstr[] = [];
    for (const ins of t.instrs) {
      if (ins.op === 'label') continue;
      const c: CInstr = {
        op: Op.Note,
        rd: -1,
        ra: -1,
        rb: -1,
        imm: 0,
        fn: 'add',
        setsCr0: false,
        mask: 0,
        whenSet: true,
        target: -1,
        addr: null,
        size: 4,
        atomic: false,
        wait: false,
        fence: Fence.Sync,
        label: undefined,
        source: ins,
      };
      switch (ins.op) {
        case 'li':
          c.op = Op.Li;
          c.rd = reg(ins.rd);
          c.imm = valueOf(ins.value);
          break;
        case 'mr':
          c.op = Op.Mr;
          c.rd = reg(ins.rd);
          c.ra = reg(ins.rs);
          break;
        case 'arith':
          c.op = Op.Arith;
          c.fn = ins.fn;
          c.rd = reg(ins.rd);
          c.ra = reg(ins.ra);
          if (typeof ins.rb === 'number') c.imm = ins.rb;
          else c.rb = reg(ins.rb);
          c.setsCr0 = ins.setsCr0 === true;
          break;
        case 'cmp':
          c.op = Op.Cmp;
          c.ra = reg(ins.ra);
          if (typeof ins.rb === 'number') c.imm = ins.rb;
          else c.rb = reg(ins.rb);
          break;
        case 'branch':
          c.op = Op.Branch;
          if (ins.cond !== 'always') [c.mask, c.whenSet] = COND_BITS[ins.cond];
          c.target = target(ins.to);
          break;
        case 'load':
          c.op = Op.Load;
          c.rd = reg(ins.rd);
          c.addr = address(ins.addr);
          c.size = ins.size ?? 4;
          c.atomic = ins.reserve === true;
          c.wait = ins.wait === true;
          c.label = ins.label;
          break;
        case 'store':
          c.op = Op.Store;
          if (typeof ins.rs === 'number') c.imm = ins.rs;
          else c.ra = reg(ins.rs);
          c.addr = address(ins.addr);
          c.size = ins.size ?? 4;
          c.atomic = ins.conditional === true;
          c.label = ins.label;
          break;
        case 'fence':
          c.op = Op.Fence;
          c.fence = FENCE_NAMES[ins.kind];
          c.label = ins.label ?? ins.kind;
          break;
        case 'note':
          c.label = ins.text;
          break;
      }
      code.push(c);
    }
    const init = regs.map(() => 0);
    for (const [r, v] of Object.entries(t.regs ?? {})) init[reg(r)] = valueOf(v);
    return { name: t.name, code, regs, init };
  });
  for (const l of src.locations ?? []) locIndex(l);
  // Resolve initial values first: `{ p = z; }` may name a location nothing else does.
  const initValues = new Map(Object.entries(src.init ?? {}).map(([l, v]) => [l, valueOf(v)]));
  const init = locs.map((l) => initValues.get(l) ?? 0);
  for (const [l, n] of Object.entries(src.sizes ?? {})) if (![1, 2, 4, 8].includes(n)) throw new ProgramError(`location ${l}: a size of ${n} bytes (1, 2, 4 or 8)`);
  const sizes = locs.map((l) => src.sizes?.[l]);
  return { threads, locs, init, sizes };
}
