/**
 * Exhaustive exploration: every interleaving of the threads and every reordering the model
 * allows, with states deduplicated by `Machine.key`. A final state is one where nothing can
 * happen any more; each distinct final outcome gets one witness path.
 *
 * The search is a uniform-cost search (a bucket queue over small integer costs): a step costs
 * nothing when it performs the oldest pending operation of its thread, and otherwise 1 for
 * each older store it overtakes and 2 for each older load. Every state is first reached along
 * a path with the fewest (preferably store) deferrals, so witnesses show only the reorderings
 * the outcome needs, in the seed's "store deferred" form where one exists.
 */
import { Machine, type MachineEvent, type MachineState } from './machine';
import type { Program } from './program';

export interface FinalOutcome {
  /** The outcome's key (from `outcomeOf`). */
  key: string;
  state: MachineState;
  /** The path tag (see `ExploreOptions.tagOf`) of the witness. */
  tag: string;
  /** Every event on the witness path, in order. */
  witness: MachineEvent[];
  /** The witness path's reordering cost (see above); 0 = sequentially consistent. */
  reorderings: number;
}

export interface ExploreResult {
  outcomes: FinalOutcome[];
  /** Distinct search nodes (machine state × path tag) visited. */
  statesExplored: number;
}

export interface ExploreOptions {
  /** Groups final states; default: the whole final state (memory and registers). */
  outcomeOf?: (s: MachineState, tag: string) => string;
  /**
   * Optional path summary kept apart per search node (e.g. which threads reordered), so that
   * outcomes can be told apart by how they were reached. Default: none.
   */
  tagOf?: (tag: string, events: readonly MachineEvent[]) => string;
  /** Safety valve against runaway programs. */
  maxStates?: number;
}

interface Node {
  state: MachineState;
  tag: string;
  cost: number;
  parent: string | null;
  events: MachineEvent[];
}

export function explore(prog: Program, opts: ExploreOptions = {}): ExploreResult {
  const m = new Machine(prog);
  const outcomeOf = opts.outcomeOf ?? ((s: MachineState) => m.key(s));
  const tagOf = opts.tagOf ?? (() => '');
  const maxStates = opts.maxStates ?? 2_000_000;
  const nodes = new Map<string, Node>();
  const done = new Set<string>();
  const outcomes = new Map<string, FinalOutcome>();
  // Bucket queue: buckets[c] holds keys first reached at cost c (stale entries are skipped).
  const buckets: string[][] = [[]];
  let level = 0;

  const start = m.start();
  const startTag = tagOf('', start.events);
  const startKey = m.key(start.state) + '#' + startTag;
  nodes.set(startKey, { state: start.state, tag: startTag, cost: 0, parent: null, events: start.events });
  buckets[0].push(startKey);

  const witness = (key: string): MachineEvent[] => {
    const chain: MachineEvent[][] = [];
    for (let k: string | null = key; k !== null; k = nodes.get(k)!.parent) chain.push(nodes.get(k)!.events);
    return chain.reverse().flat();
  };

  for (;;) {
    while (level < buckets.length && buckets[level].length === 0) level++;
    if (level >= buckets.length) break;
    const key = buckets[level].pop()!;
    if (done.has(key)) continue;
    done.add(key);
    if (done.size > maxStates) throw new Error(`exploration exceeded ${maxStates} states`);
    const node = nodes.get(key)!;
    const moves = m.enabled(node.state);
    if (moves.length === 0) {
      const o = outcomeOf(node.state, node.tag);
      if (!outcomes.has(o)) outcomes.set(o, { key: o, state: node.state, tag: node.tag, witness: witness(key), reorderings: node.cost });
      continue;
    }
    for (const tr of moves) {
      const { state, events } = m.apply(node.state, tr);
      let step = 0;
      for (const e of events) step += e.overtook;
      const tag = tagOf(node.tag, events);
      const k = m.key(state) + '#' + tag;
      if (done.has(k)) continue;
      const cost = node.cost + step;
      const old = nodes.get(k);
      if (old && old.cost <= cost) continue;
      nodes.set(k, { state, tag, cost, parent: key, events });
      while (buckets.length <= cost) buckets.push([]);
      buckets[cost].push(k);
    }
  }
  return { outcomes: [...outcomes.values()], statesExplored: done.size };
}
