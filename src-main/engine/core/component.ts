import type { Simulation } from './simulation';

/**
 * Component lifecycle (gem5 SimObject): construct from params → connect to the components it
 * talks to → init its state → start (schedule its first events), each driven by
 * `Simulation.start` over every component in the order they were added. snapshot returns plain
 * data describing its current state. There is no reset: a run starts again from a new
 * Simulation (same workspace + seed ⇒ same trace), which is simpler and cannot leave a stale
 * event behind.
 */
export interface Component {
  readonly name: string;
  connect?(sim: Simulation): void;
  init?(sim: Simulation): void;
  start?(sim: Simulation): void;
  snapshot?(): unknown;
}
