import { Priority, type Simulation } from '../core';

/**
 * Blocking in simulated time. A system call returns a Completion; the simulated process
 * continues in the callback it registers with `whenDone`, which runs inside the event that
 * resolves it. Deliberately not a thenable (no `then`): `await` would move the continuation
 * onto the JS microtask queue, out of simulated-time order (SimPy's events are yielded, never
 * awaited).
 */
export class Completion<T> {
  private done = false;
  private value: T | undefined;
  private callbacks: ((v: T) => void)[] = [];

  static resolved<T>(v: T): Completion<T> {
    const c = new Completion<T>();
    c.resolve(v);
    return c;
  }

  get settled(): boolean {
    return this.done;
  }
  /** The value once settled, else undefined. */
  get result(): T | undefined {
    return this.value;
  }

  resolve(v: T): void {
    if (this.done) throw new Error('completion resolved twice');
    this.done = true;
    this.value = v;
    const cbs = this.callbacks;
    this.callbacks = [];
    for (const cb of cbs) cb(v);
  }

  whenDone(cb: (v: T) => void): void {
    if (this.done) cb(this.value as T);
    else this.callbacks.push(cb);
  }
}

/**
 * A wait queue (wait_event / wake_up): a sleeper registers a condition. wake_up wakes the
 * sleepers whose condition holds; each runs after the scheduler's wake-up latency and, as in
 * Linux, evaluates the condition again itself (sleeping again if it no longer holds), so side
 * effects of the condition (the seed's `nr_avail = ...`) see the state when the task runs.
 */
export class WaitQueue {
  private sleepers: { cond: () => boolean; resume: () => void }[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly wakeupNs: number,
  ) {}

  get sleeping(): number {
    return this.sleepers.length;
  }

  /** wait_event: continues at once (same event) when `cond` already holds. Returns true if it slept. */
  waitEvent(cond: () => boolean, resume: () => void): boolean {
    if (cond()) {
      resume();
      return false;
    }
    this.sleepers.push({ cond, resume });
    return true;
  }

  wakeUp(): void {
    if (this.sleepers.length === 0) return;
    const still: typeof this.sleepers = [];
    for (const s of this.sleepers) {
      if (s.cond()) this.sim.after(this.wakeupNs, Priority.DEFAULT, () => this.waitEvent(s.cond, s.resume), 'mhi.wakeup');
      else still.push(s);
    }
    this.sleepers = still;
  }
}

/**
 * A sleeping mutex. Unlock wakes the first sleeper, which needs the wake-up latency to run;
 * if the previous owner re-locked meanwhile (the common unlock-then-lock in one loop) the
 * sleeper finds it taken and sleeps again at the head of the line, as a Linux mutex without
 * hand-off does.
 */
export class SimMutex {
  private owned = false;
  private sleepers: (() => void)[] = [];
  private waking = false;

  constructor(
    private readonly sim: Simulation,
    private readonly wakeupNs: number,
  ) {}

  get locked(): boolean {
    return this.owned;
  }

  lock(then: () => void): void {
    if (!this.owned) {
      this.owned = true;
      then();
    } else this.sleepers.push(then);
  }

  unlock(): void {
    if (!this.owned) throw new Error('mutex unlocked while not locked');
    this.owned = false;
    if (this.sleepers.length === 0 || this.waking) return;
    this.waking = true;
    const next = this.sleepers.shift()!;
    this.sim.after(
      this.wakeupNs,
      Priority.DEFAULT,
      () => {
        this.waking = false;
        if (this.owned) this.sleepers.unshift(next);
        else {
          this.owned = true;
          next();
        }
      },
      'mhi.mutex-wake',
    );
  }
}
