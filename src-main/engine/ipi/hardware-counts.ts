/**
 * How often POWER hardware showed the relaxed outcome of the litmus shapes the host_ipi handshake
 * is made of (docs/models/ipi.md "Calibration"). Counts are from the herding-cats POWER campaign
 * (Alglave, Maranget, Tautschnig, "Herding cats", TOPLAS 2014), its published POWER hardware
 * observations: for each test, the runs that showed the `exists` condition (`Positive`) and
 * those that did not (`Negative`).
 *
 * The shapes: R is the seed's race itself — one CPU stores x then y, the other stores y then
 * loads x; the outcome "y ends as the second CPU's value and the load read the old x" is the lost
 * message. R+po+sync is the `clear` variant (the sender's stores reorder: the seed's first
 * sequence), R+sync+po the `set` variant (the target's store is deferred past its load: the
 * second), R+syncs the fix. SB, MP, 2+2W and S isolate store→load, store→store and load→load
 * reordering and the reach of a sync.
 */
import type { ProgramSource, Instr } from '../memory-model';

export interface HardwareCount {
  test: string;
  /** Runs where the relaxed outcome appeared, and where it did not. */
  positive: number;
  negative: number;
  program: ProgramSource;
  /** The `exists` condition on the final state. */
  outcome: (regs: Record<string, number>[], mem: Record<string, number>) => boolean;
}

const W = (loc: string, value: number): Instr => ({ op: 'store', rs: value, addr: { loc } });
const R = (loc: string, reg: string): Instr => ({ op: 'load', rd: reg, addr: { loc } });
const SYNC: Instr = { op: 'fence', kind: 'sync' };
const LWSYNC: Instr = { op: 'fence', kind: 'lwsync' };
const prog = (...threads: Instr[][]): ProgramSource => ({ threads: threads.map((instrs, i) => ({ name: `P${i}`, instrs })) });

const rOutcome = (r: Record<string, number>[], m: Record<string, number>) => m.y === 2 && r[1].r === 0;
const sbOutcome = (r: Record<string, number>[]) => r[0].r === 0 && r[1].r === 0;
const mpOutcome = (r: Record<string, number>[]) => r[1].a === 1 && r[1].b === 0;

export const HARDWARE_COUNTS: readonly HardwareCount[] = [
  { test: 'R', positive: 1_020_548_652, negative: 30_143_667_348, program: prog([W('x', 1), W('y', 1)], [W('y', 2), R('x', 'r')]), outcome: rOutcome },
  { test: 'R+po+sync', positive: 19_105_191, negative: 40_717_847_809, program: prog([W('x', 1), W('y', 1)], [W('y', 2), SYNC, R('x', 'r')]), outcome: rOutcome },
  { test: 'R+sync+po', positive: 86_358_708, negative: 31_500_480_292, program: prog([W('x', 1), SYNC, W('y', 1)], [W('y', 2), R('x', 'r')]), outcome: rOutcome },
  { test: 'R+lwsync+po', positive: 516_736_324, negative: 30_460_873_676, program: prog([W('x', 1), LWSYNC, W('y', 1)], [W('y', 2), R('x', 'r')]), outcome: rOutcome },
  { test: 'R+syncs', positive: 0, negative: 98_656_000_000, program: prog([W('x', 1), SYNC, W('y', 1)], [W('y', 2), SYNC, R('x', 'r')]), outcome: rOutcome },
  { test: 'SB', positive: 3_776_257_144, negative: 91_975_039_056, program: prog([W('x', 1), R('y', 'r')], [W('y', 1), R('x', 'r')]), outcome: sbOutcome },
  { test: 'SB+sync+po', positive: 172_010_357, negative: 58_684_792_243, program: prog([W('x', 1), SYNC, R('y', 'r')], [W('y', 1), R('x', 'r')]), outcome: sbOutcome },
  { test: 'MP', positive: 618_129_408, negative: 98_227_379_992, program: prog([W('x', 1), W('y', 1)], [R('y', 'a'), R('x', 'b')]), outcome: mpOutcome },
  { test: 'MP+po+sync', positive: 18_016_502, negative: 83_450_794_298, program: prog([W('x', 1), W('y', 1)], [R('y', 'a'), SYNC, R('x', 'b')]), outcome: mpOutcome },
  { test: 'MP+po+lwsync', positive: 36_747_881, negative: 82_468_335_619, program: prog([W('x', 1), W('y', 1)], [R('y', 'a'), LWSYNC, R('x', 'b')]), outcome: mpOutcome },
  { test: '2+2W', positive: 27_609_073_012, negative: 804_515_861_988, program: prog([W('x', 1), W('y', 2)], [W('y', 1), W('x', 2)]), outcome: (_r, m) => m.x === 1 && m.y === 1 },
  { test: 'S', positive: 20_132_125, negative: 43_964_198_875, program: prog([W('x', 2), W('y', 1)], [R('y', 'a'), W('x', 1)]), outcome: (r, m) => m.x === 2 && r[1].a === 1 },
];

/** The observed frequency of the relaxed outcome. */
export function observedFrequency(c: HardwareCount): number {
  return c.positive / (c.positive + c.negative);
}
