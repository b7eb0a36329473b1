import type { WwTicket } from './reservation';

/**
 * Deadlock detector over the wait-for graph. A sleeping ticket has one edge: to the holder of
 * the object it sleeps on. Each ticket sleeps on at most one object, so the graph is a
 * functional graph and a cycle can only close when a ticket goes to sleep: following the
 * edges from that ticket back to itself is a deadlock. Woken tickets (including wounded ones
 * whose wake-up is pending) have no edge, so transient conflicts are not counted.
 */
export class DeadlockDetector {
  deadlocks = 0;
  /** Owners of the tickets in each cycle found, in wait order. */
  readonly cycles: string[][] = [];

  /** `onDeadlock` runs when a cycle is found, with its tickets in wait order. */
  constructor(private readonly onDeadlock?: (cycle: WwTicket[]) => void) {}

  /** Call right after `t` went to sleep; returns the cycle through `t`, if any. */
  onSleep(t: WwTicket): WwTicket[] | null {
    const cycle = findCycleThrough(t);
    if (cycle) {
      this.deadlocks++;
      this.cycles.push(cycle.map((c) => c.owner));
      this.onDeadlock?.(cycle);
    }
    return cycle;
  }
}

/** The wait-for cycle through `t` (t, holder of what t waits on, …), or null. */
export function findCycleThrough(t: WwTicket): WwTicket[] | null {
  const path: WwTicket[] = [t];
  const seen = new Set<WwTicket>(path);
  let cur = t.sleepingOn?.holder ?? null;
  while (cur) {
    if (cur === t) return path;
    if (seen.has(cur)) return null; // a cycle that does not pass through t (already counted)
    seen.add(cur);
    path.push(cur);
    cur = cur.sleepingOn?.holder ?? null;
  }
  return null;
}
