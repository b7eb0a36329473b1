import { DmabufError } from './errors';
import type { DmaFence } from './fence';

/** The seed's limit on shared fences per buffer (include/linux/dma-buf.h). */
export const DMA_BUF_MAX_SHARED_FENCE = 8;

/** The two ticket policies users pick from; 'unordered' disables ticket ordering (tests of the detector only). */
export const WW_POLICIES = ['wound-wait', 'wait-die'] as const;
export type WwPolicy = (typeof WW_POLICIES)[number];
export type LockPolicy = WwPolicy | 'unordered';

/** Runs a wake-up later (never inside the caller's stack), e.g. a zero-delay simulation event. */
export type Scheduler = (fn: () => void) => void;

/**
 * A class of reservations sharing one ticket counter and one policy (ww_class). Tickets are
 * stamped in acquisition order: a lower stamp is older and wins every conflict.
 */
export class WwClass {
  private nextStamp = 1;
  /** Reservation sequences undone because a ticket lost a conflict (EAGAIN). */
  backoffs = 0;
  /** Younger holders wounded by an older requester (wound-wait only). */
  wounds = 0;

  constructor(
    readonly policy: LockPolicy,
    readonly schedule: Scheduler,
  ) {}

  /** ww_acquire_init: a new ticket, younger than every ticket before it. */
  ticket(owner: string): WwTicket {
    return new WwTicket(this, this.nextStamp++, owner);
  }
}

/** ww_acquire_ctx / the review's reservation ticket: the place of one multi-buffer reservation in the global order. */
export class WwTicket {
  /** Objects this ticket holds, in the order it took them. */
  readonly held: ReservationObject[] = [];
  /** Set by an older requester under wound-wait: back off at the next contended attempt. */
  wounded = false;
  /** The older ticket that wounded this one (kept after the back-off, for checks). */
  woundedBy: WwTicket | null = null;
  /** ww_acquire_done: every object is held; wounds no longer apply. */
  done = false;
  /** The object this ticket sleeps on (an edge of the wait-for graph), or null. */
  sleepingOn: ReservationObject | null = null;
  /** @internal the wake-up registered by ReservationObject.sleep. */
  wake: (() => void) | null = null;

  constructor(
    readonly ww: WwClass,
    readonly stamp: number,
    readonly owner: string,
  ) {}

  olderThan(other: WwTicket): boolean {
    return this.stamp < other.stamp;
  }

  /** Marks this (younger) ticket wounded; a sleeping one is woken at once to notice it. */
  wound(by: WwTicket): void {
    if (this.wounded || this.done) return;
    this.wounded = true;
    this.woundedBy = by;
    this.ww.wounds++;
    this.sleepingOn?.cancelSleep(this);
  }

  /** Unreserves everything held (the back-off of dmabufmgr_backoff_reservation). */
  releaseAll(): void {
    while (this.held.length) this.held[this.held.length - 1].unlock();
    this.wounded = false;
  }
}

/**
 * What a ticketed attempt returned: 'locked'; 'wait' (sleep on the object, then retry);
 * EDEADLK (this ticket already holds it); EAGAIN (back off everything and retry).
 */
export type LockResult = 'locked' | 'wait' | 'EDEADLK' | 'EAGAIN';

/**
 * The reservation of one buffer (the seed's `reserved` + `val_seq` + fence slots): at most one
 * holder; one exclusive fence and up to DMA_BUF_MAX_SHARED_FENCE shared fences, changed only
 * by the holder.
 */
export class ReservationObject {
  private holderTicket: WwTicket | null = null;
  private heldWithoutTicket = false;
  private sleepers: WwTicket[] = [];
  private plainWaiters: (() => void)[] = [];
  fenceExcl: DmaFence | null = null;
  readonly fenceShared: DmaFence[] = [];

  constructor(
    readonly name: string,
    private readonly schedule: Scheduler,
  ) {}

  get reserved(): boolean {
    return this.holderTicket !== null || this.heldWithoutTicket;
  }
  get holder(): WwTicket | null {
    return this.holderTicket;
  }

  /** dma_buf_reserve with a ticket and no_wait = false. Under wound-wait, an older requester wounds a younger holder. */
  lock(t: WwTicket): LockResult {
    if (!this.reserved) {
      this.take(t);
      return 'locked';
    }
    const holder = this.holderTicket;
    if (holder === t) return 'EDEADLK';
    // Holding nothing, a ticket can wait for anyone without closing a cycle (ww_mutex_lock_slow).
    if (t.held.length === 0) return 'wait';
    if (t.wounded) return 'EAGAIN';
    if (!holder) return 'wait';
    switch (t.ww.policy) {
      case 'wait-die':
        // The seed: "already reserved by a thread that will not back off for us" → the younger backs off.
        return t.olderThan(holder) ? 'wait' : 'EAGAIN';
      case 'wound-wait':
        if (t.olderThan(holder)) holder.wound(t);
        return 'wait';
      case 'unordered':
        return 'wait';
    }
  }

  /** Try-reserve (no_wait = true): EBUSY when held by anyone else, EDEADLK when `t` holds it. */
  tryLock(t?: WwTicket): 0 | 'EBUSY' | 'EDEADLK' {
    if (t && this.holderTicket === t) return 'EDEADLK';
    if (this.reserved) return 'EBUSY';
    if (t) this.take(t);
    else this.heldWithoutTicket = true;
    return 0;
  }

  /** Sleeps `t` until the object is unreserved (or `t` is wounded); `wake` runs as a scheduled event. */
  sleep(t: WwTicket, wake: () => void): void {
    if (t.sleepingOn) throw new DmabufError('EINVAL', `ticket ${t.stamp} (${t.owner}) is already sleeping on ${t.sleepingOn.name}`);
    t.sleepingOn = this;
    t.wake = wake;
    this.sleepers.push(t);
  }

  /** dma_buf_wait_unreserved for a caller without a ticket. */
  waitUnreserved(wake: () => void): void {
    if (!this.reserved) this.schedule(wake);
    else this.plainWaiters.push(wake);
  }

  /** dma_buf_unreserve: frees the object and wakes every sleeper (wake_up_all); each retries. */
  unlock(): void {
    if (!this.reserved) throw new DmabufError('EINVAL', `unreserve of ${this.name}, which is not reserved`);
    const t = this.holderTicket;
    if (t) {
      const i = t.held.lastIndexOf(this);
      t.held.splice(i, 1);
    }
    this.holderTicket = null;
    this.heldWithoutTicket = false;
    const sleepers = this.sleepers;
    const plain = this.plainWaiters;
    this.sleepers = [];
    this.plainWaiters = [];
    for (const s of sleepers) this.wakeTicket(s);
    for (const w of plain) this.schedule(w);
  }

  /** @internal wakes one sleeper early (it was wounded). */
  cancelSleep(t: WwTicket): void {
    const i = this.sleepers.indexOf(t);
    if (i >= 0) this.sleepers.splice(i, 1);
    this.wakeTicket(t);
  }

  /** Fences an access must wait for (the seed's reserve_buffers): a writer waits for every shared fence, or else the exclusive one; a reader for the exclusive one. */
  fencesFor(write: boolean): DmaFence[] {
    if (write && this.fenceShared.length) return [...this.fenceShared];
    return this.fenceExcl ? [this.fenceExcl] : [];
  }

  /** dmabufmgr_fence_buffer_objects, exclusive: drops every old fence and installs `f`. */
  addExclusiveFence(f: DmaFence): void {
    this.assertReserved('attach an exclusive fence to');
    for (const s of this.fenceShared) s.put();
    this.fenceShared.length = 0;
    this.fenceExcl?.put();
    this.fenceExcl = f.get();
  }

  /** Shared fence; EINVAL (the seed's WARN) when DMA_BUF_MAX_SHARED_FENCE are attached already. */
  addSharedFence(f: DmaFence): void {
    this.assertReserved('attach a shared fence to');
    if (this.fenceShared.length >= DMA_BUF_MAX_SHARED_FENCE)
      throw new DmabufError('EINVAL', `${this.name} already has DMA_BUF_MAX_SHARED_FENCE (${DMA_BUF_MAX_SHARED_FENCE}) shared fences`);
    this.fenceShared.push(f.get());
  }

  /** Drops shared fences that have signalled (their slots become free). */
  pruneSignaledShared(): void {
    let w = 0;
    for (const s of this.fenceShared) {
      if (s.signaled) s.put();
      else this.fenceShared[w++] = s;
    }
    this.fenceShared.length = w;
  }

  /** Drops every fence reference (the buffer is being released). */
  dropFences(): void {
    for (const s of this.fenceShared) s.put();
    this.fenceShared.length = 0;
    this.fenceExcl?.put();
    this.fenceExcl = null;
  }

  private take(t: WwTicket): void {
    this.holderTicket = t;
    t.held.push(this);
  }

  private wakeTicket(t: WwTicket): void {
    const wake = t.wake;
    t.sleepingOn = null;
    t.wake = null;
    if (wake) this.schedule(wake);
  }

  private assertReserved(what: string): void {
    if (!this.reserved) throw new DmabufError('EINVAL', `cannot ${what} ${this.name} without holding its reservation`);
  }
}
