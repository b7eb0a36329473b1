/**
 * `twb explore ipi`: every interleaving and reordering of the handshake between the target CPU
 * and two senders, under one kernel variant. An IPI is lost when, in a final state (nothing
 * can happen any more):
 *   - every sender has finished (each rang its doorbell, or sent nothing because the queue it
 *     added to was not empty),
 *   - the target is back in the guest, waiting for a doorbell, with none pending (so every
 *     doorbell rung was consumed and no further one is coming), and
 *   - work a sender queued is still queued: the call_single_queue (a CALL_FUNCTION's csd, its
 *     sender spins in csd_lock_wait) or the wake_list (a RESCHEDULE's woken task) was never
 *     emptied by llist_del_all after it was added to.
 * That is the mechanism of the seed; nothing here looks for its particular interleavings.
 */
import { compile, explore, formatWitness, Machine, type MachineEvent, type MachineState, type Program } from '../memory-model/legacy';
import type { Barriers } from './fabric';
import { handshakeProgram, type HandshakeSetup, type Message, queueLoc, queueOf, messageOf, SEED_SETUP } from './handshake';
import { mcaForm } from './mca-form';

export interface IpiWitness {
  /** The messages lost in this outcome. */
  lost: Message[];
  /** CPUs that performed an operation out of program order on this path. */
  reorderedOn: string[];
  /** The seed's column-style trace. */
  text: string;
}

export interface IpiExploreResult {
  lostIpiReachable: boolean;
  witnesses: IpiWitness[];
  statesExplored: number;
  /** Distinct final outcomes, losing or not. */
  outcomes: number;
}

export function exploreIpi(b: Barriers, setup: HandshakeSetup = SEED_SETUP): IpiExploreResult {
  const prog = compile(mcaForm(handshakeProgram(b, setup).src));
  const lostIn = (s: MachineState): Message[] => lostMessages(prog, setup, s);
  const names = prog.threads.map((t) => t.name);
  const result = explore(prog, {
    // The path tag: which CPUs reordered so far (one witness per loss and reordering pattern).
    tagOf: (tag, events) => {
      const set = new Set(tag ? tag.split(',') : []);
      for (const e of events) if (e.overtook) set.add(names[e.thread]);
      return [...set].sort().join(',');
    },
    outcomeOf: (s, tag) => {
      const lost = lostIn(s);
      return lost.length === 0 ? 'delivered' : `${lost.join('+')}|${tag}`;
    },
  });
  const losing = result.outcomes.filter((o) => o.key !== 'delivered');
  // Keep the outcomes whose set of reordering CPUs is minimal for their lost messages.
  const minimal = losing.filter((o) => {
    const [lost, tag] = o.key.split('|');
    const mine = new Set(tag.split(','));
    return !losing.some((p) => {
      const [plost, ptag] = p.key.split('|');
      const theirs = ptag.split(',');
      return p !== o && plost === lost && theirs.length < mine.size && theirs.every((c) => mine.has(c));
    });
  });
  const witnesses = minimal
    .map((o) => {
      const lost = lostIn(o.state);
      return { lost, reorderedOn: o.tag ? o.tag.split(',') : [], text: witnessText(prog, setup, o.witness, lost) };
    })
    .sort((a, b) => a.lost.join().localeCompare(b.lost.join()) || a.reorderedOn.join().localeCompare(b.reorderedOn.join()));
  return { lostIpiReachable: witnesses.length > 0, witnesses, statesExplored: result.statesExplored, outcomes: result.outcomes.length };
}

/** The kinds of work left queued for ever in a final state, by the mechanism above. */
export function lostMessages(prog: Program, setup: HandshakeSetup, s: MachineState, m = new Machine(prog)): Message[] {
  if (m.enabled(s).length > 0) throw new Error('lostMessages: not a final state');
  const target = s.threads[0];
  const targetWaiting = target.window.length === 0 && target.pc === 0 && s.doorbell[0] === 0;
  const sendersDone = setup.senders.every((_, i) => s.threads[i + 1].window.length === 0 && s.threads[i + 1].pc >= prog.threads[i + 1].code.length);
  if (!targetWaiting || !sendersDone) return [];
  const lost: Message[] = [];
  for (const snd of setup.senders) {
    const q = queueOf(snd.kind);
    const msg = messageOf(snd.kind);
    if (!q || !msg || lost.includes(msg)) continue;
    if (s.mem[prog.locs.indexOf(queueLoc(setup.target, q))] !== 0) lost.push(msg);
  }
  return lost;
}

function witnessText(prog: Program, setup: HandshakeSetup, events: MachineEvent[], lost: Message[]): string {
  const lines = ['CPU', formatWitness(prog, events)];
  for (const snd of setup.senders) {
    const msg = messageOf(snd.kind);
    if (!msg || !lost.includes(msg)) continue;
    lines.push(
      msg === 'CALL_FUNCTION'
        ? `${snd.cpu}: // hangs waiting on ${setup.target} to process messages/call_single_queue`
        : `${snd.cpu}: // the task it woke stays on ${setup.target}'s wake_list, not running`,
    );
  }
  return lines.join('\n');
}
