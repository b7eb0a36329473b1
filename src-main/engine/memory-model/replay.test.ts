import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLitmus } from '../litmus/parse';
import { enumerateExecutions, type Execution } from './axiomatic';
import { defaultOutcome, explore } from './explore';
import { compile } from './program';
import { replayExecution } from './replay';

const dir = path.resolve(__dirname, '../../../resources/litmus');

/** The final state of an execution, as `defaultOutcome` names a machine's. */
const outcomeOf = (prog: ReturnType<typeof compile>, x: Execution): string =>
  [...prog.threads.flatMap((t, i) => t.regs.map((r, k) => `${i}:${r}=${x.reg(i, k)}`)), ...x.memory.map((v, l) => `${prog.locs[l]}=${v}`)].join(';');

describe('replaying axiomatic executions on the machine', () => {
  const cases = [
    ...['MP+lwsync+addr.litmus', 'SB+syncs.litmus', 'WRC+lwsync+addr.litmus'].map((f) => path.join(dir, f)),
    ...fs
      .readdirSync(path.join(dir, 'mixed'))
      .filter((f) => f.endsWith('.litmus'))
      .map((f) => path.join(dir, 'mixed', f)),
  ];
  for (const file of cases) {
    it(`${path.basename(file)}: every execution whose final state the machine reaches replays to it, reading what it reads`, () => {
      const prog = compile(parseLitmus(fs.readFileSync(file, 'utf8')).program);
      const reachable = new Set(explore(prog).outcomes.map((o) => o.key));
      const xs: Execution[] = [];
      // No failing stwcx.: a replay never takes one (it is no event of the execution to match).
      enumerateExecutions(prog, (x) => xs.push({ ...x, rf: x.rf.slice(), co: x.co.map((c) => c.slice()), values: x.values.slice() }), { stwcxFailure: false });
      let replayed = 0;
      for (const x of xs) {
        const want = outcomeOf(prog, x);
        const r = replayExecution(prog, x, (s, m) => defaultOutcome(s, m) === want);
        if (reachable.has(want)) {
          expect(r, `${want}`).not.toBeNull();
          replayed++;
        } else expect(r, `${want} is not reachable on the machine, yet replayed`).toBeNull();
      }
      expect(replayed).toBeGreaterThan(0);
    });
  }
});
