/**
 * The handshake's program (handshake.ts, in the memory model's POWER form) translated for the
 * multi-copy-atomic machine of memory-model/legacy, which `twb explore ipi` still searches
 * exhaustively: the POWER machine's state space for the target and two senders is too large to
 * search yet (docs/models/ipi.md "Two machines"). One program source, so both run the same code
 * paths: `retry: lwarx; stwcx.; bne retry` becomes one xchg, the doorbell's waiting lwarx and
 * stwcx. of 0 one takeDoorbell, msgsnd's `lwarx; stwcx.; bne` on `doorbell[T]` one msgsnd, `cmp r,k; beq L` a branch on
 * r == k, isync nothing (the legacy machine performs in order past a branch).
 */
import type { Instr as LegacyInstr, ProgramSource as LegacySource } from '../memory-model/legacy';
import type { Instr, ProgramSource } from '../memory-model';

const DOORBELL = /^doorbell\[(.+)\]$/;

function locOf(ins: Instr): string {
  if ((ins.op !== 'load' && ins.op !== 'store') || !('loc' in ins.addr)) throw new Error(`mca-form: ${ins.op} without a named location`);
  return ins.addr.loc;
}

function translate(instrs: readonly Instr[]): LegacyInstr[] {
  const out: LegacyInstr[] = [];
  for (let i = 0; i < instrs.length; i++) {
    const ins = instrs[i];
    const next = instrs[i + 1];
    const after = instrs[i + 2];
    if (ins.op === 'label') out.push({ op: 'mark', name: ins.name });
    else if (ins.op === 'load' && ins.reserve && !ins.wait && DOORBELL.test(locOf(ins))) {
      // msgsnd: `lwarx; stwcx. me; bne` on doorbell[T] (the legacy machine's msgsnd sets its doorbell whole).
      if (next?.op !== 'store' || !next.conditional || after?.op !== 'branch') throw new Error('mca-form: msgsnd without stwcx.; bne');
      out.push({ op: 'msgsnd', target: DOORBELL.exec(locOf(ins))![1], label: typeof next.label === 'string' ? next.label : undefined });
      i += 2;
    } else if (ins.op === 'load' && ins.reserve) {
      if (next?.op !== 'store' || !next.conditional || after?.op !== 'branch') throw new Error('mca-form: lwarx without stwcx.; bne');
      // The legacy doorbell value is the sender's thread index + 1; the POWER form stores the index.
      const label = ins.label;
      out.push(ins.wait ? { op: 'takeDoorbell', label: typeof label === 'function' ? (v) => label(v - 1) : label } : { op: 'xchg', loc: locOf(ins), reg: ins.rd, value: next.rs as number, label: ins.label });
      i += 2;
    } else if (ins.op === 'load') out.push({ op: 'load', loc: locOf(ins), reg: ins.rd, label: ins.label });
    else if (ins.op === 'store') {
      const loc = locOf(ins);
      const db = DOORBELL.exec(loc);
      out.push(db ? { op: 'msgsnd', target: db[1], label: typeof ins.label === 'string' ? ins.label : undefined } : { op: 'store', loc, value: ins.rs as number, label: ins.label });
    } else if (ins.op === 'fence') {
      if (ins.kind === 'sync' || ins.kind === 'lwsync') out.push({ op: 'fence', kind: ins.kind, label: ins.label });
    } else if (ins.op === 'note') out.push({ op: 'note', label: ins.text });
    else if (ins.op === 'cmp') {
      if (next?.op !== 'branch' || next.cond !== 'eq' || typeof ins.rb !== 'number') throw new Error('mca-form: cmp without beq');
      out.push({ op: 'branch', reg: ins.ra, equals: ins.rb, to: next.to, label: '' });
      i += 1;
    } else if (ins.op === 'branch' && ins.cond === 'always') out.push({ op: 'goto', to: ins.to });
    else throw new Error(`mca-form: no translation for ${ins.op}`);
  }
  return out;
}

export function mcaForm(src: ProgramSource): LegacySource {
  return { threads: src.threads.map((t) => ({ name: t.name, instrs: translate(t.instrs) })) };
}
