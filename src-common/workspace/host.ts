import { z } from 'zod';
import { quote } from '../parse/quote';
import { bytes, intIn, name, oneOf } from './fields';

/** POWER9: at most 24 SMT4 cores (12 SMT8 cores) per chip. */
export const POWER9_MAX_SMT4_CORES_PER_CHIP = 24;
export const THREADS_PER_CORE = [1, 2, 4, 8] as const;

export const socketSchema = z.strictObject({
  cores: intIn(1, POWER9_MAX_SMT4_CORES_PER_CHIP),
  /** Memory of this socket's NUMA node (one node per socket). */
  memoryBytes: bytes(),
});

export const hostSchema = z
  .strictObject({
    name: name('host'),
    model: z.literal('POWER9', { error: (iss) => `expected 'POWER9', got ${quote(iss.input)}` }),
    threadsPerCore: oneOf(THREADS_PER_CORE),
    sockets: z.array(socketSchema).min(1, { error: 'expected at least one socket' }).max(16, { error: 'expected at most 16 sockets' }),
  })
  .superRefine((host, ctx) => {
    // SMT8 cores are pairs of SMT4 cores, so a chip holds half as many of them.
    const maxCores = host.threadsPerCore === 8 ? POWER9_MAX_SMT4_CORES_PER_CHIP / 2 : POWER9_MAX_SMT4_CORES_PER_CHIP;
    host.sockets.forEach((s, i) => {
      if (s.cores > maxCores)
        ctx.addIssue({ code: 'custom', path: ['sockets', i, 'cores'], message: `expected 1..${maxCores} for SMT${host.threadsPerCore}, got ${s.cores}` });
    });
  });

export type Host = z.infer<typeof hostSchema>;
