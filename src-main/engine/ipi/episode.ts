/**
 * One handshake episode in time: the code paths of handshake.ts for a target CPU in the guest and
 * the senders whose IPIs (or kicks) reach it close together, run by the timed driver
 * (timed-run.ts) on the POWER memory model with the calibrated store timing. The target starts in the guest with nothing
 * pending (episodes are far enough apart that nothing of an earlier one is still in flight).
 *
 * Which senders lost their work is read off the run, by mechanism: when the run ends with every
 * sender done and the target back in the guest with no doorbell pending, a sender's csd (or woken
 * task) is stuck if its llist_add is coherence-after the target's last llist_del_all of that
 * queue — no later demux will look at it, because no doorbell is coming.
 */
import type { Rng } from '../core';
import { compile, Machine, Op, type CInstr, type MachineState, type Program } from '../memory-model';
import { coBefore, type Storage } from '../memory-model/storage';
import type { Barriers } from './fabric';
import { doorbellLoc, handshakeProgram, queueLoc, queueOf, RUN_MESSAGES, type BranchCost, type ControlCost, type HandshakeSetup, type MessagesEncoding, type SenderKind } from './handshake';
import { runTimed, type OpDelays, type TimedEventSink } from './timed-run';

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
  /** The storage the run ended with: its coherence order places the episode's stores (episode-record.ts). */
  storage: Storage;
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

export interface CompiledEpisode {
  prog: Program;
  machine: Machine;
  setup: HandshakeSetup;
  costs: (BranchCost | undefined)[][];
  /** Location index of each sender's queue (-1 for kicks). */
  queueLocs: number[];
  doorbell: number;
}

const cache = new Map<string, CompiledEpisode>();

/**
 * The handshake program of a target `T` and senders `S0`, `S1`… of these kinds, compiled once per
 * process; `messages` its encoding of the messages word (handshake.ts; runs use RUN_MESSAGES).
 */
export function compiledEpisode(b: Barriers, kinds: readonly SenderKind[], messages: MessagesEncoding = RUN_MESSAGES): CompiledEpisode {
  const key = `${b.beforeSet}${b.afterClear}:${kinds.join(',')}:${messages}`;
  let c = cache.get(key);
  if (!c) {
    const setup: HandshakeSetup = { target: 'T', senders: kinds.map((kind, i) => ({ cpu: `S${i}`, kind })) };
    const h = handshakeProgram(b, setup, messages);
    const prog = compile(h.src);
    const queueLocs = kinds.map((k) => {
      const q = queueOf(k);
      return q ? prog.locs.indexOf(queueLoc('T', q)) : -1;
    });
    c = { prog, machine: new Machine(prog), setup, costs: h.costs, queueLocs, doorbell: prog.locs.indexOf(doorbellLoc('T')) };
    cache.set(key, c);
  }
  return c;
}

/** Runs the episode; `onEvent` sees every machine event in order with its time (the recorder hook). */
export function runEpisode(b: Barriers, senders: readonly EpisodeSender[], t: EpisodeTiming, rng: Rng, onEvent?: TimedEventSink, messages: MessagesEncoding = RUN_MESSAGES): EpisodeResult {
  const c = compiledEpisode(
    b,
    senders.map((s) => s.kind),
    messages,
  );
  const origin = Math.min(0, ...senders.map((s) => s.at));
  const startAt = [0 - origin, ...senders.map((s) => s.at - origin)];
  const control = (thread: number, _ins: CInstr, pc: number, taken: boolean): number | undefined => {
    const cost = c.costs[thread]?.[pc];
    const which = cost ? (taken ? cost.taken : cost.notTaken) : undefined;
    return which ? t.costs[which] : undefined;
  };
  const r = runTimed(c.prog, t.delays, { stepNs: t.stepNs, syncNs: t.syncNs, lwsyncNs: t.lwsyncNs, startAt, control, deliveryNs: t.deliveryNs }, rng, onEvent, c.machine);
  return { stuck: stuckSenders(c, r.state), span: r.end + origin, storage: r.state.storage };
}

/**
 * Senders whose work stays queued for ever: the run is over (nothing enabled), every sender has
 * finished, the target waits in the guest for a doorbell with none pending, and the sender's
 * llist_add is coherence-after every llist_del_all of that queue by the target.
 */
export function stuckSenders(c: CompiledEpisode, s: MachineState): number[] {
  const m = c.machine;
  if (m.enabled(s).length > 0) return [];
  const mem = m.memory(s);
  const target = s.threads[0];
  const code = c.prog.threads[0].code;
  const waiting = target.window.length === 1 && code[target.window[0].pc].op === Op.Load && code[target.window[0].pc].wait && mem[c.doorbell] === 0;
  if (!waiting || !c.setup.senders.every((_, i) => m.finished(s, i + 1))) return [];
  const st = s.storage;
  const stuck: number[] = [];
  c.queueLocs.forEach((loc, i) => {
    if (loc < 0 || mem[loc] === 0) return;
    const add = st.writes.findIndex((w) => w.thread === i + 1 && w.loc === loc);
    if (add < 0) return;
    const dels = st.writes.map((w, id) => (w.thread === 0 && w.loc === loc ? id : -1)).filter((id) => id >= 0);
    if (dels.every((d) => coBefore(st, d, add))) stuck.push(i);
  });
  return stuck;
}
