import type { Simulation } from './simulation';

/**
 * Component lifecycle (gem5 SimObject): construct from params → connect to the components it
 * talks to → init its state → start (schedule its first events). reset returns it to the
 * state after init; snapshot returns plain data describing its current state.
 */
export interface Component {
  readonly name: string;
  connect?(sim: Simulation): void;
  init?(sim: Simulation): void;
  start?(sim: Simulation): void;
  reset?(): void;
  snapshot?(): unknown;
}
