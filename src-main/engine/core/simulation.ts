import type { Component } from './component';
import { EventQueue, type EventHandle, type EventHandler } from './event-queue';
import { KernelLog } from './kernel-log';
import { resolveParams, type ModelParams } from '../params';
import { Rng } from './prng';
import { Trace } from './trace';
import type { UntilCondition, UntilMet } from './until';

export interface SimulationOptions {
  seed: number;
  /** Default: every parameter at its default. */
  params?: ModelParams;
  traceKeep?: number;
}

/** The clock, queue, PRNG streams, trace and kernel log shared by the components of one run. */
export class Simulation {
  readonly queue = new EventQueue();
  readonly log = new KernelLog();
  readonly trace: Trace;
  readonly params: ModelParams;
  readonly seed: number;
  private readonly components: Component[] = [];
  private readonly streams = new Map<string, Rng>();
  private started = false;
  private stopReason: string | null = null;
  private met: UntilMet | null = null;

  constructor(opts: SimulationOptions) {
    this.seed = opts.seed;
    this.params = opts.params ?? resolveParams();
    this.trace = new Trace(opts.traceKeep);
  }

  get now(): number {
    return this.queue.now;
  }

  /** The named PRNG stream (one per subsystem or entity), created on first use. */
  rng(stream: string): Rng {
    let r = this.streams.get(stream);
    if (!r) this.streams.set(stream, (r = new Rng(this.seed, stream)));
    return r;
  }

  add<C extends Component>(c: C): C {
    if (this.started) throw new Error(`component '${c.name}' added after start`);
    this.components.push(c);
    return c;
  }

  /** connect → init → start, each over every component in the order they were added. */
  start(): void {
    if (this.started) return;
    for (const c of this.components) c.connect?.(this);
    for (const c of this.components) c.init?.(this);
    for (const c of this.components) c.start?.(this);
    this.started = true;
  }

  /** Schedules `handler` at absolute time `time` ns; the handle cancels it (`cancel`). */
  at(time: number, priority: number, handler: EventHandler, label?: string): EventHandle {
    return this.queue.schedule(time, priority, handler, label);
  }
  /** Schedules `handler` `delay` ns from now (rounded to whole ns); the handle cancels it. */
  after(delay: number, priority: number, handler: EventHandler, label?: string): EventHandle {
    return this.queue.schedule(this.queue.now + Math.round(delay), priority, handler, label);
  }
  /**
   * Deschedules a pending event: a model whose plan changed cancels what it scheduled instead
   * of leaving a stale event to recognise itself. False if it already ran or was cancelled.
   */
  cancel(handle: EventHandle): boolean {
    return this.queue.cancel(handle);
  }

  printk(text: string): void {
    this.log.printk(this.now, text);
  }

  /** Stops the run after the current event (e.g. an unrecoverable model state). */
  stop(reason: string): void {
    this.stopReason = reason;
    this.queue.halt();
  }

  /**
   * Ends the run right after the event in which `cond` is first met (`--until`, see until.ts);
   * `untilMet` then says which condition and when. Unlike `stop`, this is a normal end.
   */
  stopWhen(cond: UntilCondition): void {
    this.trace.onRecord((r) => {
      if (this.met !== null || r.kind !== cond.traceKind) return;
      this.met = { condition: cond.name, tNs: r.t };
      this.queue.halt();
    });
  }
  /**
   * Goes on after the condition met (the UI pauses there and may resume): later records of its
   * kind do not halt again, and `untilMet` keeps the first.
   */
  continueAfterUntil(): void {
    if (this.met !== null && this.stopReason === null) this.queue.unhalt();
  }
  get untilMet(): UntilMet | null {
    return this.met;
  }
  get stoppedBecause(): string | null {
    return this.stopReason;
  }

  /** Runs until `untilNs` or a stop request. Event failures propagate as EventFailure. */
  runUntil(untilNs: number): void {
    this.start();
    this.queue.runUntil(untilNs, () => this.stopReason !== null);
  }

  snapshot(): Record<string, unknown> {
    return Object.fromEntries(this.components.filter((c) => c.snapshot).map((c) => [c.name, c.snapshot!()]));
  }
}
