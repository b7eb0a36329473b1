import { z } from 'zod';
import { LIMITS, atMost } from '../parse/limits';

/** A stress(1) command line run on the host or inside a guest (docs/architecture.md §3.3). */
export const workloadSchema = z.strictObject({
  /** 'host' or the name of a guest. */
  target: z.string().min(1).max(64),
  /** As typed at a shell, e.g. `stress --cpu 56 --vm 8 --vm-bytes 1G`. Checked by the stress parser. */
  command: z.string().min(1).max(LIMITS.commandChars.value, { error: `expected a command line of ${atMost('commandChars')}` }),
});
export type Workload = z.infer<typeof workloadSchema>;
