import { describe, expect, it } from 'vitest';
import { issuesToFieldErrors } from '../schema';
import { dmabufAieProblems, dmabufSchema } from './dmabuf';

function problems(input: unknown): string[] {
  const r = dmabufSchema.safeParse(input);
  return r.success ? [] : issuesToFieldErrors(r.error.issues).map((e) => e.message);
}

describe('dma-buf devices schema', () => {
  const ok = {
    exporters: [
      { name: 'heap', kind: 'system-heap', sizeBytes: 1048576 },
      { name: 'cam', kind: 'camera', sizeBytes: 8294400 },
      { name: 'aie-data', kind: 'aie', partition: 'p0', memory: 'data' },
    ],
    importers: [
      { name: 'lcd', kind: 'display', source: 'cam' },
      { name: 'gpu0', kind: 'gpu' },
    ],
  };

  it('accepts a valid set', () => {
    expect(problems(ok)).toEqual([]);
  });

  it('names each field at fault', () => {
    expect(problems({ ...ok, exporters: [{ name: 'h', kind: 'heap', sizeBytes: 1 }] })).toEqual([
      "exporters[0].kind: expected one of system-heap, camera, aie, got 'heap'",
    ]);
    expect(problems({ importers: [], exporters: [{ name: 'h', kind: 'system-heap' }] })).toEqual(['exporters[0].sizeBytes: required for a system-heap exporter']);
    expect(problems({ ...ok, exporters: [{ name: 'a', kind: 'aie', sizeBytes: 4096, memory: 'code' }] })).toEqual([
      "exporters[0].memory: expected one of data, program, got 'code'",
    ]);
    expect(problems({ ...ok, exporters: [{ name: 'a', kind: 'aie', sizeBytes: 4096 }], importers: [] })).toEqual([
      'exporters[0].partition: required for an aie exporter (a partition of devices.aie)',
      'exporters[0].memory: required for an aie exporter (data or program)',
      'exporters[0].sizeBytes: not allowed for an aie exporter: the size is memory size × columns × core rows of the partition',
    ]);
    expect(problems({ ...ok, importers: [{ name: 'heap', kind: 'gpu' }] })).toEqual(["importers[0].name: duplicate dma-buf device name 'heap'"]);
    expect(problems({ ...ok, importers: [{ name: 'x', kind: 'gpu', source: 'nope' }] })).toEqual(["importers[0].source: no exporter named 'nope'"]);
    expect(problems({ ...ok, importers: [{ name: 'x', kind: 'gpu', extra: 1 }] })).toEqual(['importers[0].extra: unknown field']);
  });

  it('checks an aie exporter against the AIE array', () => {
    const d = dmabufSchema.parse(ok);
    expect(dmabufAieProblems(d, { partitions: [{ name: 'p0' }] })).toEqual([]);
    expect(dmabufAieProblems(d, { partitions: [] })).toEqual([{ path: ['exporters', 2, 'partition'], message: "no partition named 'p0' in devices.aie" }]);
    expect(dmabufAieProblems(d, null)[0].message).toMatch(/devices.aie is null/);
  });
});
