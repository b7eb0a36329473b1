/**
 * Stop conditions (`--until`): a run that should end at the moment something happens rather
 * than at its duration. A condition is met by the first trace record of its kind; the
 * simulation then halts the queue, so the run ends right after the event that met it — the
 * queue checks between events, so where a run ends depends only on the trace, never on how a
 * driver splits the run into chunks of simulated time.
 *
 * To add a condition, add its name to src-common/parse/until.ts (the renderer's toolbar offers
 * those) and a row here; drivers read `Simulation.untilMet` to tell "ended by the condition" from
 * "reached its duration". A simulated time (`--until 30m`) is the driver's, not a condition.
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
  // A handshake episode stranded a csd or a wakeup (ipi/power-fabric.ts strand()).
  { name: 'first-lost-ipi', doc: 'an IPI is lost: a handshake leaves a csd or a woken task queued with no IPI coming', traceKind: 'ipi.lost' },
  // rcu_sched self-detected stall (kernel/rcu/tree_stall.h print_cpu_stall).
  { name: 'first-rcu-stall', doc: 'RCU reports its first stall (rcu: INFO: rcu_sched self-detected stall on CPU)', traceKind: 'lockup.rcu' },
  // khungtaskd (kernel/hung_task.c check_hung_task).
  { name: 'first-hung-task', doc: 'khungtaskd reports its first hung task (INFO: task …:PID blocked for more than N seconds.)', traceKind: 'lockup.hung' },
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
