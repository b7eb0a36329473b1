/**
 * Prototype (not wired to `twb explore ipi` yet): the lost-IPI search on the POWER model through
 * the axiomatic enumerator (memory-model/axiomatic.ts) with the lost-IPI condition pushed into
 * the enumeration. A loss of the work on queue Q is a consistent execution whose final state has
 *   (a) the target blocked for good at its doorbell (its waiting load), which needs
 *   (b) the doorbell's final value 0, and every sender finished, and
 *   (c) Q's final value non-zero (work added by llist_add never taken by llist_del_all).
 * The enumeration drops, before any relation is built:
 *   - target paths that do not end blocked at the doorbell, and sender paths that do not finish
 *     (the final state of such an execution fails (a) or (b) whatever rf/co are);
 *   - coherence orders of the doorbell whose last write is not 0, and of Q whose last write is 0
 *     (the final value of a location is its coherence-last write's: such an execution fails (b)
 *     or (c) whatever the reads take);
 *   - stwcx. failures: every stwcx. here is in a retry loop, and a failed attempt writes nothing,
 *     so an execution with one has the same final state as the execution without it;
 *   - paths needing more foreign non-zero writes than the other threads make (axiomatic.ts,
 *     `pruneByWriteCount`, also applied to path prefixes while they are generated).
 * msgsnd is an atomic set of the pending doorbell (handshake.ts), so a doorbell taken from a
 * merged msgsnd is ordered after both senders' syncs, as the hardware's msgsync orders it.
 * Each prune removes only executions whose final state is not a loss; the check that remains is
 * the full ppc.cat consistency of what is left (docs: memory-model/README.md).
 */
import { compile, enumerateExecutions, type AxiomaticStats, type Execution } from '../memory-model';
import type { Barriers } from './fabric';
import { doorbellLoc, handshakeProgram, hostIpiLoc, type HandshakeSetup, type Message, messageOf, queueLoc, queueOf, SEED_SETUP } from './handshake';

/**
 * The seed's two sequences, told apart by what the target read of host_ipi:
 * `message-store-late` — it read the queuing sender's host_ipi = 1, so it exited and ran the
 * demux, which did not see that sender's message yet (the sender's two stores reached it out of
 * order; the legacy explorer's witness reordered on the sender); `clear-late` — it never read that
 * sender's host_ipi store: its own clear came after it in coherence and the sender's doorbell
 * found host_ipi 0 (the legacy witness reordered on the target).
 */
export type LossPattern = 'message-store-late' | 'clear-late';

export interface AxiomaticLoss {
  lost: Message;
  pattern: LossPattern;
  /** Number of consistent losing executions with this pattern. */
  executions: number;
}

export interface AxiomaticIpiResult {
  lostIpiReachable: boolean;
  losses: AxiomaticLoss[];
  /** Per queue searched: the enumerator's counts. */
  stats: { queue: string; stats: AxiomaticStats }[];
}

export function exploreIpiAxiomatic(b: Barriers, setup: HandshakeSetup = SEED_SETUP): AxiomaticIpiResult {
  const prog = compile(handshakeProgram(b, setup).src);
  const doorbell = prog.locs.indexOf(doorbellLoc(setup.target));
  const hostIpi = prog.locs.indexOf(hostIpiLoc(setup.target));
  const found = new Map<string, AxiomaticLoss>();
  const stats: AxiomaticIpiResult['stats'] = [];
  const queued = new Map<string, Message>();
  /** Per queue, the threads of the senders that add to it. */
  const queuers = new Map<string, number[]>();
  setup.senders.forEach((s, i) => {
    const q = queueOf(s.kind);
    if (!q) return;
    const name = queueLoc(setup.target, q);
    queued.set(name, messageOf(s.kind)!);
    queuers.set(name, [...(queuers.get(name) ?? []), i + 1]);
  });
  for (const [qName, msg] of queued) {
    const q = prog.locs.indexOf(qName);
    const st = enumerateExecutions(
      prog,
      (x) => {
        const pattern = lossPattern(x, hostIpi, queuers.get(qName)!);
        const key = `${msg}|${pattern}`;
        const hit = found.get(key);
        if (hit) hit.executions++;
        else found.set(key, { lost: msg, pattern, executions: 1 });
      },
      {
        stwcxFailure: false,
        pruneByWriteCount: true,
        keepPath: (t, p) => (t === 0 ? p.blockedLoc === doorbell : p.blockedAt < 0),
        finalValue: (l, v) => (l === doorbell ? v === 0 : l === q ? v !== 0 : true),
      },
    );
    stats.push({ queue: qName, stats: st });
  }
  const losses = [...found.values()].sort((a, c) => a.lost.localeCompare(c.lost) || a.pattern.localeCompare(c.pattern));
  return { lostIpiReachable: losses.length > 0, losses, stats };
}

function lossPattern(x: Execution, hostIpi: number, queuers: number[]): LossPattern {
  const readSendersSet = x.events.some((e, i) => e.thread === 0 && !e.write && e.loc === hostIpi && x.rf[i] >= 0 && queuers.includes(x.events[x.rf[i]].thread));
  return readSendersSet ? 'message-store-late' : 'clear-late';
}
