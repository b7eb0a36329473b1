/**
 * One handshake episode in time: the code paths of handshake.ts for a target CPU in the guest and
 * the senders whose IPIs (or kicks) reach it close together, run by the timed driver
 * (timed-run.ts) with the calibrated store timing. The target starts in the guest with nothing
 * pending (episodes are far enough apart that nothing of an earlier one is still in flight).
 *
 * Which senders lost their work is read off the run, by mechanism: when the run ends with every
 * sender done and the target back in the guest with no doorbell pending, a sender's csd (or woken
 * task) is stuck if its llist_add came after the target's last llist_del_all of that queue — no
 * later demux will look at it, because no doorbell is coming.
 */
import type { Rng } from '../core';
import { compile, Machine, Op, type CInstr, type Program } from '../memory-model/legacy';
import type { Barriers } from './fabric';
import { handshakeProgram, queueLoc, queueOf, type BranchCost, type ControlCost, type HandshakeSetup, type SenderKind } from './handshake';
import { runTimed, type OpDelays, type TimedEvent } from './timed-run';

export interface EpisodeSender {
  kind: SenderKind;
  /** When the sender starts, relative to the episode (ns, may be < 0). */
  at: number;
}

export interface EpisodeResult {
  /** Indices into the senders whose queued work (csd, woken task) is left stuck. */
  stuck: number[];
  /** Time of the last transition, relative to the episode origin (ns). */
  span: number;
}

/** Durations of the target's control steps and the doorbell (ns). */
export interface EpisodeTiming {
  stepNs: number;
  syncNs: number;
  lwsyncNs: number;
  deliveryNs: number;
  costs: Record<ControlCost, number>;
  delays: OpDelays;
}

interface Compiled {
  prog: Program;
  machine: Machine;
  setup: HandshakeSetup;
  costs: (BranchCost | undefined)[][];
  /** Location index of each sender's queue (-1 for kicks). */
  queueLocs: number[];
}

const cache = new Map<string, Compiled>();

function compiled(b: Barriers, kinds: readonly SenderKind[]): Compiled {
  const key = `${b.beforeSet}${b.afterClear}:${kinds.join(',')}`;
  let c = cache.get(key);
  if (!c) {
    const setup: HandshakeSetup = { target: 'T', senders: kinds.map((kind, i) => ({ cpu: `S${i}`, kind })) };
    const h = handshakeProgram(b, setup);
    const prog = compile(h.src);
    const queueLocs = kinds.map((k) => {
      const q = queueOf(k);
      return q ? prog.locs.indexOf(queueLoc('T', q)) : -1;
    });
    c = { prog, machine: new Machine(prog), setup, costs: h.costs, queueLocs };
    cache.set(key, c);
  }
  return c;
}

/** Runs the episode; `onEvent` sees every operation in performed order (the recorder hook). */
export function runEpisode(b: Barriers, senders: readonly EpisodeSender[], t: EpisodeTiming, rng: Rng, onEvent?: (e: TimedEvent) => void): EpisodeResult {
  const c = compiled(
    b,
    senders.map((s) => s.kind),
  );
  const origin = Math.min(0, ...senders.map((s) => s.at));
  const startAt = [0 - origin, ...senders.map((s) => s.at - origin)];
  // The last add to each queue location by each sender, and the target's last del_all of it.
  const lastAdd = new Map<number, number>();
  const lastDel = new Map<number, number>();
  let order = 0;
  const see = (e: TimedEvent): void => {
    onEvent?.(e);
    if (e.kind !== 'perform') return;
    const ins = c.prog.threads[e.thread].code[e.pc];
    if (ins.op !== Op.Xchg) return;
    order++;
    if (e.thread === 0) lastDel.set(ins.loc, order);
    else if (c.queueLocs[e.thread - 1] === ins.loc) lastAdd.set(e.thread - 1, order);
  };
  const control = (thread: number, ins: CInstr, pc: number, now: number, doorbellAt: number, taken: boolean): number => {
    if (ins.op === Op.TakeDoorbell) return doorbellAt;
    const cost = c.costs[thread]?.[pc];
    const which = cost ? (taken ? cost.taken : cost.notTaken) : undefined;
    return now + (which ? t.costs[which] : t.stepNs);
  };
  const r = runTimed(c.prog, t.delays, { stepNs: t.stepNs, syncNs: t.syncNs, lwsyncNs: t.lwsyncNs, startAt, control, deliveryNs: t.deliveryNs }, rng, see, c.machine);
  const s = r.state;
  const target = s.threads[0];
  const quiet =
    r.machine.enabled(s).length === 0 &&
    target.window.length === 0 &&
    target.pc === 0 &&
    s.doorbell[0] === 0 &&
    s.threads.every((th, i) => i === 0 || (th.window.length === 0 && th.pc >= c.prog.threads[i].code.length));
  const stuck: number[] = [];
  if (quiet) {
    senders.forEach((_, i) => {
      const loc = c.queueLocs[i];
      const added = lastAdd.get(i);
      if (loc < 0 || added === undefined) return;
      // Its add sent an IPI or found the queue non-empty; stuck if no del_all came after it.
      if ((lastDel.get(loc) ?? 0) < added && s.mem[loc] !== 0) stuck.push(i);
    });
  }
  return { stuck, span: r.end + origin };
}
