/**
 * Which registers (and cr0) a thread may still read before writing them, at each program
 * counter: the classic backward liveness over the thread's control-flow graph. The machine's
 * state key ignores dead registers, so that two states differing only in values nothing will
 * read again (a loop's previous iteration, the registers of a handshake already handled) are
 * one state. At the end of the code every register is live (a litmus condition reads them).
 */
import { type CThread, Op } from './program';

export interface Liveness {
  /** live[pc][r]: may register r be read before it is written, from pc on? (pc = code.length: the end) */
  regs: boolean[][];
  cr0: boolean[];
}

export function liveness(t: CThread): Liveness {
  const n = t.code.length;
  const nRegs = t.regs.length;
  const regs = Array.from({ length: n + 1 }, (_, pc) => new Array<boolean>(nRegs).fill(pc === n));
  const cr0 = new Array<boolean>(n + 1).fill(false);
  for (let changed = true; changed; ) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      const c = t.code[pc];
      const next = c.op === Op.Branch ? (c.mask === 0 ? [c.target] : [c.target, pc + 1]) : [pc + 1];
      const live = new Array<boolean>(nRegs).fill(false);
      let liveCr0 = false;
      for (const q of next) {
        for (let r = 0; r < nRegs; r++) live[r] ||= regs[q][r];
        liveCr0 ||= cr0[q];
      }
      // Written here: dead before (unless also read).
      if (c.rd >= 0 && (c.op === Op.Li || c.op === Op.Mr || c.op === Op.Arith || c.op === Op.Load)) live[c.rd] = false;
      if (c.op === Op.Cmp || (c.op === Op.Arith && c.setsCr0) || (c.op === Op.Store && c.atomic)) liveCr0 = false;
      // Read here.
      if (c.ra >= 0 && c.op !== Op.Load) live[c.ra] = true;
      if (c.rb >= 0) live[c.rb] = true;
      if (c.addr) {
        if (c.addr.base >= 0) live[c.addr.base] = true;
        if (c.addr.index >= 0) live[c.addr.index] = true;
      }
      if (c.op === Op.Branch && c.mask !== 0) liveCr0 = true;
      for (let r = 0; r < nRegs; r++) {
        if (live[r] !== regs[pc][r]) {
          regs[pc][r] = live[r];
          changed = true;
        }
      }
      if (liveCr0 !== cr0[pc]) {
        cr0[pc] = liveCr0;
        changed = true;
      }
    }
  }
  return { regs, cr0 };
}
