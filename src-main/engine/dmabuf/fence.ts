import { DmabufError } from './errors';

/** Simulated time source (integer ns); a Simulation passes `() => sim.now`. */
export type Clock = () => number;
export type FenceCallback = (fence: DmaFence) => void;

/**
 * A timeline of fences (dma_fence context): each fence gets the next sequence number.
 * Software fences as in the seed's dma_fence_create: the creator signals them.
 */
export class FenceContext {
  private seq = 0;
  constructor(
    readonly name: string,
    readonly clock: Clock,
  ) {}

  /** A new unsignalled fence holding one reference, the creator's (dma_fence_create). */
  create(): DmaFence {
    return new DmaFence(this, ++this.seq);
  }
}

/**
 * dma_fence: signalled once, runs its callbacks at signal time, refcounted. The creator keeps
 * its reference until it has signalled; every dma-buf the fence is attached to holds one more.
 * Signalling twice, or touching a fence after its last reference went, is a reported error.
 */
export class DmaFence {
  private refs = 1;
  private callbacks: FenceCallback[] = [];
  private signalTime: number | null = null;

  constructor(
    readonly context: FenceContext,
    readonly seqno: number,
  ) {}

  get name(): string {
    return `${this.context.name}#${this.seqno}`;
  }
  get signaled(): boolean {
    return this.signalTime !== null;
  }
  /** Simulated time of the signal, or null while pending. */
  get signaledAt(): number | null {
    return this.signalTime;
  }
  get refcount(): number {
    return this.refs;
  }
  get released(): boolean {
    return this.refs === 0;
  }

  /** dma_fence_get. */
  get(): this {
    this.assertAlive('get');
    this.refs++;
    return this;
  }

  /** dma_fence_put: the last put releases the fence. Releasing it unsignalled with waiters strands them. */
  put(): void {
    this.assertAlive('put');
    if (this.refs === 1 && !this.signaled && this.callbacks.length > 0)
      throw new DmabufError('EINVAL', `fence ${this.name} released unsignalled with ${this.callbacks.length} waiter(s)`);
    this.refs--;
  }

  /** dma_fence_signal: marks the fence done and runs every callback, in the order added. */
  signal(): void {
    this.assertAlive('signal');
    if (this.signaled) throw new DmabufError('EINVAL', `fence ${this.name} signalled twice (first at ${this.signalTime} ns)`);
    this.signalTime = this.context.clock();
    const cbs = this.callbacks;
    this.callbacks = [];
    for (const cb of cbs) cb(this);
  }

  /** dma_fence_add_callback: 'ENOENT' when already signalled (the callback is not added), as the seed documents. */
  addCallback(cb: FenceCallback): 0 | 'ENOENT' {
    this.assertAlive('add a callback to');
    if (this.signaled) return 'ENOENT';
    this.callbacks.push(cb);
    return 0;
  }

  /** Asynchronous wait: `done` runs now if signalled, else at signal time. */
  wait(done: FenceCallback): void {
    this.assertAlive('wait on');
    if (this.addCallback(done) === 'ENOENT') done(this);
  }

  private assertAlive(what: string): void {
    if (this.refs === 0) throw new DmabufError('EINVAL', `cannot ${what} fence ${this.name}: it was released (use after the last put)`);
  }
}

/** Runs `done` once every fence in the list has signalled (immediately when none is pending). */
export function waitAll(fences: readonly DmaFence[], done: () => void): void {
  let pending = 1;
  const one = () => {
    if (--pending === 0) done();
  };
  for (const f of fences) {
    pending++;
    f.wait(one);
  }
  one();
}
