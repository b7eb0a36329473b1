/**
 * The memory-model tables of docs/models/memory-model.md: the example tests' verdicts under
 * both models, the generated classic families against their pinned ppc.cat verdicts, and the kernel C
 * → POWER mapping as the C parser actually compiles it. All computed in this process (no
 * simulation runs); no wall times (they would differ on every run).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAMILIES, generateFamilies } from '../../src-main/engine/litmus/families';
import { judgeLitmus } from '../../src-main/engine/litmus/judge';
import { parseLitmus } from '../../src-main/engine/litmus/parse';
import { axiomaticFinalStates } from '../../src-main/engine/memory-model/axiomatic';
import { explore } from '../../src-main/engine/memory-model/explore';
import { ModelBoundError } from '../../src-main/engine/memory-model/bounds';
import { barriersOf, handshakeProgram, type SenderKind } from '../../src-main/engine/ipi/handshake';
import { compile, type Instr } from '../../src-main/engine/memory-model/program';
import type { FigureTable } from './tables';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LITMUS = path.join(ROOT, 'resources/litmus');
const DOC = 'docs/models/memory-model.md';

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: string[][]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

export const MEMORY_MODEL_TABLES: FigureTable[] = [
  {
    id: 'memory-model-examples',
    doc: DOC,
    async render() {
      const files = fs
        .readdirSync(LITMUS)
        .filter((f) => f.endsWith('.litmus') && !f.startsWith('host-ipi-'))
        .sort();
      const rows = files.map((f) => {
        const src = fs.readFileSync(path.join(LITMUS, f), 'utf8');
        const test = parseLitmus(src);
        const r = judgeLitmus(test);
        const kind = src.startsWith('PPC') ? 'PPC' : 'C';
        const op = explore(compile(test.program));
        const same = sameFinals(new Set(op.outcomes.map((o) => o.key)), axiomaticFinalStates(compile(test.program)));
        return [test.name, kind, r.observation, `${r.positive} / ${r.positive + r.negative}`, op.statesExplored.toLocaleString('en-US'), same ? 'same' : '**differ**'];
      });
      return table(['test', 'format', 'ppc.cat (axiomatic)', 'executions P / all', 'machine states', 'machine final states'], rows);
    },
  },
  {
    id: 'memory-model-families',
    doc: DOC,
    async render() {
      const pinned = new Map(
        fs
          .readFileSync(path.join(LITMUS, 'families-verdicts.txt'), 'utf8')
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .map((l) => [l.split(' ')[0], l] as const),
      );
      const tests = generateFamilies();
      const twoThread = new Set(['MP', 'SB', 'LB', 'R', 'S', '2+2W']);
      const rows = Object.keys(FAMILIES).map((family) => {
        const mine = tests.filter((t) => t.family === family);
        let sometimes = 0;
        let agree = 0;
        let machineSame = 0;
        for (const t of mine) {
          const p = parseLitmus(t.source);
          const r = judgeLitmus(p);
          if (r.observation !== 'Never') sometimes++;
          if (`${r.name} ${r.observation} ${r.positive} ${r.negative}` === pinned.get(t.name)) agree++;
          if (twoThread.has(family)) {
            const op = explore(compile(p.program));
            if (sameFinals(new Set(op.outcomes.map((o) => o.key)), axiomaticFinalStates(compile(p.program)))) machineSame++;
          }
        }
        return [family, String(mine.length), String(sometimes), String(mine.length - sometimes), `${agree} / ${mine.length}`, twoThread.has(family) ? `${machineSame} / ${mine.length}` : '—'];
      });
      const n = tests.length;
      return `${table(['family', 'tests', 'Sometimes', 'Never', 'same as pinned', 'machine: same final states'], rows)}\n\n${n.toLocaleString('en-US')} tests in all.`;
    },
  },
  {
    // The seed pair runs to the search's bound (tens of seconds): a `full` table.
    id: 'memory-model-handshake',
    doc: DOC,
    full: true,
    async render() {
      const BOUND = 100_000;
      const setups: [string, SenderKind[]][] = [
        ['a vCPU kick', ['KICK']],
        ['CALL_FUNCTION', ['CALL_FUNCTION']],
        ['RESCHEDULE (resched_curr)', ['RESCHEDULE']],
        ['RESCHEDULE (ttwu_queue_remote)', ['RESCHEDULE_WAKE']],
        ['two kicks', ['KICK', 'KICK']],
        ['the seed: RESCHEDULE + CALL_FUNCTION', ['RESCHEDULE', 'CALL_FUNCTION']],
      ];
      const rows = setups.flatMap(([label, kinds]) =>
        (['none', 'both'] as const).map((v) => {
          const prog = compile(handshakeProgram(barriersOf(v), { target: 'T', senders: kinds.map((kind, i) => ({ cpu: `S${i}`, kind })) }).src);
          try {
            return [label, v, explore(prog, { maxStates: BOUND }).statesExplored.toLocaleString('en-US')];
          } catch (e) {
            if (!(e instanceof ModelBoundError)) throw e;
            return [label, v, `more than ${BOUND.toLocaleString('en-US')} (stopped at the bound)`];
          }
        }),
      );
      return table(['senders to the target', 'variant', 'machine states (reduced search)'], rows);
    },
  },
  {
    id: 'memory-model-c-mapping',
    doc: DOC,
    async render() {
      const cases: [string, string][] = [
        ['READ_ONCE(*x)', 'r0 = READ_ONCE(*x);'],
        ['WRITE_ONCE(*x, 1)', 'WRITE_ONCE(*x, 1);'],
        ['smp_mb()', 'smp_mb();'],
        ['smp_wmb()', 'smp_wmb();'],
        ['smp_rmb()', 'smp_rmb();'],
        ['smp_mb__after_atomic()', 'smp_mb__after_atomic();'],
        ['smp_store_release(x, 1)', 'smp_store_release(x, 1);'],
        ['smp_load_acquire(x)', 'r0 = smp_load_acquire(x);'],
        ['smp_store_mb(*x, 1)', 'smp_store_mb(*x, 1);'],
        ['xchg_relaxed(x, 1)', 'r0 = xchg_relaxed(x, 1);'],
        ['xchg_acquire(x, 1)', 'r0 = xchg_acquire(x, 1);'],
        ['xchg_release(x, 1)', 'r0 = xchg_release(x, 1);'],
        ['xchg(x, 1)', 'r0 = xchg(x, 1);'],
        ['if (r0) WRITE_ONCE(*y, 1)', 'r0 = READ_ONCE(*x); if (r0) { WRITE_ONCE(*y, 1); }'],
        ['WRITE_ONCE(*y, r0)', 'r0 = READ_ONCE(*x); WRITE_ONCE(*y, r0);'],
        ['READ_ONCE(*(y + r0))', 'r0 = READ_ONCE(*x); r1 = READ_ONCE(*(y + r0));'],
      ];
      const rows = cases.map(([c, body]) => {
        const test = parseLitmus(`C map\n{}\nP0(int *x, int *y) {\n  int r0;\n  int r1;\n  ${body}\n}\nexists (0:r0=0)\n`);
        return [`\`${c}\``, `\`${test.program.threads[0].instrs.map(showInstr).filter(Boolean).join('; ')}\``];
      });
      return table(['kernel C', 'POWER, as `twb explore litmus` compiles it'], rows);
    },
  },
];

function sameFinals(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((k) => b.has(k));
}

/** One instruction of the program form in PPC assembly spelling. */
function showInstr(i: Instr): string {
  const addr = (a: Extract<Instr, { op: 'load' }>['addr']): string => {
    const base = 'loc' in a ? a.loc : a.reg;
    return a.index ? `${a.index},${base}` : `${a.offset ?? 0}(${base})`;
  };
  switch (i.op) {
    case 'li':
      return `li ${i.rd},${typeof i.value === 'number' ? i.value : i.value.addr}`;
    case 'mr':
      return `mr ${i.rd},${i.rs}`;
    case 'arith':
      return `${i.fn}${typeof i.rb === 'number' ? 'i' : ''} ${i.rd},${i.ra},${i.rb}`;
    case 'cmp':
      return typeof i.rb === 'number' ? `cmpwi ${i.ra},${i.rb}` : `cmpw ${i.ra},${i.rb}`;
    case 'branch':
      return i.cond === 'always' ? `b ${i.to}` : `b${i.cond} ${i.to}`;
    case 'load':
      return `${i.reserve ? 'lwarx' : i.addr.index ? 'lwzx' : 'lwz'} ${i.rd},${addr(i.addr)}`;
    case 'store': {
      // The program form stores a constant directly; the compiler loads it into a register first.
      const st = `${i.conditional ? 'stwcx.' : i.addr.index ? 'stwx' : 'stw'} ${typeof i.rs === 'number' ? 'rT' : i.rs},${addr(i.addr)}`;
      return typeof i.rs === 'number' ? `li rT,${i.rs}; ${st}` : st;
    }
    case 'fence':
      return i.kind;
    case 'label':
      return `${i.name}:`;
    case 'note':
      return '';
  }
}
