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
 *     so an execution with one has the same final state as the execution without it.
 * Each prune removes only executions whose final state is not a loss; the check that remains is
 * the full ppc.cat consistency of what is left (docs: memory-model/README.md).
 */
import { compile, enumerateExecutions, type AxiomaticStats, type Execution } from '../memory-model';
import type { Barriers } from './fabric';
import { doorbellLoc, handshakeProgram, hostIpiLoc, type HandshakeSetup, type Message, messageOf, queueLoc, queueOf, SEED_SETUP } from './handshake';

/** How the target handled its last doorbell in a losing execution. */
export type LossPattern =
  /** host_ipi read 1: it exited and ran the demux, which did not see the message (the sender's message store came late). */
  | 'demux-missed-message'
  /** host_ipi read 0: it re-entered the guest (its own clear of host_ipi came after the sender's set). */
  | 'doorbell-ignored';

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
  for (const s of setup.senders) {
    const q = queueOf(s.kind);
    if (q) queued.set(queueLoc(setup.target, q), messageOf(s.kind)!);
  }
  for (const [qName, msg] of queued) {
    const q = prog.locs.indexOf(qName);
    const st = enumerateExecutions(
      prog,
      (x) => {
        const pattern = lastDoorbellPattern(x, doorbell, hostIpi);
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

/** The value of host_ipi the target read after taking its last doorbell (thread 0's last host_ipi read). */
function lastDoorbellPattern(x: Execution, doorbell: number, hostIpi: number): LossPattern {
  let last = -1;
  x.events.forEach((e, i) => {
    if (e.thread === 0 && !e.write && e.loc === hostIpi) last = i;
  });
  if (last < 0) throw new Error(`a losing execution in which the target took no doorbell (doorbell location ${doorbell})`);
  return x.values[last] === 1 ? 'demux-missed-message' : 'doorbell-ignored';
}
