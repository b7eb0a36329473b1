import type { EventHandle, EventHandler } from './event-queue';
import type { Simulation } from './simulation';

/**
 * Events that become void together: everything a model drew from one set of rates, say. When
 * the rates change it calls `cancelAll()`, which deschedules those still pending, and draws
 * again. (Instead of a generation counter that every event compares against.)
 */
export class EventGroup {
  private readonly live = new Set<EventHandle>();

  constructor(private readonly sim: Simulation) {}

  after(delay: number, priority: number, handler: EventHandler, label?: string): EventHandle {
    const h: EventHandle = this.sim.after(delay, priority, () => {
      this.live.delete(h);
      handler();
    }, label);
    this.live.add(h);
    return h;
  }

  at(time: number, priority: number, handler: EventHandler, label?: string): EventHandle {
    const h: EventHandle = this.sim.at(time, priority, () => {
      this.live.delete(h);
      handler();
    }, label);
    this.live.add(h);
    return h;
  }

  /** Events of the group still to run. */
  get size(): number {
    return this.live.size;
  }

  cancelAll(): void {
    for (const h of this.live) this.sim.cancel(h);
    this.live.clear();
  }
}
