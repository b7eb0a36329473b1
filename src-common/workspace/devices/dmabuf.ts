import { z } from 'zod';
import { quote } from '../../parse/quote';
import { LIMITS, atMost } from '../../parse/limits';
import { bytes, name } from '../fields';

/** dma-buf exporters and importers (seed dma-buf-mgr-reservation-review). Owned by the dma-buf model. */
export const DMABUF_EXPORTER_KINDS = ['system-heap', 'camera', 'aie'] as const;
export const DMABUF_IMPORTER_KINDS = ['display', 'gpu', 'aie'] as const;
/** The memory types an AIE partition exports, one dma-buf each (seed ai-engine-mem.c). */
export const DMABUF_AIE_MEMORIES = ['data', 'program'] as const;

const oneOfText = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (iss) => `expected one of ${values.join(', ')}, got ${quote(iss.input)}` });

/**
 * An exporter. system-heap and camera exporters allocate `sizeBytes`; an AIE exporter exports
 * one memory type of a partition of devices.aie, whose size follows from the partition.
 */
export const dmabufExporterSchema = z
  .strictObject({
    name: name('exporter'),
    kind: oneOfText(DMABUF_EXPORTER_KINDS),
    sizeBytes: bytes().optional(),
    partition: name('partition').optional(),
    memory: oneOfText(DMABUF_AIE_MEMORIES).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.kind === 'aie') {
      if (e.partition === undefined) ctx.addIssue({ code: 'custom', path: ['partition'], message: 'required for an aie exporter (a partition of devices.aie)' });
      if (e.memory === undefined) ctx.addIssue({ code: 'custom', path: ['memory'], message: `required for an aie exporter (${DMABUF_AIE_MEMORIES.join(' or ')})` });
      if (e.sizeBytes !== undefined)
        ctx.addIssue({ code: 'custom', path: ['sizeBytes'], message: 'not allowed for an aie exporter: the size is memory size × columns × core rows of the partition' });
    } else {
      if (e.sizeBytes === undefined) ctx.addIssue({ code: 'custom', path: ['sizeBytes'], message: `required for a ${e.kind} exporter` });
      for (const key of ['partition', 'memory'] as const)
        if (e[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `only an aie exporter has a ${key}` });
    }
  });

/** An importer, optionally fed by one exporter (`source`, an exporter name). */
export const dmabufImporterSchema = z.strictObject({
  name: name('importer'),
  kind: oneOfText(DMABUF_IMPORTER_KINDS),
  source: name('exporter').optional(),
});

export const dmabufSchema = z
  .strictObject({
    exporters: z.array(dmabufExporterSchema).max(LIMITS.dmabufDevices.value, { error: `expected ${atMost('dmabufDevices')}` }),
    importers: z.array(dmabufImporterSchema).max(LIMITS.dmabufDevices.value, { error: `expected ${atMost('dmabufDevices')}` }),
  })
  .superRefine((d, ctx) => {
    // The model allocates every buffer, so their sum is bounded where the document enters.
    let total = 0;
    d.exporters.forEach((e, i) => {
      total += e.sizeBytes ?? 0;
      if (total > LIMITS.dmabufBytes.value && total - (e.sizeBytes ?? 0) <= LIMITS.dmabufBytes.value)
        ctx.addIssue({ code: 'custom', path: ['exporters', i, 'sizeBytes'], message: `the exporters' buffers add up to ${total} bytes; ${atMost('dmabufBytes')} in all` });
    });
    // Exporters and importers share one namespace: they are the nodes of the drawing.
    const seen = new Set<string>();
    const check = (list: 'exporters' | 'importers', n: string, i: number) => {
      if (seen.has(n)) ctx.addIssue({ code: 'custom', path: [list, i, 'name'], message: `duplicate dma-buf device name '${n}'` });
      seen.add(n);
    };
    d.exporters.forEach((e, i) => check('exporters', e.name, i));
    d.importers.forEach((m, i) => check('importers', m.name, i));
    const exporters = new Set(d.exporters.map((e) => e.name));
    d.importers.forEach((m, i) => {
      if (m.source !== undefined && !exporters.has(m.source))
        ctx.addIssue({ code: 'custom', path: ['importers', i, 'source'], message: `no exporter named '${m.source}'` });
    });
  });
export type DmabufDevices = z.infer<typeof dmabufSchema>;
export type DmabufExporter = z.infer<typeof dmabufExporterSchema>;
export type DmabufImporter = z.infer<typeof dmabufImporterSchema>;

/** Problems that need the AIE array too: an aie exporter must name a partition of devices.aie. */
export function dmabufAieProblems(d: DmabufDevices, aie: { partitions: { name: string }[] } | null): { path: (string | number)[]; message: string }[] {
  const partitions = new Set((aie?.partitions ?? []).map((p) => p.name));
  const out: { path: (string | number)[]; message: string }[] = [];
  d.exporters.forEach((e, i) => {
    if (e.kind === 'aie' && e.partition !== undefined && !partitions.has(e.partition))
      out.push({ path: ['exporters', i, 'partition'], message: aie ? `no partition named '${e.partition}' in devices.aie` : 'devices.aie is null: there is no AIE array' });
  });
  return out;
}
