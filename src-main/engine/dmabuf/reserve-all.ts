import type { DeadlockDetector } from './deadlock-detector';
import type { ReservationObject, WwTicket } from './reservation';

export interface ReserveAllOptions {
  /** Simulated CPU time of one attempt. */
  attemptNs: number;
  /** Schedules `fn` after `delayNs` of simulated time. */
  after(delayNs: number, fn: () => void): void;
  detector?: DeadlockDetector;
  /** Called at each back-off with the contended object and the older ticket this one lost to. */
  onBackoff?(contended: ReservationObject, winner: WwTicket | null): void;
}

/**
 * dmabufmgr_reserve_buffers in simulated time, with ww_mutex back-off: objects are reserved
 * in the given order; on EAGAIN everything held is released, the contended object is
 * reserved first while holding nothing (ww_mutex_lock_slow, which may wait for anyone), then
 * the rest, keeping the same ticket so its age (and priority) survives the retry.
 * `done(0)` runs with every object held; `done('EDEADLK')` when the list names an object
 * twice (nothing is held then).
 */
export function reserveAll(t: WwTicket, objs: readonly ReservationObject[], opts: ReserveAllOptions, done: (result: 0 | 'EDEADLK') => void): void {
  const order = objs.slice();
  let i = 0;
  const attempt = (): void => {
    const obj = order[i];
    switch (obj.lock(t)) {
      case 'locked':
        if (++i === order.length) {
          t.done = true;
          done(0);
        } else opts.after(opts.attemptNs, attempt);
        return;
      case 'wait':
        obj.sleep(t, attempt);
        opts.detector?.onSleep(t);
        return;
      case 'EDEADLK':
        t.releaseAll();
        done('EDEADLK');
        return;
      case 'EAGAIN': {
        const winner = t.wounded ? t.woundedBy : obj.holder;
        t.releaseAll();
        t.ww.backoffs++;
        opts.onBackoff?.(obj, winner);
        order.splice(i, 1);
        order.unshift(obj);
        i = 0;
        opts.after(opts.attemptNs, attempt);
        return;
      }
    }
  };
  if (order.length === 0) {
    t.done = true;
    done(0);
    return;
  }
  opts.after(opts.attemptNs, attempt);
}
