import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFamilies } from '../litmus/families';
import { parseLitmus } from '../litmus/parse';
import { axiomaticFinalStates } from './axiomatic';
import { explore } from './explore';
import { Machine, type MachineState, type Transition } from './machine';
import { compile, Op, type Program, type ProgramSource } from './program';

const dir = path.resolve(__dirname, '../../../resources/litmus');

const axiomaticFinals = (prog: Program): Set<string> => axiomaticFinalStates(prog);


/** `if (x != 0) y = 1`: a load, a compare and a branch over one store, with x initially `x`. */
const branchOverStore = (x: number) =>
  compile({
    threads: [
      {
        name: 't',
        instrs: [
          { op: 'load', rd: 'a', addr: { loc: 'x' } },
          { op: 'cmp', ra: 'a', rb: 0 },
          { op: 'branch', cond: 'eq', to: 'out' },
          { op: 'store', rs: 1, addr: { loc: 'y' } },
          { op: 'label', name: 'out' },
        ],
      },
    ],
    init: { x },
  });

describe('operational machine against the axiomatic model', () => {
  // IRIW+syncs is the largest (thousands of machine states, seconds).
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.litmus') && !f.startsWith('host-ipi-'));
  for (const f of files) {
    it(`${f}: the same final states`, () => {
      const prog = compile(parseLitmus(fs.readFileSync(path.join(dir, f), 'utf8')).program);
      const op = new Set(explore(prog).outcomes.map((o) => o.key));
      expect([...op].sort()).toEqual([...axiomaticFinals(prog)].sort());
    });
  }

  it('exploring every interleaving finds the same outcomes as the reduced search', () => {
    for (const f of ['MP+lwsync+addr.litmus', 'WRC+lwsync+addr.litmus', 'R+lwsync+sync.litmus']) {
      const prog = compile(parseLitmus(fs.readFileSync(path.join(dir, f), 'utf8')).program);
      const full = explore(prog, { reduce: false });
      const reduced = explore(prog);
      expect(reduced.statesExplored).toBeLessThan(full.statesExplored);
      expect(reduced.outcomes.map((o) => o.key).sort()).toEqual(full.outcomes.map((o) => o.key).sort());
    }
  });
});

/**
 * Mixed-size accesses (resources/litmus/mixed/): the machine keeps a store to a mixed location
 * whole as it propagates (each CPU sees all of an aligned store at once), where ppc.cat -variant
 * mixed lets its segments travel separately. So its final states are the axiomatic ones except
 * where a reader sees one store half done: MP+tear only.
 */
describe('operational machine on mixed-size tests against the axiomatic model', () => {
  const mixedDir = path.join(dir, 'mixed');
  const files = fs.readdirSync(mixedDir).filter((f) => f.endsWith('.litmus'));
  const TORN: Record<string, string[]> = {
    // The halfword store 0x0101 seen as its second byte then not its first (lwsync between the byte loads).
    'MP+tear.litmus': ['0:r2=4294967296;0:r1=257;1:r2=4294967296;1:r5=1;1:r6=0;x=257'],
  };
  for (const f of files) {
    it(`${f}: ${TORN[f] ? 'the axiomatic final states but the torn ones' : 'the same final states'}`, () => {
      const prog = compile(parseLitmus(fs.readFileSync(path.join(mixedDir, f), 'utf8')).program);
      const op = explore(prog).outcomes.map((o) => o.key);
      const ax = [...axiomaticFinals(prog)];
      const torn = TORN[f] ?? [];
      for (const k of torn) expect(ax).toContain(k);
      expect(op.sort()).toEqual(ax.filter((k) => !torn.includes(k)).sort());
    });
  }

  it('exploring every interleaving finds the same outcomes as the reduced search', () => {
    for (const f of ['MP+bytes.litmus', 'XCHG+byte.litmus', 'R+syncs+byte.litmus', 'MP+tear.litmus']) {
      const prog = compile(parseLitmus(fs.readFileSync(path.join(mixedDir, f), 'utf8')).program);
      const full = explore(prog, { reduce: false });
      const reduced = explore(prog);
      expect(reduced.outcomes.map((o) => o.key).sort(), f).toEqual(full.outcomes.map((o) => o.key).sort());
    }
  });

  it('a store to a mixed location propagates as a whole: one propagate step per CPU writes all its segments there', () => {
    const m = new Machine(
      compile({
        sizes: { x: 2 },
        threads: [
          { name: 'w', instrs: [{ op: 'store', rs: 257, addr: { loc: 'x' }, size: 2 }] },
          { name: 'r', instrs: [{ op: 'load', rd: 'a', addr: { loc: 'x', offset: 1 }, size: 1 }, { op: 'load', rd: 'b', addr: { loc: 'x' }, size: 1 }] },
        ],
      }),
    );
    let s = m.initial();
    s = m.apply(s, m.enabled(s).find((t) => t.kind === 'commit' && t.thread === 0)!).state;
    expect(s.storage.writes.map((w) => [w.cell, w.part, w.parts, w.value])).toEqual([
      [0, 0, 2, 1],
      [1, 1, 2, 1],
    ]);
    const props = m.enabled(s).filter((t) => t.kind === 'propagate');
    expect(props).toEqual([{ kind: 'propagate', write: 0, to: 1, thread: 0 }]);
    s = m.apply(s, props[0]).state;
    expect(s.storage.view[1]).toEqual([0, 1]);
  });
});

describe('operational machine on three-thread families (a sample; the whole of WRC, RWC, ISA2, W+RWC and Z6.0–Z6.5 agrees too, minutes of search)', () => {
  // Cheap members of each family (a few thousand states at most), Sometimes and Never alike.
  const SAMPLE = [
    'WRC', 'WRC+data+lwsync', 'RWC', 'RWC+addr+po',
    'ISA2', 'ISA2+sync+data+addr', 'ISA2+lwsync+ctrl+po', 'ISA2+isync+ctrl+ctrl',
    'W+RWC', 'W+RWC+po+addr+po', 'W+RWC+sync+ctrlisync+po',
    'Z6.0+po+addr+po', 'Z6.0+sync+data+po', 'Z6.0+lwsync+ctrl+po', 'Z6.1',
    'Z6.2+po+addr+addr', 'Z6.2+sync+ctrl+data', 'Z6.2+isync+addr+data', 'Z6.3', 'Z6.3+eieio+po+addr',
    'Z6.4', 'Z6.4+isync+po+po', 'Z6.5', 'Z6.5+isync+po+po',
  ];
  const tests = generateFamilies(['WRC', 'RWC', 'ISA2', 'W+RWC', 'Z6.0', 'Z6.1', 'Z6.2', 'Z6.3', 'Z6.4', 'Z6.5']);
  it('reaches exactly the final states ppc.cat allows', () => {
    for (const name of SAMPLE) {
      const t = tests.find((x) => x.name === name);
      expect(t, name).toBeDefined();
      const prog = compile(parseLitmus(t!.source).program);
      expect(explore(prog).outcomes.map((o) => o.key).sort(), name).toEqual([...axiomaticFinals(prog)].sort());
    }
  });
});

describe('step API', () => {
  const mp: ProgramSource = {
    threads: [
      {
        name: 'w',
        instrs: [
          { op: 'store', rs: 1, addr: { loc: 'x' } },
          { op: 'fence', kind: 'lwsync' },
          { op: 'store', rs: 1, addr: { loc: 'y' } },
        ],
      },
      {
        name: 'r',
        instrs: [
          { op: 'load', rd: 'a', addr: { loc: 'y' } },
          { op: 'fence', kind: 'lwsync' },
          { op: 'load', rd: 'b', addr: { loc: 'x' } },
        ],
      },
    ],
  };

  const run = (m: Machine, pick: (moves: Transition[], s: MachineState) => Transition): MachineState => {
    let s = m.initial();
    for (let moves = m.enabled(s); moves.length > 0; moves = m.enabled(s)) s = m.apply(s, pick(moves, s)).state;
    return s;
  };

  it('a store is visible to its own thread at commit and to another thread only once propagated', () => {
    const m = new Machine(compile(mp));
    let s = m.initial();
    const commitX = m.enabled(s).find((t) => t.kind === 'commit' && t.thread === 0)!;
    const r = m.apply(s, commitX);
    expect(r.events).toContainEqual(expect.objectContaining({ kind: 'commit', thread: 0, pc: 0, value: 1 }));
    s = r.state;
    expect(s.storage.view[0][0]).toBe(0); // write 0 (x=1) seen by its own thread
    expect(s.storage.view[1][0]).toBe(-1); // not yet by the reader
    const prop = m.enabled(s).find((t) => t.kind === 'propagate' && t.to === 1)!;
    expect(prop).toMatchObject({ kind: 'propagate', write: 0, to: 1, thread: 0 });
    s = m.apply(s, prop).state;
    expect(s.storage.view[1][0]).toBe(0);
  });

  it('runs to a final state whichever transition is taken, and is deterministic', () => {
    const m = new Machine(compile(mp));
    const first = run(m, (moves) => moves[0]);
    const last = run(m, (moves) => moves[moves.length - 1]);
    expect(m.enabled(first)).toEqual([]);
    expect(m.enabled(last)).toEqual([]);
    expect(m.key(run(m, (moves) => moves[0]))).toBe(m.key(first));
    expect(m.memory(first)).toEqual([1, 1]);
  });

  it('lets the reader see y=1 and x=0 without the writer’s lwsync, never with it', () => {
    const outcomes = (src: ProgramSource): string[] =>
      explore(compile(src), { outcomeOf: (s, m) => `a=${m.register(s, 1, 'a')} b=${m.register(s, 1, 'b')}` })
        .outcomes.map((o) => o.key)
        .sort();
    expect(outcomes(mp)).toEqual(['a=0 b=0', 'a=0 b=1', 'a=1 b=1']);
    const noFence: ProgramSource = { threads: [{ ...mp.threads[0], instrs: [mp.threads[0].instrs[0], mp.threads[0].instrs[2]] }, mp.threads[1]] };
    expect(outcomes(noFence)).toContain('a=1 b=0');
  });

  it('a waiting load blocks until a non-zero value reaches it (a doorbell)', () => {
    const src: ProgramSource = {
      threads: [
        { name: 'target', instrs: [{ op: 'load', rd: 'd', addr: { loc: 'db' }, wait: true }, { op: 'store', rs: 1, addr: { loc: 'seen' } }] },
        { name: 'sender', instrs: [{ op: 'store', rs: 1, addr: { loc: 'db' } }] },
      ],
    };
    const prog = compile(src);
    const m = new Machine(prog);
    const s = m.initial();
    expect(m.enabled(s).filter((t) => t.thread === 0)).toEqual([]); // nothing rang yet
    const finals = explore(prog).outcomes.map((o) => m.memory(o.state));
    expect(finals).toEqual([[1, 1]]);
    // Without a sender it stays blocked for good, in both models.
    const alone = compile({ threads: [src.threads[0]] });
    const blocked = explore(alone).outcomes;
    expect(blocked.map((o) => new Machine(alone).finished(o.state, 0))).toEqual([false]);
    expect(axiomaticFinals(alone).size).toBe(1);
  });

  it('taking a doorbell with a waiting lwarx and clearing it with stwcx., in a loop: both models agree', () => {
    const take: ProgramSource['threads'][number]['instrs'] = [
      { op: 'label', name: 'guest' },
      { op: 'load', rd: 'd', addr: { loc: 'db' }, wait: true, reserve: true },
      { op: 'store', rs: 0, addr: { loc: 'db' }, conditional: true },
      { op: 'branch', cond: 'ne', to: 'guest' },
      { op: 'store', rs: 1, addr: { loc: 'seen' } },
      { op: 'branch', cond: 'always', to: 'guest' },
    ];
    const prog = compile({ threads: [{ name: 'target', instrs: take }, { name: 'sender', instrs: [{ op: 'store', rs: 1, addr: { loc: 'db' } }] }] });
    const finals = [...axiomaticFinals(prog)];
    expect(finals).toEqual(['0:d=1;db=0;seen=1']); // the waiting lwarx reserves: its stwcx. can clear the doorbell
    expect(explore(prog).outcomes.map((o) => o.key)).toEqual(finals);
  });

  it('a stwcx. after a lwarx of the initial value may succeed while another CPU\u2019s committed write is still in flight (ppc.cat: its write goes coherence-first)', () => {
    const prog = compile({
      threads: [
        { name: 't', instrs: [{ op: 'load', rd: 'r', addr: { loc: 'x' }, reserve: true }, { op: 'store', rs: 2, addr: { loc: 'x' }, conditional: true }] },
        { name: 's', instrs: [{ op: 'store', rs: 1, addr: { loc: 'x' } }] },
      ],
    });
    const m = new Machine(prog);
    let s = m.initial();
    const take = (pick: (tr: Transition) => boolean) => {
      const tr = m.enabled(s).find(pick)!;
      expect(tr).toBeDefined();
      s = m.apply(s, tr).state;
    };
    take((tr) => tr.kind === 'commit' && tr.thread === 1); // s's store enters storage, not propagated to t
    take((tr) => tr.kind === 'satisfy' && tr.thread === 0); // t's lwarx reads the initial 0
    take((tr) => tr.kind === 'commit' && tr.thread === 0 && tr.index === 0);
    expect(m.enabled(s).filter((tr) => tr.kind === 'commit' && tr.thread === 0).map((tr) => (tr as { success?: boolean }).success)).toContain(true);
    take((tr) => tr.kind === 'commit' && tr.thread === 0 && (tr as { success?: boolean }).success === true);
    // t's write is coherence-before s's: x ends 1 wherever the rest goes.
    const rest = explore(prog).outcomes.map((o) => o.key);
    expect(rest).toEqual([...axiomaticFinals(prog)].sort());
    expect(rest).toContain('0:r=0;x=1');
  });

  it('branchTaken says which way a resolving branch goes before it is applied', () => {
    const prog = branchOverStore(0);
    const m = new Machine(prog);
    let s = m.initial();
    let checked = 0;
    for (let moves = m.enabled(s); moves.length > 0; moves = m.enabled(s)) {
      const tr = moves.find((x) => x.kind === 'commit' && prog.threads[0].code[s.threads[0].window[x.index].pc].op === Op.Branch) ?? moves[0];
      const r = m.apply(s, tr);
      const resolve = r.events.find((e) => e.kind === 'resolve');
      if (resolve) {
        expect(m.branchTaken(s, tr)).toBe(resolve.value === 1);
        checked++;
      }
      s = r.state;
    }
    expect(checked).toBe(1);
    expect(m.memory(s)).toEqual([0, 0]); // x = 0: the branch skipped the store
  });

  it('a branch resolved before anything was fetched past it goes on the way it resolved', () => {
    // The load is satisfied before the branch's direction is predicted, so the branch can resolve
    // first; the thread must then fetch the fall-through store and finish (it used to stop there).
    const prog = branchOverStore(1);
    const m = new Machine(prog);
    const isBranch = (s: MachineState, tr: Transition) => tr.kind === 'commit' && prog.threads[0].code[s.threads[0].window[tr.index].pc].op === Op.Branch;
    const resolveFirst = run(m, (moves, s) => moves.find((tr) => isBranch(s, tr)) ?? moves.find((tr) => tr.kind !== 'fetch') ?? moves[0]);
    expect(m.finished(resolveFirst, 0)).toBe(true);
    expect(m.memory(resolveFirst)).toEqual([1, 1]);
    // Predicted the wrong way first: squashed and refetched, the same end.
    const predictTaken = run(m, (moves) => moves.find((tr) => tr.kind === 'fetch' && tr.taken) ?? moves[0]);
    expect(m.memory(predictTaken)).toEqual([1, 1]);
  });

  it('xchg as a lwarx/stwcx. loop: two threads exchanging never both read the initial value', () => {
    const xchg = (name: string, v: number): ProgramSource['threads'][number] => ({
      name,
      instrs: [
        { op: 'li', rd: 'v', value: v },
        { op: 'label', name: 'retry' },
        { op: 'load', rd: 'old', addr: { loc: 'm' }, reserve: true },
        { op: 'store', rs: 'v', addr: { loc: 'm' }, conditional: true },
        { op: 'branch', cond: 'ne', to: 'retry' },
      ],
    });
    const prog = compile({ threads: [xchg('a', 1), xchg('b', 2)] });
    const op = explore(prog, { outcomeOf: (s, m) => `${m.register(s, 0, 'old')},${m.register(s, 1, 'old')},${m.memory(s)[0]}` });
    expect(op.outcomes.map((o) => o.key).sort()).toEqual(['0,1,2', '2,0,1']);
  });
});
