import { z } from 'zod';
import { quote } from '../parse/quote';
import { bool, bytes, intIn, name } from './fields';
import { LIMITS, atMost } from '../parse/limits';

export const MMU_MODES = ['radix', 'shadow', 'tdp'] as const;

export const vcpuPinSchema = z.strictObject({
  vcpu: intIn(0, LIMITS.vcpusPerGuest.value - 1),
  /** libvirt cpuset syntax, e.g. `0-3` or `1-4,^2`. */
  cpuset: z.string().max(LIMITS.cpusetChars.value, { error: (iss) => `expected a cpuset of ${atMost('cpusetChars')}, got ${(iss.input as string).length}` }),
});

export const guestSchema = z
  .strictObject({
  name: name('guest'),
  memoryBytes: bytes(),
  /** As QEMU -smp: vCPUs = sockets × cores × threads. */
  smp: z.strictObject({
    sockets: intIn(1, 64),
    cores: intIn(1, 256),
    threads: intIn(1, 8),
  }),
  ksm: bool(),
  thp: bool(),
  /** Unpinned vCPUs float over every host CPU. */
  vcpupin: z.array(vcpuPinSchema).max(LIMITS.vcpusPerGuest.value, { error: `expected ${atMost('vcpusPerGuest')} pinnings` }),
  /** radix: POWER9 KVM-HV. shadow/tdp: the x86 paths of seed kvm-mmu-remove-bypass-guest-pf. */
  mmu: z.enum(MMU_MODES, { error: (iss) => `expected one of ${MMU_MODES.join(', ')}, got ${quote(iss.input)}` }),
  /** kvm_intel/kvm bypass_guest_pf: only meaningful with mmu 'shadow'. */
  bypassGuestPf: bool(),
  })
  .superRefine((g, ctx) => {
    const n = vcpuCount(g);
    if (n > LIMITS.vcpusPerGuest.value)
      ctx.addIssue({ code: 'custom', path: ['smp'], message: `${g.smp.sockets} × ${g.smp.cores} × ${g.smp.threads} = ${n} vCPUs; ${atMost('vcpusPerGuest')} per guest (libvirt's QEMU maximum)` });
  });

export type Guest = z.infer<typeof guestSchema>;

export const vcpuCount = (g: Pick<Guest, 'smp'>) => g.smp.sockets * g.smp.cores * g.smp.threads;
