/**
 * What a lost IPI keeps of the handshake episode that lost it (issue 16, "the interleaving that
 * lost it"): the operations of the target and of every sender in the order they performed,
 * which stores were deferred past later operations of their own CPU, and where the barriers
 * were — rendered in the seed's column style with the run's own CPU numbers — and the
 * exhaustive explorer's witness of the same shape, so the user can reproduce it with
 * `twb explore ipi`.
 *
 * The events are the timed episode's (episode.ts `onEvent`), on the program of the same
 * handshake; the text comes from the same renderer as the explorer's witnesses, on the program
 * compiled with the real CPU names (names change labels only, never the program's shape, so the
 * events replay on it unchanged). The events are the POWER machine's (memory-model/machine.ts)
 * and the renderer memory-model/render.ts.
 */
import { compile, witnessLines, type MachineEvent } from '../memory-model';
import type { Storage } from '../memory-model/storage';
import type { Barriers } from './fabric';
import { exploreIpi, type IpiExploreResult } from './explore-ipi';
import { handshakeProgram, messageOf, variantOf, type HandshakeSetup, type Message, type SenderKind } from './handshake';

export interface EpisodeLine {
  /** The CPU that ran it (`42`, `105`, `X` when the run does not know the sender's CPU). */
  cpu: string;
  text: string;
  /** `deferred`: where program order put an operation that took effect later; `completes`: where it did. */
  mark?: 'deferred' | 'completes';
  access: 'LOAD' | 'STORE' | 'OTHER';
}

/** The explorer's witness of the same shape: same lost work, reordering on the same CPUs. */
export interface EpisodeWitness {
  /** The command that prints it, e.g. `twb explore ipi --barriers none`. */
  command: string;
  /** Its number in that command's output (`witness N`). */
  index: number;
  reorderedOn: string[];
  /**
   * 1 when this is the seed's first sequence (the CALL_FUNCTION sender's message store deferred).
   * Never 2: the seed's second sequence (the target's clear of host_ipi deferred past the demux)
   * is not a POWER execution of Linux 5.3's code, whose demux xchg is fully ordered — every loss
   * the explorer finds, in every variant and pair, needs only the losing sender to reorder
   * (docs/models/ipi.md). Runs stored by older builds may still carry 2 (src-common RunLostIpi).
   */
  seedSequence: 1 | null;
}

export interface EpisodeRecord {
  variant: string;
  target: number;
  senders: { cpu: string; kind: SenderKind; atNs: number }[];
  /** Indices into `senders` whose queued work was left stuck. */
  stuck: number[];
  lines: EpisodeLine[];
  /** The seed's column style, ready to print. */
  text: string;
  /** The deferred operations (`105: message[CALL_FUNCTION] = 1`), in the order they were deferred. */
  deferred: string[];
  witness: EpisodeWitness | null;
}

/**
 * The episode's operations with the run's CPU names (thread 0 the target, then the senders);
 * `storage`, the one the episode ended with, lists stores to one location in coherence order.
 */
export function linesOf(b: Barriers, setup: HandshakeSetup, events: readonly MachineEvent[], storage: Storage): EpisodeLine[] {
  const prog = compile(handshakeProgram(b, setup).src);
  return witnessLines(prog, events, storage).map((l) => ({ cpu: l.thread, text: l.text, access: l.access, ...(l.mark ? { mark: l.mark } : {}) }));
}

/** The seed's text form: a deferred operation drawn `--` where it was issued, `->` where it completed, `|` between. */
export function columnText(lines: readonly EpisodeLine[]): string {
  const out: string[] = ['CPU'];
  let open = 0;
  const kind = (l: EpisodeLine) => (l.access === 'LOAD' ? 'LOAD' : 'STORE');
  for (const l of lines) {
    if (l.mark === 'deferred') {
      out.push(`${open > 0 ? '| ' : ''}// ${kind(l)} DEFERRED DUE TO RE-ORDERING`, `${open > 0 ? '|' : ''}--${l.cpu}: ${l.text}`);
      open++;
    } else if (l.mark === 'completes') {
      out.push(`| // RE-ORDERED ${kind(l)} COMPLETES`);
      open--;
      out.push(`${open > 0 ? '|' : ''}->${l.cpu}: ${l.text}`);
    } else out.push(`${open > 0 ? '| ' : ''}${l.cpu}: ${l.text}`);
  }
  return out.join('\n');
}

/** The names `twb explore ipi` gives the target and its two senders. */
const CLI_TARGET = '42';
const CLI_SENDERS = ['X', '105'];
const SEED_KINDS: readonly SenderKind[] = ['RESCHEDULE', 'CALL_FUNCTION'];

const explored = new Map<string, IpiExploreResult>();
function explore(b: Barriers, kinds: readonly SenderKind[]): IpiExploreResult {
  const key = `${variantOf(b)}:${kinds.join(',')}`;
  let r = explored.get(key);
  if (!r) {
    r = exploreIpi(b, { target: CLI_TARGET, senders: kinds.map((kind, i) => ({ cpu: CLI_SENDERS[i], kind })) }, { witnessText: false });
    explored.set(key, r);
  }
  return r;
}

/**
 * The explorer's witness with the same lost messages whose reordering CPUs (by role: target,
 * first sender, second sender) are among the episode's. Only two-sender episodes have one (the
 * explorer's setup); the fast fabric's episodes always have two.
 */
export function matchWitness(b: Barriers, kinds: readonly SenderKind[], lost: readonly Message[], reorderedRoles: ReadonlySet<number>): EpisodeWitness | null {
  if (kinds.length !== 2) return null;
  const r = explore(b, kinds);
  const names = [CLI_TARGET, ...CLI_SENDERS];
  const mine = new Set([...reorderedRoles].map((i) => names[i]));
  const want = [...lost].sort().join();
  const i = r.witnesses.findIndex((w) => [...w.lost].sort().join() === want && w.reorderedOn.every((c) => mine.has(c)));
  if (i < 0) return null;
  const w = r.witnesses[i];
  const isSeedPair = kinds.join() === SEED_KINDS.join();
  const cfSender = CLI_SENDERS[kinds.findIndex((k) => messageOf(k) === 'CALL_FUNCTION')];
  // The seed's first sequence: the lost CALL_FUNCTION's sender alone reorders (its message store deferred).
  const seedSequence = lost.includes('CALL_FUNCTION') && w.reorderedOn.length === 1 && w.reorderedOn[0] === cfSender ? 1 : null;
  return {
    command: `twb explore ipi --barriers ${variantOf(b)}${isSeedPair ? '' : ` --senders ${kinds.join(',')}`}`,
    index: i + 1,
    reorderedOn: w.reorderedOn,
    seedSequence,
  };
}

/**
 * The record of one episode that stranded work: `names` are the target's and each sender's CPU
 * (as the run knows them), `events` every operation in performed order, `storage` the storage
 * the episode ended with (its coherence order).
 */
export function recordEpisode(
  b: Barriers,
  target: number,
  senders: readonly { cpu: string; kind: SenderKind; atNs: number }[],
  stuck: readonly number[],
  events: readonly MachineEvent[],
  storage: Storage,
): EpisodeRecord {
  // Thread names must be distinct: two IPIs from one CPU (or from unknown CPUs) get primes.
  const seen = new Set([String(target)]);
  const distinct = (cpu: string): string => {
    let name = cpu;
    while (seen.has(name)) name += "'";
    seen.add(name);
    return name;
  };
  const setup: HandshakeSetup = { target: String(target), senders: senders.map((s) => ({ cpu: distinct(s.cpu), kind: s.kind })) };
  const lines = linesOf(b, setup, events, storage);
  const tail = stuck.map((i) => {
    const s = senders[i];
    return messageOf(s.kind) === 'CALL_FUNCTION'
      ? `${s.cpu}: // hangs waiting on ${target} to process messages/call_single_queue`
      : `${s.cpu}: // the task it woke stays on ${target}'s wake_list, not running`;
  });
  // The CPUs (by role: target, senders) with an operation that took effect after a later one of their own.
  const names = [setup.target, ...setup.senders.map((x) => x.cpu)];
  const roles = new Set<number>();
  for (const l of lines) if (l.mark === 'deferred') roles.add(names.indexOf(l.cpu));
  const lost = [...new Set(stuck.map((i) => messageOf(senders[i].kind)).filter((m): m is Message => m !== null))];
  return {
    variant: variantOf(b),
    target,
    senders: senders.map((s) => ({ ...s })),
    stuck: [...stuck],
    lines,
    text: [columnText(lines), ...tail].join('\n'),
    deferred: lines.filter((l) => l.mark === 'deferred').map((l) => `${l.cpu}: ${l.text}`),
    witness: matchWitness(b, senders.map((s) => s.kind), lost, roles),
  };
}
