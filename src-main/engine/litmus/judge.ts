/**
 * Runs a litmus test through the exhaustive explorer and answers as herd7 does: the final
 * states projected on the variables the condition names, how many satisfy it (P) and how many
 * do not (N), and `Observation NAME Never|Sometimes|Always P N`.
 */
import { compile, explore, formatWitness, type MachineEvent, type MachineState, type Program } from '../memory-model';
import type { Cond, LitmusTest } from './parse';

export interface LitmusState {
  /** `1:r0=1; x=2;` in herd's order: registers by thread, then locations, as the condition names them. */
  text: string;
  satisfies: boolean;
  witness: MachineEvent[];
}

export interface LitmusResult {
  name: string;
  states: LitmusState[];
  positive: number;
  negative: number;
  observation: 'Never' | 'Sometimes' | 'Always';
  /** herd's Ok/No: does the test's quantified condition hold? */
  validated: boolean;
  statesExplored: number;
  program: Program;
}

export function judgeLitmus(test: LitmusTest): LitmusResult {
  const program = compile({ threads: test.threads, init: test.init });
  const vars = condVars(test.cond);
  const read = (s: MachineState, v: Var): number => {
    if (v.thread === null) return s.mem[program.locs.indexOf(v.name)] ?? test.init[v.name] ?? 0;
    const th = program.threads[v.thread];
    return s.threads[v.thread].regs[th.regs.indexOf(v.name)];
  };
  const project = (s: MachineState): string => vars.map((v) => `${v.thread === null ? '' : `${v.thread}:`}${v.name}=${read(s, v)};`).join(' ');
  const { outcomes, statesExplored } = explore(program, { outcomeOf: project });
  const states = outcomes
    .map((o) => ({ text: o.key, satisfies: evalCond(test.cond, (v) => read(o.state, v)), witness: o.witness }))
    .sort((a, b) => a.text.localeCompare(b.text, 'en', { numeric: true }));
  const positive = states.filter((s) => s.satisfies).length;
  const negative = states.length - positive;
  const observation = positive === 0 ? 'Never' : negative === 0 ? 'Always' : 'Sometimes';
  const validated = test.quantifier === 'exists' ? positive > 0 : test.quantifier === '~exists' ? positive === 0 : negative === 0;
  return { name: test.name, states, positive, negative, observation, validated, statesExplored, program };
}

/** herd7's report, plus (optionally) a witness trace for each state satisfying the condition. */
export function formatLitmusResult(test: LitmusTest, r: LitmusResult, withWitness = false): string {
  const lines = [`Test ${r.name} ${test.quantifier === 'forall' ? 'Required' : 'Allowed'}`, `States ${r.states.length}`];
  for (const s of r.states) lines.push(s.text);
  lines.push(r.validated ? 'Ok' : 'No', 'Witnesses', `Positive: ${r.positive} Negative: ${r.negative}`);
  lines.push(`Condition ${test.quantifier} (${test.condText})`);
  lines.push(`Observation ${r.name} ${r.observation} ${r.positive} ${r.negative}`);
  if (withWitness) {
    for (const s of r.states.filter((x) => x.satisfies)) {
      lines.push('', `Witness for ${s.text}`, formatWitness(r.program, s.witness));
    }
  }
  return lines.join('\n');
}

interface Var {
  thread: number | null;
  name: string;
}

function condVars(c: Cond, out: Var[] = []): Var[] {
  if (c.kind === 'eq') {
    if (!out.some((v) => v.thread === c.thread && v.name === c.name)) out.push({ thread: c.thread, name: c.name });
  } else if (c.kind === 'not') condVars(c.arg, out);
  else {
    condVars(c.left, out);
    condVars(c.right, out);
  }
  // herd lists registers (by thread) before locations.
  return out.sort((a, b) => (a.thread ?? Infinity) - (b.thread ?? Infinity) || a.name.localeCompare(b.name));
}

function evalCond(c: Cond, value: (v: Var) => number): boolean {
  switch (c.kind) {
    case 'eq':
      return value(c) === c.value;
    case 'not':
      return !evalCond(c.arg, value);
    case 'and':
      return evalCond(c.left, value) && evalCond(c.right, value);
    case 'or':
      return evalCond(c.left, value) || evalCond(c.right, value);
  }
}
