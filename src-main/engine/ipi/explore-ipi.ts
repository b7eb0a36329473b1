/**
 * `twb explore ipi`: every execution of the handshake between the target CPU and two senders
 * that POWER allows (the axiomatic ppc.cat model, memory-model/axiomatic.ts), under one kernel
 * variant. An IPI is lost when, in the final state:
 *   - every sender has finished (each rang its doorbell, or sent nothing because the queue it
 *     added to was not empty),
 *   - the target is back in the guest, blocked at its doorbell with none pending (every doorbell
 *     rung was taken and no further one is coming), and
 *   - work a sender queued is still queued: the call_single_queue (a CALL_FUNCTION's csd, its
 *     sender spins in csd_lock_wait) or the wake_list (a RESCHEDULE's woken task).
 * That is the mechanism of the seed; nothing here looks for its particular interleavings.
 *
 * The loss condition is pushed into the enumeration (each prune drops only executions whose
 * final state is not a loss; memory-model/README.md argues each):
 *   - target paths that do not end blocked at the doorbell, sender paths that do not finish;
 *   - coherence orders whose last write gives the doorbell a non-zero or the queue a zero final
 *     value (a location's final value is its coherence-last write's);
 *   - stwcx. failures: every stwcx. here is in a retry loop, and a failed attempt writes nothing;
 *   - paths needing more foreign non-zero writes than the other threads make.
 * Each losing execution is named by the CPUs whose reordering it needs (`reorderedOn`: the
 * minimal sets of CPUs that must run out of program order for it to stay consistent; the others
 * get a sync between each two accesses), and one per (lost work, CPUs) is replayed on the
 * operational machine (the timed episodes' model) to print its interleaving.
 */
import { compile, consistentWithFences, enumerateExecutions, formatWitness, Machine, ModelBoundError, replayExecution, type Execution, type MachineState, type Program } from '../memory-model';
import { concat } from '../memory-model/mixed';
import type { Barriers } from './fabric';
import { doorbellLoc, handshakeProgram, type HandshakeSetup, type Message, type MessagesEncoding, messageOf, queueLoc, queueOf, RUN_MESSAGES, SEED_SETUP } from './handshake';
import { stuckSenders, type CompiledEpisode } from './episode';

export interface IpiWitness {
  /** The messages lost in this outcome. */
  lost: Message[];
  /** CPUs whose accesses take effect out of program order in this execution (a minimal set). */
  reorderedOn: string[];
  /** The seed's column-style trace (the execution replayed on the POWER machine). */
  text: string;
}

export interface IpiExploreResult {
  lostIpiReachable: boolean;
  witnesses: IpiWitness[];
  /** Candidate executions (rf × co over the kept paths) checked against ppc.cat. */
  candidates: number;
  /** Consistent executions that lose work. */
  losingExecutions: number;
}

/** Losing executions kept per shape to replay, and the machine states each replay may visit. */
const REPLAY_TRIES = 4;
const REPLAY_STATES = [2_000, 20_000];

export interface ExploreIpiOptions {
  /** Replay a losing execution of each shape on the POWER machine for its `text` (default true; false leaves it ''). */
  witnessText?: boolean;
  /** Stop at the first losing execution (`lostIpiReachable` only: one witness, counts partial). */
  firstLoss?: boolean;
  /**
   * The messages word as the kernel's one word (default, RUN_MESSAGES: what the timed episodes
   * run; mixed-size, the machine replays it too) or as one location per byte (handshake.ts).
   */
  messages?: MessagesEncoding;
}

/** Thrown through the enumerator to stop it at the first loss. */
class Found extends Error {}

export function exploreIpi(b: Barriers, setup: HandshakeSetup = SEED_SETUP, opts: ExploreIpiOptions = {}): IpiExploreResult {
  const encoding = opts.messages ?? RUN_MESSAGES;
  const src = handshakeProgram(b, setup, encoding).src;
  const prog = compile(src);
  const names = prog.threads.map((t) => t.name);
  const doorbell = prog.locs.indexOf(doorbellLoc(setup.target));
  const queues = new Map<number, Message>();
  setup.senders.forEach((s) => {
    const q = queueOf(s.kind);
    if (q) queues.set(prog.locs.indexOf(queueLoc(setup.target, q)), messageOf(s.kind)!);
  });
  /** Per (lost, CPUs): the first executions with that shape (the witness is the first that replays). */
  const shapes = new Map<string, { lost: Message[]; cpus: number[]; xs: Execution[] }>();
  let candidates = 0;
  const losing = new Set<string>();
  for (const q of queues.keys()) {
    if (opts.firstLoss && shapes.size > 0) break;
    let st: ReturnType<typeof enumerateExecutions>;
    try {
    st = enumerateExecutions(
      prog,
      (x) => {
        const lost = [...new Set([...queues].filter(([l]) => x.memory[l] !== 0).map(([, msg]) => msg))].sort();
        losing.add(`${x.paths.map((p) => p.events.map((e) => e.pc).join('.')).join()}|${Array.from(x.rf).join()}|${x.co.map((c) => c.join()).join('/')}`);
        const reorderings = minimalReorderings(prog, x);
        for (const cpus of reorderings) {
          const key = `${lost.join('+')}|${cpus.join(',')}`;
          const shape = shapes.get(key) ?? { lost, cpus, xs: [] };
          shapes.set(key, shape);
          // The enumerator reuses rf and co for the next candidate: keep a copy. An execution that
          // needs exactly this reordering draws the shape best: first.
          const copy = { ...x, rf: x.rf.slice(), co: x.co.map((c) => c.slice()) };
          if (reorderings.length === 1) shape.xs.unshift(copy);
          else shape.xs.push(copy);
          shape.xs.length = Math.min(shape.xs.length, REPLAY_TRIES);
        }
        if (opts.firstLoss) throw new Found();
      },
      {
        stwcxFailure: false,
        pruneByWriteCount: true,
        keepPath: (t, p) => (t === 0 ? p.blockedLoc === doorbell : p.blockedAt < 0),
        finalValue: (l, v) => (l === doorbell ? v === 0 : l === q ? v !== 0 : true),
      },
    );
    } catch (e) {
      if (e instanceof Found) break;
      throw e;
    }
    candidates += st.candidates;
  }
  // Keep the shapes whose set of reordering CPUs is minimal for their lost messages.
  const all = [...shapes.values()];
  const minimal = all.filter((o) => !all.some((p) => p !== o && p.lost.join() === o.lost.join() && p.cpus.length < o.cpus.length && p.cpus.every((c) => o.cpus.includes(c))));
  const episode = opts.witnessText === false ? null : episodeOf(prog, setup);
  const witnesses = minimal
    .map((o) => ({ lost: o.lost, reorderedOn: o.cpus.map((t) => names[t]).sort(), text: episode ? witnessText(episode, o.xs, o.lost) : '' }))
    .sort((a, c) => a.lost.join().localeCompare(c.lost.join()) || a.reorderedOn.join().localeCompare(c.reorderedOn.join()));
  return { lostIpiReachable: witnesses.length > 0, witnesses, candidates, losingExecutions: losing.size };
}

/**
 * The minimal sets of threads that must run out of program order for `x` to be consistent: the
 * sets S such that `x` stays consistent with a sync between every two accesses of every thread
 * outside S, and of no proper subset.
 */
function minimalReorderings(prog: Program, x: Execution): number[][] {
  const n = prog.threads.length;
  const found: number[][] = [];
  for (let size = 0; size <= n; size++) {
    for (let mask = 0; mask < 1 << n; mask++) {
      if (popCount(mask) !== size) continue;
      if (found.some((f) => f.every((t) => mask & (1 << t)))) continue;
      if (consistentWithFences(prog, x, (t) => (mask & (1 << t)) === 0)) found.push(bits(mask, n));
    }
  }
  return found;
}

const popCount = (m: number): number => (m === 0 ? 0 : (m & 1) + popCount(m >>> 1));
const bits = (m: number, n: number): number[] => [...Array(n).keys()].filter((t) => m & (1 << t));

function episodeOf(prog: Program, setup: HandshakeSetup): CompiledEpisode {
  return {
    prog,
    machine: new Machine(prog),
    setup,
    costs: [],
    queueLocs: setup.senders.map((s) => {
      const q = queueOf(s.kind);
      return q ? prog.locs.indexOf(queueLoc(setup.target, q)) : -1;
    }),
    doorbell: prog.locs.indexOf(doorbellLoc(setup.target)),
  };
}

function witnessText(c: CompiledEpisode, xs: readonly Execution[], lost: Message[]): string {
  const want = lost.join('+');
  const accept = (s: MachineState): boolean => [...new Set(stuckSenders(c, s).map((i) => messageOf(c.setup.senders[i].kind)!))].sort().join('+') === want;
  // A quick try of each execution first (some need far more machine states than others), then a longer one.
  for (const bound of REPLAY_STATES) {
    for (const x of xs) {
      try {
        const path = replayExecution(c.prog, x, accept, bound);
        if (path) return witnessLines(c, formatWitness(c.prog, path.events, path.state.storage), lost);
      } catch (e) {
        if (!(e instanceof ModelBoundError)) throw e;
      }
    }
  }
  return witnessLines(c, executionText(c.prog, xs[0]), lost);
}

function witnessLines(c: CompiledEpisode, listing: string, lost: Message[]): string {
  const lines = ['CPU', listing];
  const target = c.setup.target;
  for (const snd of c.setup.senders) {
    const msg = messageOf(snd.kind);
    if (!msg || !lost.includes(msg)) continue;
    lines.push(
      msg === 'CALL_FUNCTION'
        ? `${snd.cpu}: // hangs waiting on ${target} to process messages/call_single_queue`
        : `${snd.cpu}: // the task it woke stays on ${target}'s wake_list, not running`,
    );
  }
  return lines.join('\n');
}

/**
 * When no machine path was found within the replay bound: the execution itself, each CPU's
 * accesses in program order with the store each load read (by CPU and label). An access to a mixed
 * location is one event per segment in the execution: it is listed once, its value composed and
 * every store it read a segment of named.
 */
export function executionText(prog: Program, x: Execution): string {
  /** The events of the access that starts at event i (one, unless its location is mixed). */
  const partsOf = (i: number): number[] => {
    const out = [i];
    if (x.events[i].from < 0) return out;
    for (let j = i + 1; j < x.events.length && x.events[j].thread === x.events[i].thread && x.events[j].index === x.events[i].index; j++) out.push(j);
    return out;
  };
  const valueOf = (i: number): number => {
    if (x.events[i].from < 0) return x.values[i];
    const ps = partsOf(i);
    return concat(
      ps.map((j) => x.values[j]),
      ps.map((j) => x.events[j].len),
      () => `an access to ${prog.locs[x.events[i].loc]}`,
    );
  };
  /** The first event of the access event i is part of. */
  const first = (i: number): number => {
    let j = i;
    while (x.events[j].from > 0) j--;
    return j;
  };
  const text = (i: number): string => {
    const e = x.events[i];
    const label = prog.threads[e.thread].code[e.pc].label;
    const v = valueOf(i);
    const name = `${prog.locs[e.loc]} ${e.write ? '=' : '=='} ${v}`;
    return typeof label === 'function' ? label(v) : label || name;
  };
  const lines = ['// (no interleaving of the POWER machine found within the replay bound: the execution, per CPU in program order)'];
  x.events.forEach((e, i) => {
    if (e.from > 0) return; // a later segment of an access listed at its first
    if (e.write && !prog.threads[e.thread].code[e.pc].label) return;
    const sources = e.write ? [] : [...new Set(partsOf(i).map((j) => x.rf[j]))];
    const from = sources
      .map((w) => (w < 0 ? 'the initial value' : x.events[w].thread === e.thread ? '' : `${prog.threads[x.events[w].thread].name}'s ${text(first(w))}`))
      .filter((t) => t !== '');
    lines.push(`${prog.threads[e.thread].name}: ${text(i)}${from.length > 0 ? ` // reads ${from.join(' and ')}` : ''}`);
  });
  return lines.join('\n');
}
