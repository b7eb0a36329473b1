/**
 * Stop conditions (`--until`): a run that should end at the moment something happens rather
 * than at its duration. A condition is met by the first trace record of its kind; the
 * simulation then halts the queue, so the run ends right after the event that met it — the
 * queue checks between events, so where a run ends depends only on the trace, never on how a
 * driver splits the run into chunks of simulated time.
 *
 * To add a condition (e.g. `first-lost-ipi` on `ipi.lost`), add a row here; drivers read
 * `Simulation.untilMet` to tell "ended by the condition" from "reached its duration".
 */
export interface UntilCondition {
  readonly name: string;
  /** What the user reads in `--help` and the docs. */
  readonly doc: string;
  /** The trace record kind whose first emission meets the condition. */
  readonly traceKind: string;
}

export const UNTIL_CONDITIONS: readonly UntilCondition[] = [
  // The soft-lockup watchdog's report (kernel/watchdog.c watchdog_timer_fn): "watchdog: BUG: soft lockup".
  { name: 'first-soft-lockup', doc: 'the soft-lockup watchdog reports its first lockup (watchdog: BUG: soft lockup - CPU#N stuck for Ns!)', traceKind: 'lockup.soft' },
];

/** When and by what a run was ended early. */
export interface UntilMet {
  condition: string;
  /** Simulated time of the event that met the condition, integer ns. */
  tNs: number;
}

/** The condition named `name`, or an error naming the known ones. */
export function untilCondition(name: string): UntilCondition {
  const c = UNTIL_CONDITIONS.find((u) => u.name === name);
  if (!c) throw new Error(`until: expected one of ${UNTIL_CONDITIONS.map((u) => u.name).join(', ')}, got ${JSON.stringify(name.slice(0, 80))}`);
  return c;
}
