/**
 * `twb explore ipi`: every interleaving and reordering of the handshake between the target CPU
 * and two senders, under one kernel variant. An IPI is lost when, in a final state (nothing
 * can happen any more):
 *   - its sender has finished (its msgsnd was performed, so its doorbell was rung),
 *   - the target is back in the guest, waiting for a doorbell, with none pending (so every
 *     doorbell rung was consumed and no further one is coming), and
 *   - the message word is still set: no demux ever read it.
 * That is the mechanism of the seed; nothing here looks for its particular interleavings.
 */
import { compile, explore, formatWitness, Machine, type MachineEvent, type MachineState, type Program } from '../memory-model/legacy';
import type { Barriers } from './fabric';
import { handshakeProgram, type HandshakeSetup, type Message, messageLoc, SEED_SETUP } from './handshake';

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
  const prog = compile(handshakeProgram(b, setup));
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

/** The messages lost in a final state, by the mechanism above. */
export function lostMessages(prog: Program, setup: HandshakeSetup, s: MachineState, m = new Machine(prog)): Message[] {
  if (m.enabled(s).length > 0) throw new Error('lostMessages: not a final state');
  const target = s.threads[0];
  const targetWaiting = target.window.length === 0 && target.pc === 0 && s.doorbell[0] === 0;
  const lost: Message[] = [];
  setup.senders.forEach((snd, i) => {
    if (snd.msg === 'KICK') return;
    const th = s.threads[i + 1];
    const finished = th.window.length === 0 && th.pc >= prog.threads[i + 1].code.length;
    const word = s.mem[prog.locs.indexOf(messageLoc(setup.target, snd.msg))];
    if (finished && targetWaiting && word === 1 && !lost.includes(snd.msg)) lost.push(snd.msg);
  });
  return lost;
}

function witnessText(prog: Program, setup: HandshakeSetup, events: MachineEvent[], lost: Message[]): string {
  const lines = ['CPU', formatWitness(prog, events)];
  for (const snd of setup.senders) {
    if (snd.msg === 'KICK' || !lost.includes(snd.msg)) continue;
    lines.push(
      snd.msg === 'CALL_FUNCTION'
        ? `${snd.cpu}: // hangs waiting on ${setup.target} to process messages/call_single_queue`
        : `${snd.cpu}: // message[${snd.msg}] stays set on ${setup.target}, unprocessed`,
    );
  }
  return lines.join('\n');
}
