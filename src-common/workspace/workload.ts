import { z } from 'zod';

/** A stress(1) command line run on the host or inside a guest (docs/architecture.md §3.3). */
export const workloadSchema = z.strictObject({
  /** 'host' or the name of a guest. */
  target: z.string().min(1),
  /** As typed at a shell, e.g. `stress --cpu 56 --vm 8 --vm-bytes 1G`. Checked by the stress parser. */
  command: z.string().min(1),
});
export type Workload = z.infer<typeof workloadSchema>;
