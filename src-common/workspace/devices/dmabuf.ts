import { z } from 'zod';
import { bytes, name } from '../fields';

/** dma-buf exporters and importers (seed dma-buf-mgr-reservation-review). Owned by the dma-buf model. */
export const DMABUF_EXPORTER_KINDS = ['system-heap', 'camera', 'aie'] as const;
export const DMABUF_IMPORTER_KINDS = ['display', 'gpu', 'aie'] as const;

export const dmabufSchema = z.strictObject({
  exporters: z.array(z.strictObject({ name: name('exporter'), kind: z.enum(DMABUF_EXPORTER_KINDS), sizeBytes: bytes() })),
  importers: z.array(z.strictObject({ name: name('importer'), kind: z.enum(DMABUF_IMPORTER_KINDS) })),
});
export type DmabufDevices = z.infer<typeof dmabufSchema>;
