/**
 * Who takes a contended spinlock when its holder lets go, as Linux 5.3 does it on powerpc
 * (docs/models/ipi.md "Tasks and locks"). Nobody is queued: arch_spin_lock is a test-and-set —
 * __arch_spin_trylock's lwarx / cmpwi / stwcx. — and a CPU that finds the lock taken spins on
 * plain loads of lock->slock at low SMT priority (HMT_low) until it reads 0, then tries the
 * stwcx. again (powerpc had no queued spinlocks before 5.9; splpar_spin_yield runs only on a
 * shared-processor LPAR, never on a PowerNV host). arch_spin_unlock is lwsync; stw 0.
 *
 * The release is a race for the cache line. The releaser's store invalidates every spinner's
 * copy; each spinner's next poll misses and fetches the line from the releaser's cache, reads 0,
 * and its stwcx. has to claim the line back: the first claim to land holds the lock, the
 * others lose their reservation and go back to polling. So spinner i lands after where its
 * HMT_low loop was when the invalidation came (uniform over one iteration) plus four one-way
 * line transfers between its CPU and the releaser's — invalidation, read request, data, claim —
 * each as long as their distance: same slice (the shared L2), same chip, or the other chip.
 */
import type { Rng } from '../core';

/** One-way cache-line transfer time between two host CPUs (ns). */
export type LineDistance = (a: number, b: number) => number;

/** One-way line transfers from the release to a spinner's successful stwcx. */
const TRANSFERS = 4;

export class SpinHandover {
  constructor(
    private readonly distanceNs: LineDistance,
    /** One iteration of arch_spin_lock's HMT_low poll of lock->slock (ns). */
    private readonly pollNs: number,
    private readonly rng: Rng,
  ) {}

  /** Index into `spinners` (their CPUs) of the one whose stwcx. lands first after `releaser`'s store. */
  next(releaser: number, spinners: readonly number[]): number {
    if (spinners.length === 1) return 0;
    let best = 0;
    let bestAt = Infinity;
    for (let i = 0; i < spinners.length; i++) {
      const at = this.rng.float() * this.pollNs + TRANSFERS * this.distanceNs(releaser, spinners[i]);
      if (at < bestAt) {
        bestAt = at;
        best = i;
      }
    }
    return best;
  }
}

/** Line transfer times by where two CPUs sit: `slice` is each CPU's L2/L3 slice (the LLC domain), `socket` its chip. */
export function lineDistance(slice: readonly number[], socket: readonly number[], ns: { slice: number; chip: number; remote: number }): LineDistance {
  return (a, b) => (slice[a] === slice[b] ? ns.slice : socket[a] === socket[b] ? ns.chip : ns.remote);
}
