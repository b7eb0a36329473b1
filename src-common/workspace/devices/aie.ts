import { z } from 'zod';
import { intIn, name } from '../fields';

/** An AI Engine array (seed xilinx-aie-tile-memories-dmabuf). Owned by the AIE model. */
export const aiePartitionSchema = z.strictObject({
  name: name('partition'),
  startCol: intIn(0, 127),
  numCols: intIn(1, 128),
});

export const aieArraySchema = z.strictObject({
  columns: intIn(1, 128),
  /** Including the SHIM row 0. */
  rows: intIn(2, 32),
  partitions: z.array(aiePartitionSchema),
});
export type AieArray = z.infer<typeof aieArraySchema>;
