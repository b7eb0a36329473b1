/**
 * Judges a litmus test under the POWER model (../memory-model/axiomatic.ts) and reports as herd7
 * prints its reports: the final states projected on the condition's variables and the
 * `locations`, Ok/No for the quantified condition, the counts of consistent executions that
 * satisfy (Positive) and do not satisfy (Negative) the condition's proposition, and
 *
 *   Observation NAME Never|Sometimes|Always P N
 *
 * herd's Time and Hash lines are left out: the output is deterministic.
 */
import { type AxiomaticOptions, enumerateExecutions } from '../memory-model/axiomatic';
import { compile, type Program } from '../memory-model/program';
import { decodeAddress, showValue } from '../memory-model/values';
import { type CondValue, condText, condVars, evalCond, type LitmusTest, LitmusSyntaxError, type StateVar, varText } from './test';

export interface LitmusState {
  /** `1:r0=1; x=2;` as herd prints a final state. */
  text: string;
  satisfies: boolean;
  /** Consistent executions ending in this state. */
  executions: number;
}

export interface LitmusResult {
  name: string;
  states: LitmusState[];
  /** Consistent executions whose final state satisfies / does not satisfy the proposition. */
  positive: number;
  negative: number;
  observation: 'Never' | 'Sometimes' | 'Always';
  /** herd's Ok/No: does the quantified condition hold? */
  validated: boolean;
  candidates: number;
  program: Program;
}

export function judgeLitmus(test: LitmusTest, opts: AxiomaticOptions = {}): LitmusResult {
  const program = compile(test.program);
  const vars = stateVars(test);
  const locIndex = (name: string): number => {
    const i = program.locs.indexOf(name);
    if (i < 0) throw new LitmusSyntaxError(1, 1, `condition names unknown location '${name}'`);
    return i;
  };
  const valueOf = (v: CondValue): number => (typeof v === 'number' ? v : (locIndex(v.addr) + 1) * 2 ** 32);
  const states = new Map<string, LitmusState & { values: number[] }>();
  let positive = 0;
  let negative = 0;
  const regIndex = vars.map((v) => (v.thread === null ? locIndex(v.name) : program.threads[v.thread].regs.indexOf(v.name)));
  const current: number[] = vars.map(() => 0);
  const slot = new Map(vars.map((v, k) => [varText(v), k]));
  const value = (v: StateVar): number => current[slot.get(varText(v))!];
  const stats = enumerateExecutions(
    program,
    (x) => {
      // A register the thread never touches keeps its initial value, 0 (herd accepts such conditions).
      vars.forEach((v, k) => (current[k] = v.thread === null ? x.memory[regIndex[k]] : regIndex[k] < 0 ? 0 : x.reg(v.thread, regIndex[k])));
      if (test.filter && !evalCond(test.filter, value, valueOf)) return;
      const ok = evalCond(test.cond, value, valueOf);
      if (ok) positive++;
      else negative++;
      const key = current.join(',');
      const s = states.get(key);
      if (s) s.executions++;
      else {
        const text = vars.map((v, k) => `${varText(v)}=${showValue(current[k], program.locs)};`).join(' ');
        states.set(key, { text, satisfies: ok, executions: 1, values: current.slice() });
      }
    },
    opts,
  );
  const observation = positive === 0 ? 'Never' : negative === 0 ? 'Always' : 'Sometimes';
  const validated = test.quantifier === 'exists' ? positive > 0 : test.quantifier === '~exists' ? positive === 0 : negative === 0;
  return {
    name: test.name,
    states: [...states.values()].sort((a, b) => compareStates(a.values, b.values, program.locs)).map(({ text, satisfies, executions }) => ({ text, satisfies, executions })),
    positive,
    negative,
    observation,
    validated,
    candidates: stats.candidates,
    program,
  };
}

/** Condition variables and `locations`, registers (by thread, then name) before locations, as herd lists them. */
function stateVars(test: LitmusTest): StateVar[] {
  const vars = condVars(test.cond, [...test.locations]);
  const seen = new Set<string>();
  return vars
    .filter((v) => {
      const k = varText(v);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (a.thread ?? Infinity) - (b.thread ?? Infinity) || a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** herd's order of final states: variable by variable, integers before addresses, addresses by name. */
function compareStates(a: number[], b: number[], locs: readonly string[]): number {
  for (let k = 0; k < a.length; k++) {
    if (a[k] === b[k]) continue;
    const da = decodeAddress(a[k]);
    const db = decodeAddress(b[k]);
    if (da && db) return showValue(a[k], locs) < showValue(b[k], locs) ? -1 : 1;
    if (da || db) return da ? 1 : -1;
    return a[k] - b[k];
  }
  return 0;
}

const KIND = { exists: 'Allowed', '~exists': 'Forbidden', forall: 'Required' } as const;

/** herd7's report. */
export function formatLitmusResult(test: LitmusTest, r: LitmusResult): string {
  const lines = [`Test ${r.name} ${KIND[test.quantifier]}`, `States ${r.states.length}`];
  for (const s of r.states) lines.push(s.text);
  lines.push(r.validated ? 'Ok' : 'No', 'Witnesses');
  const [p, n] = test.quantifier === '~exists' ? [r.negative, r.positive] : [r.positive, r.negative];
  lines.push(`Positive: ${p} Negative: ${n}`);
  lines.push(`Condition ${test.quantifier} (${condText(test.cond)})`);
  lines.push(`Observation ${r.name} ${r.observation} ${r.positive} ${r.negative}`);
  return lines.join('\n');
}
