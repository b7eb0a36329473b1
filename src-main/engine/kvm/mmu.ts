import type { Guest } from '../../../src-common/workspace';

/**
 * VM exits caused by one guest page fault, by MMU mode (docs/architecture.md §3.2; seed
 * kvm-mmu-remove-bypass-guest-pf):
 *  - radix (POWER9 KVM-HV) and tdp (x86 EPT/NPT): the guest handles its own page faults; the host
 *    only sees faults on guest-physical memory it has not (or no longer) backed — counted
 *    separately as host-side faults.
 *  - shadow: the guest's page tables are shadowed. A fault on a non-present guest pte hits a
 *    non-present spte: with bypass_guest_pf the spte is "notrap" and the #PF goes straight to the
 *    guest, except on unsync page-table pages, whose non-present sptes always trap; without
 *    bypass every one exits so KVM can inject it. The guest then writes its pte: on a synced
 *    (write-protected) page-table page that write exits and KVM installs the spte (`pt_write`);
 *    on an unsync one it does not, and the retried access faults on the trapping spte.
 */
export interface ExitsPerFault {
  pageFault: number;
  ptWrite: number;
}

export function exitsPerGuestFault(g: Pick<Guest, 'mmu' | 'bypassGuestPf'>, unsyncFraction: number): ExitsPerFault {
  if (g.mmu !== 'shadow') return { pageFault: 0, ptWrite: 0 };
  const u = unsyncFraction;
  const nonPresent = g.bypassGuestPf ? u : 1;
  return { pageFault: nonPresent + u, ptWrite: 1 - u };
}
