/**
 * One detailed handshake episode: the memory-model machine of the handshake (handshake.ts)
 * driven in time. Every operation becomes performable after a delay drawn from a seeded Rng
 * (a store's visibility delay, a load's latency), counted from when it was issued or, if
 * fences or coherence held it back, from when it was allowed to go; the machine's rules decide
 * what may go at all. The enabled transition that is ready first happens next. The target
 * starts in a guest with an empty store queue (episodes are `ipi.overlap_window_ns` apart, so
 * nothing of an earlier one is still pending).
 */
import type { Rng } from '../core';
import type { ModelParams } from '../params';
import { compile, Machine, Op, type MachineState, type Program } from '../memory-model/legacy';
import type { Barriers } from './fabric';
import { lostMessages } from './explore-ipi';
import { handshakeProgram, type HandshakeSetup, type SenderKind } from './handshake';

export interface EpisodeSender {
  msg: SenderKind;
  /** When the sender starts smp_muxed_ipi_set_message, relative to the episode (ns, may be < 0). */
  at: number;
}

export interface EpisodeResult {
  /** Index into the senders of each IPI whose message was left unprocessed with no doorbell coming. */
  lost: number[];
  /** When the target finished its last handler, relative to the episode origin (ns). */
  span: number;
}

export interface EpisodeTiming {
  stepNs: number;
  loadNs: number;
  storeNs: number;
  stallFraction: number;
  stallNs: number;
  stallCapNs: number;
  deliveryNs: number;
  guestExitNs: number;
}

export function episodeTiming(p: ModelParams): EpisodeTiming {
  return {
    stepNs: p.get('ipi.step_ns'),
    loadNs: p.get('ipi.load_ns'),
    storeNs: p.get('ipi.store_visible_ns'),
    stallFraction: p.get('ipi.store_stall_fraction'),
    stallNs: p.get('ipi.store_stall_ns'),
    stallCapNs: p.get('ipi.overlap_window_ns') / 4,
    deliveryNs: p.get('ipi.delivery_ns'),
    guestExitNs: p.get('ipi.guest_exit_ns'),
  };
}

const programCache = new Map<string, { prog: Program; setup: HandshakeSetup }>();

function programFor(b: Barriers, msgs: SenderKind[]): { prog: Program; setup: HandshakeSetup } {
  const key = `${b.beforeSet}${b.afterClear}:${msgs.join(',')}`;
  let p = programCache.get(key);
  if (!p) {
    const setup: HandshakeSetup = { target: 'T', senders: msgs.map((msg, i) => ({ cpu: `S${i}`, msg })) };
    p = { prog: compile(handshakeProgram(b, setup)), setup };
    programCache.set(key, p);
  }
  return p;
}

/** Runs the handshake of `senders` to one target in a guest; returns which IPIs were lost. */
export function runEpisode(b: Barriers, senders: readonly EpisodeSender[], t: EpisodeTiming, rng: Rng): EpisodeResult {
  // One message word per kind: two senders of the same kind share it (they OR the same byte).
  const msgs = senders.map((s) => s.msg);
  const { prog, setup } = programFor(b, msgs);
  const m = new Machine(prog);
  const origin = Math.min(...senders.map((s) => s.at));
  const startAt = [0, ...senders.map((s) => s.at - origin)];
  let s: MachineState = m.initial();
  let now = 0;
  // Per thread, per issue sequence number: issue time, the delay drawn, when first allowed.
  const issued: number[][] = prog.threads.map(() => []);
  const delay: number[][] = prog.threads.map(() => []);
  const allowed: number[][] = prog.threads.map(() => []);
  const doorbellAt: number[] = prog.threads.map(() => Infinity);
  let lastHandlerEnd = 0;

  const draw = (op: Op): number => {
    if (op === Op.Load) return rng.exp(t.loadNs);
    if (op === Op.Store || op === Op.Xchg) {
      if (rng.chance(t.stallFraction)) return Math.min(t.stallCapNs, rng.exp(t.stallNs));
      return rng.exp(t.storeNs);
    }
    return t.stepNs;
  };
  const noteIssued = (): void => {
    for (let ti = 0; ti < s.threads.length; ti++) {
      const th = s.threads[ti];
      for (let k = 0; k < th.window.length; k++) {
        const seq = th.seqs[k];
        if (issued[ti][seq] !== undefined) continue;
        issued[ti][seq] = Math.max(now, startAt[ti]) + k * t.stepNs;
        delay[ti][seq] = draw(prog.threads[ti].code[th.window[k]].op);
      }
    }
  };
  noteIssued();

  for (let guard = 0; guard < 100_000; guard++) {
    const moves = m.enabled(s);
    if (moves.length === 0) break;
    let best = -1;
    let bestAt = Infinity;
    moves.forEach((tr, i) => {
      const th = s.threads[tr.thread];
      let at: number;
      if (tr.kind === 'perform') {
        const seq = th.seqs[tr.index];
        if (allowed[tr.thread][seq] === undefined) allowed[tr.thread][seq] = now;
        at = Math.max(issued[tr.thread][seq], allowed[tr.thread][seq]) + delay[tr.thread][seq];
      } else {
        const ins = prog.threads[tr.thread].code[th.pc];
        // Taking a doorbell: it must have arrived. A branch on host_ipi == 1 is the exit to the host.
        at = ins.op === Op.TakeDoorbell ? doorbellAt[tr.thread] : now + t.guestExitNs;
      }
      if (at < bestAt) {
        bestAt = at;
        best = i;
      }
    });
    if (best < 0 || bestAt === Infinity) break;
    now = Math.max(now, bestAt);
    const tr = moves[best];
    const res = m.apply(s, tr);
    for (const e of res.events) {
      const ins = prog.threads[e.thread].code[e.pc];
      if (e.kind === 'perform' && ins.op === Op.Msgsnd) doorbellAt[ins.target] = Math.min(doorbellAt[ins.target], now + t.deliveryNs);
      if (e.kind === 'control' && ins.op === Op.TakeDoorbell) doorbellAt[e.thread] = Infinity;
      if (e.kind === 'perform' && ins.op === Op.Xchg) lastHandlerEnd = now;
    }
    s = res.state;
    noteIssued();
  }
  const lostKinds = lostMessages(prog, setup, s, m);
  const lost = senders.map((x, i) => (x.msg !== 'KICK' && lostKinds.includes(x.msg) ? i : -1)).filter((i) => i >= 0);
  return { lost, span: lastHandlerEnd + origin };
}
