import type { ParamValues } from '../../engine/core';
import type { RunSummary } from '../../engine/run/build';
import type { Lockup, LostIpi } from '../../engine/ipi/fabric';
import type { TimelineBatch } from '../../engine/run/timeline';
import type { Workspace } from '../../../src-common/workspace';

/** What the run worker is asked to simulate. */
export interface RunRequest {
  workspace: Workspace;
  seed: number;
  durationNs: number;
  set?: ParamValues;
  /** `--until` / Run until (src-common/parse/until.ts): a condition name or a simulated time. */
  until?: string;
  /** At the until point: end the run there (`stop`, the CLI) or pause it (`pause`, the UI). */
  atUntil?: 'stop' | 'pause';
}

/** Cumulative figures at the end of one chunk of simulated time. */
export interface RunSample {
  tNs: number;
  /** Mean current busy fraction over host CPUs, 0..1. */
  busy: number;
  ipisSent: number;
  lostIpis: number;
  lockups: number;
  /** Exits so far per guest, all reasons summed. */
  exits: Record<string, number>;
}

/** A batched live update (at most 10 per second) for progress bars and the run view. */
export interface RunUpdate {
  simNs: number;
  durationNs: number;
  wallSeconds: number;
  paused: boolean;
  /** Per host CPU: state kind (idle/host/guest/spinning) and current busy fraction. */
  cpus: { state: string[]; busy: number[] };
  counters: { broadcasts: number; ipisSent: number; lostIpis: number; lockups: number; logLines: number };
  /** Kernel-log lines printed since the previous update (t in simulated seconds). */
  newLog: { t: number; text: string }[];
  /** Lockups detected since the previous update (run history records them as they happen). */
  newLockups?: Lockup[];
  /** Exits so far per guest, all reasons summed (run history samples exits/s from it). */
  guestExits?: Record<string, number>;
  /** Samples on a fixed simulated-time grid (duration / 1000) since the previous update (run history charts). */
  samples?: RunSample[];
  /** IPIs lost since the previous update, with their episodes. */
  newLosses?: LostIpi[];
  /** Per-CPU state changes since the previous update (engine/run/timeline.ts). */
  timeline?: TimelineBatch;
  /** The run is paused at its until point (atUntil 'pause'): which and when (simulated seconds). */
  stoppedAt?: { condition: string; t: number };
}

/** `start` builds the run (answered by `ready` or `error`); `go` then runs it. */
export type ToWorker = { type: 'start'; request: RunRequest } | { type: 'go' } | { type: 'pause' } | { type: 'resume' } | { type: 'cancel' };

export type FromWorker =
  /** The run is built: its workspace, parameters and workloads are valid. */
  | { type: 'ready' }
  | { type: 'update'; update: RunUpdate }
  | { type: 'done'; summary: RunSummary }
  /** The run could not even start (bad workspace, unknown parameter). */
  | { type: 'error'; message: string };
