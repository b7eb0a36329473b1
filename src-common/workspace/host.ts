import { z } from 'zod';
import { quote } from '../parse/quote';
import { bytes, intIn, name, oneOf } from './fields';
import { cachesSchema } from './host-caches';
import { ioSchema } from './host-io';

/** POWER9: at most 24 SMT4 cores (12 SMT8 cores) per chip. */
export const POWER9_MAX_SMT4_CORES_PER_CHIP = 24;
export const THREADS_PER_CORE = [1, 2, 4, 8] as const;

export const socketSchema = z.strictObject({
  cores: intIn(1, POWER9_MAX_SMT4_CORES_PER_CHIP),
  /** Memory of this socket's NUMA node (one node per socket). */
  memoryBytes: bytes(),
});

const text = (max: number) => z.string().max(max, { error: `expected at most ${max} characters` });

/**
 * Where an imported host came from, as the source said it (metadata only: the simulation
 * always models POWER9). `notes` are what the importer had to assume, e.g. memory it gave
 * NUMA nodes that carried none.
 */
export const hostSourceSchema = z.strictObject({
  from: z.enum(['hwloc-xml', 'hwloc-synthetic']),
  hostName: text(255).optional(),
  /** hwloc's `Architecture` info, e.g. `x86_64`, `ppc64le`. */
  architecture: text(64).optional(),
  /** The first package's `CPUModel` info. */
  cpuModel: text(255).optional(),
  notes: z.array(text(500)).max(20).optional(),
});
export type HostSource = z.infer<typeof hostSourceSchema>;

export const hostSchema = z
  .strictObject({
    name: name('host'),
    model: z.literal('POWER9', { error: (iss) => `expected 'POWER9', got ${quote(iss.input)}` }),
    threadsPerCore: oneOf(THREADS_PER_CORE),
    sockets: z.array(socketSchema).min(1, { error: 'expected at least one socket' }).max(16, { error: 'expected at most 16 sockets' }),
    /** The host's CPU caches; absent: the POWER9's (host-caches.ts, `host.cache.*` parameters). */
    caches: cachesSchema.optional(),
    /** PCI and OS devices as hwloc found them (host-io.ts); absent: none described. */
    io: ioSchema.optional(),
    source: hostSourceSchema.optional(),
  })
  .superRefine((host, ctx) => {
    // SMT8 cores are pairs of SMT4 cores, so a chip holds half as many of them.
    const maxCores = host.threadsPerCore === 8 ? POWER9_MAX_SMT4_CORES_PER_CHIP / 2 : POWER9_MAX_SMT4_CORES_PER_CHIP;
    host.sockets.forEach((s, i) => {
      if (s.cores > maxCores)
        ctx.addIssue({ code: 'custom', path: ['sockets', i, 'cores'], message: `expected 1..${maxCores} for SMT${host.threadsPerCore}, got ${s.cores}` });
    });
    host.io?.forEach((b, i) => {
      if (b.socket !== undefined && b.socket >= host.sockets.length)
        ctx.addIssue({ code: 'custom', path: ['io', i, 'socket'], message: `expected 0..${host.sockets.length - 1}, got ${b.socket}` });
    });
  });

export type Host = z.infer<typeof hostSchema>;

/** Whether the imported machine is something other than the POWER9 the workbench simulates (a note for the user). */
export function importedDiffers(host: Host): boolean {
  const s = host.source;
  if (!s) return false;
  const arch = s.architecture?.toLowerCase();
  return (arch !== undefined && !arch.startsWith('ppc64') && !arch.startsWith('power')) || (s.cpuModel !== undefined && !/power9/i.test(s.cpuModel));
}

/** One line on an imported host for the user: what it was, that it is simulated as POWER9, and what the importer assumed. */
export function sourceNote(host: Host): string | null {
  const s = host.source;
  if (!s) return null;
  const what = s.architecture ? `${s.architecture}${s.cpuModel ? ` (${s.cpuModel})` : ''}` : (s.cpuModel ?? 'another machine');
  const parts = [importedDiffers(host) ? `the imported machine is ${what}; simulated as POWER9` : null, ...(s.notes ?? [])];
  const text = parts.filter(Boolean).join('; ');
  return text || null;
}
