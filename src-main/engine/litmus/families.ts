/**
 * The classic litmus families (MP, SB, LB, WRC, IRIW, R, S, 2+2W, RWC, ISA2, W+RWC, Z6.0–Z6.5)
 * with every fence / dependency variant, written as PPC litmus source the way the diy litmus generator
 * writes them: each family is a cycle of edges (diy's notation, `LwSyncdWW Rfe DpAddrdR Fre`),
 * one slot per program-order edge, and a variant in every slot. Used by the unit tests (which pin
 * the pinned verdict for each) and by `npm run bench` (`explore.campaign_like.*`).
 */

/** What can sit between two accesses of one thread; dependencies need a load before them. */
export const VARIANTS = ['po', 'sync', 'lwsync', 'eieio', 'isync', 'addr', 'data', 'ctrl', 'ctrlisync'] as const;
export type Variant = (typeof VARIANTS)[number];

/**
 * Each family's cycle: `{k}dXY` is slot k (a program-order edge from an X access to a Y access at
 * another location), `Rfe`/`Fre`/`Wse` the communications between threads.
 */
export const FAMILIES: Record<string, string> = {
  MP: '{0}dWW Rfe {1}dRR Fre',
  SB: '{0}dWR Fre {1}dWR Fre',
  LB: '{0}dRW Rfe {1}dRW Rfe',
  WRC: 'Rfe {0}dRW Rfe {1}dRR Fre',
  IRIW: 'Rfe {0}dRR Fre Rfe {1}dRR Fre',
  R: '{0}dWW Wse {1}dWR Fre',
  S: '{0}dWW Rfe {1}dRW Wse',
  '2+2W': '{0}dWW Wse {1}dWW Wse',
  RWC: 'Rfe {0}dRR Fre {1}dWR Fre',
  ISA2: '{0}dWW Rfe {1}dRW Rfe {2}dRR Fre',
  'W+RWC': '{0}dWW Rfe {1}dRR Fre {2}dWR Fre',
  'Z6.0': '{0}dWW Rfe {1}dRW Wse {2}dWR Fre',
  'Z6.1': '{0}dWW Wse {1}dWW Rfe {2}dRW Wse',
  'Z6.2': '{0}dWW Rfe {1}dRW Rfe {2}dRW Wse',
  'Z6.3': '{0}dWW Wse {1}dWW Rfe {2}dRR Fre',
  'Z6.4': '{0}dWW Wse {1}dWR Fre {2}dWR Fre',
  'Z6.5': '{0}dWW Wse {1}dWW Wse {2}dWR Fre',
};

export interface GeneratedTest {
  name: string;
  family: string;
  variants: Variant[];
  source: string;
}

type Kind = 'R' | 'W';
type Edge = { po: true; slot: number; from: Kind; to: Kind } | { po: false; comm: 'Rfe' | 'Fre' | 'Wse' };

function parseCycle(cycle: string): Edge[] {
  return cycle.split(' ').map((tok): Edge => {
    const m = /^\{(\d)\}d([RW])([RW])$/.exec(tok);
    if (m) return { po: true, slot: Number(m[1]), from: m[2] as Kind, to: m[3] as Kind };
    if (tok === 'Rfe' || tok === 'Fre' || tok === 'Wse') return { po: false, comm: tok };
    throw new Error(`bad cycle edge '${tok}'`);
  });
}

/** Whether `v` can sit on an edge from a `from` access to a `to` access. */
export function applicable(v: Variant, from: Kind, to: Kind): boolean {
  if (v === 'data') return from === 'R' && to === 'W';
  if (v === 'addr' || v === 'ctrl' || v === 'ctrlisync') return from === 'R';
  return true;
}

/** diy's name: `MP` (all po), `MP+lwsyncs` (all alike), else `MP+lwsync+addr`. */
export function testName(family: string, variants: readonly Variant[]): string {
  if (variants.every((v) => v === 'po')) return family;
  if (variants.every((v) => v === variants[0])) return `${family}+${variants[0]}s`;
  return `${family}+${variants.join('+')}`;
}

/** Every family × every applicable variant in each slot, in a fixed order. */
export function generateFamilies(families: readonly string[] = Object.keys(FAMILIES)): GeneratedTest[] {
  const out: GeneratedTest[] = [];
  for (const family of families) {
    const edges = parseCycle(FAMILIES[family]);
    const slots = edges.filter((e): e is Extract<Edge, { po: true }> => e.po).sort((a, b) => a.slot - b.slot);
    const choices = slots.map((s) => VARIANTS.filter((v) => applicable(v, s.from, s.to)));
    const pick = (k: number, acc: Variant[]): void => {
      if (k === choices.length) {
        out.push({ name: testName(family, acc), family, variants: [...acc], source: writeTest(testName(family, acc), edges, acc) });
        return;
      }
      for (const v of choices[k]) pick(k + 1, [...acc, v]);
    };
    pick(0, []);
  }
  return out;
}

interface Ev {
  kind: Kind;
  loc: number;
  thread: number;
  /** A write's value; a read's expected value (from the cycle's communications). */
  value: number;
}

/** The PPC litmus text of one cycle with `variants` in its slots. */
function writeTest(name: string, edges: Edge[], variants: readonly Variant[]): string {
  // Rotate so the cycle starts at a thread's first access (right after a communication).
  let start = 0;
  while (edges[(start + edges.length - 1) % edges.length].po) start++;
  const cyc = [...edges.slice(start), ...edges.slice(0, start)];
  const nLocs = cyc.filter((e) => e.po).length;
  // Events: one per edge start; the edge from event i goes to event i+1 (mod n).
  const evs: Ev[] = [];
  let loc = 0;
  let thread = 0;
  for (let i = 0; i < cyc.length; i++) {
    const e = cyc[i];
    const prev = cyc[(i + cyc.length - 1) % cyc.length];
    const kind: Kind = e.po ? e.from : e.comm === 'Fre' ? 'R' : 'W';
    if (i > 0 && !prev.po) thread++;
    evs.push({ kind, loc, thread, value: 0 });
    if (e.po) loc = (loc + 1) % nLocs;
  }
  // Values: a write that a Wse edge leaves from is coherence-first (1), the one it reaches is 2.
  const coLast = new Map<number, Ev>();
  for (const [i, e] of cyc.entries()) {
    const a = evs[i];
    const b = evs[(i + 1) % evs.length];
    if (!e.po && e.comm === 'Wse') {
      a.value = a.value || 1;
      b.value = a.value + 1;
      coLast.set(b.loc, b);
    }
  }
  for (const ev of evs) if (ev.kind === 'W' && ev.value === 0) ev.value = 1;
  for (const [i, e] of cyc.entries()) {
    const a = evs[i];
    const b = evs[(i + 1) % evs.length];
    if (!e.po && e.comm === 'Rfe') b.value = a.value;
    if (!e.po && e.comm === 'Fre') a.value = b.value - 1;
  }
  const locName = (l: number): string => ['x', 'y', 'z', 'a'][l];
  const nThreads = thread + 1;
  const code: string[][] = Array.from({ length: nThreads }, () => []);
  const init: string[][] = Array.from({ length: nThreads }, () => []);
  const cond: string[] = [];
  const label = { n: 0 };
  for (let t = 0; t < nThreads; t++) {
    const mine = evs.map((ev, i) => ({ ev, i })).filter((x) => x.ev.thread === t);
    let reg = 1;
    const fresh = (): string => `r${reg++}`;
    let prevReg = '';
    for (const [k, { ev, i }] of mine.entries()) {
      const addr = fresh();
      init[t].push(`${t}:${addr}=${locName(ev.loc)};`);
      const inEdge = k > 0 ? cyc[i - 1] : undefined;
      const v: Variant = inEdge?.po ? variants[inEdge.slot] : 'po';
      let index = '';
      let dataReg = '';
      if (v === 'sync' || v === 'lwsync' || v === 'eieio' || v === 'isync') code[t].push(v);
      else if (v === 'addr') {
        index = fresh();
        code[t].push(`xor ${index},${prevReg},${prevReg}`);
      } else if (v === 'data') {
        dataReg = fresh();
        code[t].push(`xor ${dataReg},${prevReg},${prevReg}`, `addi ${dataReg},${dataReg},${ev.value}`);
      } else if (v === 'ctrl' || v === 'ctrlisync') {
        const l = `LC${String(label.n++).padStart(2, '0')}`;
        code[t].push(`cmpw ${prevReg},${prevReg}`, `beq  ${l}`, `${l}:`);
        if (v === 'ctrlisync') code[t].push('isync');
      }
      const at = index ? `${index},${addr}` : `0(${addr})`;
      const ld = index ? 'lwzx' : 'lwz';
      const st = index ? 'stwx' : 'stw';
      if (ev.kind === 'R') {
        const r = fresh();
        code[t].push(`${ld} ${r},${at}`);
        cond.push(`${t}:${r}=${ev.value}`);
        prevReg = r;
      } else {
        let r = dataReg;
        if (!r) {
          r = fresh();
          code[t].push(`li ${r},${ev.value}`);
        }
        code[t].push(`${st} ${r},${at}`);
        prevReg = '';
      }
    }
  }
  for (const [l, w] of [...coLast].sort((a, b) => a[0] - b[0])) cond.push(`${locName(l)}=${w.value}`);
  const rows = Math.max(...code.map((c) => c.length));
  const width = code.map((c, t) => Math.max(`P${t}`.length, ...c.map((s) => s.length)));
  const row = (cells: string[]): ` ${string} ;` => ` ${cells.map((c, t) => c.padEnd(width[t])).join(' | ')} ;`;
  return [
    `PPC ${name}`,
    '{',
    ...init.map((l) => l.join(' ')),
    '}',
    row(code.map((_, t) => `P${t}`)),
    ...Array.from({ length: rows }, (_, r) => row(code.map((c) => c[r] ?? ''))),
    `exists (${cond.join(' /\\ ')})`,
    '',
  ].join('\n');
}
