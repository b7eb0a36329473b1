import type { aieArea, AieArrayInfo, AieMemoryDump, AiePartitionMemoryDump } from '../../../../src-common/bridge/areas/aie';
import { durationNs } from '../../../../src-common/bridge/areas/aie';
import type { AreaHandlers } from '../../../../src-common/bridge';
import { FieldError } from '../../../../src-common/parse/field-error';
import { MS } from '../../../../src-common/parse/duration';
import { hexBytes, type Workspace } from '../../../../src-common/workspace';
import { ParamError, type Simulation } from '../../../engine/core';
import { buildAieSimulation } from '../../../engine/run/devices';
import { type AieModel, PROGRAM_MEM_OFFSET, DATA_MEM_OFFSET, tileAddress, type MemKind } from '../../../engine/aie';
import { checkCoreTile, patchMemoryImage } from './aie-image';
import type { HandlerDeps } from './deps';
import { inlineJobs } from '../../run/job-pool';

/** Builds the document's AI Engine model (init done, not started); field errors name `prefix`. */
function buildModel(doc: Workspace, prefix: string): { sim: Simulation; model: AieModel } {
  if (!doc.devices.aie) throw new FieldError(`${prefix}.doc.devices.aie`, 'the workspace has no AI Engine array');
  try {
    const { sim, aie } = buildAieSimulation(doc, 1);
    return { sim, model: aie };
  } catch (e) {
    if (e instanceof ParamError) throw new FieldError(`${prefix}.doc.params`, e.message);
    throw e;
  }
}

/** `aie.describe`: the array's tiles, types and partitions (null without an array). */
export function aieDescribe(doc: Workspace): AieArrayInfo | null {
  const aie = doc.devices.aie;
  if (!aie) return null;
  const { sim, model } = buildModel(doc, 'aie.describe');
  sim.start(); // init requests the partitions
  const view = model.array.describe();
  return {
    columns: view.columns,
    rows: view.rows,
    partitions: view.partitions,
    tiles: view.tiles.map((t) => ({ col: t.col, row: t.row, type: t.type, partition: t.partition })),
  };
}

/** `aie.readMemory`: one core tile's memory after the model ran `after`. */
export function aieReadMemory({ doc, col, row, mem, after }: { doc: Workspace; col: number; row: number; mem: 'data' | 'program'; after?: string }): AieMemoryDump {
  const prefix = 'aie.readMemory';
  const { sim, model } = buildModel(doc, prefix);
  checkCoreTile(doc.devices.aie!, { col, row }, prefix);
  const afterNs = after === undefined ? MS : durationNs(after)!;
  const memory = model.array.tile({ col, row }).memory(mem as MemKind);
  // 0 = the initial image: initialised, no event run (kernels launched at 0 would move data).
  if (afterNs === 0) sim.start();
  else sim.runUntil(afterNs);
  const bytes = memory.snapshot();
  const base = tileAddress({ col, row }, mem === 'data' ? DATA_MEM_OFFSET : PROGRAM_MEM_OFFSET);
  return { col, row, mem, base, afterNs, base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
}

/** `aie.readPartitionMemory`: a partition's memory of one type as its dma-buf holds it. */
export function aieReadPartitionMemory({ doc, partition, mem, after }: { doc: Workspace; partition: string; mem: 'data' | 'program'; after?: string }): AiePartitionMemoryDump {
  const prefix = 'aie.readPartitionMemory';
  const { sim, model } = buildModel(doc, prefix);
  const config = doc.devices.aie!.partitions.find((p) => p.name === partition);
  if (!config) {
    const have = doc.devices.aie!.partitions.map((p) => `'${p.name}'`).join(', ') || 'none';
    throw new FieldError(`${prefix}.partition`, `no partition '${partition}' in devices.aie (have: ${have})`);
  }
  const afterNs = after === undefined ? MS : durationNs(after)!;
  if (afterNs === 0) sim.start();
  else sim.runUntil(afterNs);
  const part = model.partitions.get(partition)!;
  const m = part.memories().find((x) => x.kind === mem)!;
  const bytes = m.buffer.read(0, m.buffer.size);
  return {
    partition,
    mem,
    range: { startCol: m.range.start.col, numCols: m.range.size.col, startRow: m.range.start.row, numRows: m.range.size.row },
    memOffset: m.offset,
    memSize: m.size,
    afterNs,
    base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  };
}

/** The model runs in a job thread (host/run/job-pool.ts); editing the document's image is cheap and stays here. */
export function aieHandlers({ jobs = inlineJobs }: HandlerDeps): AreaHandlers<typeof aieArea> {
  return {
    'aie.describe': ({ doc }, ctx) => jobs.run('aie.describe', { doc }, ctx.signal),
    'aie.readMemory': (arg, ctx) => jobs.run('aie.readMemory', arg, ctx.signal),
    // Up to 17 MB of base64: written as JSON in the job thread too (EncodedValue).
    'aie.readPartitionMemory': (arg, ctx) => jobs.runEncoded('aie.readPartitionMemory', arg, ctx.signal),
    'aie.editMemory': ({ doc, col, row, mem, offset, hex }) => ({
      doc: patchMemoryImage(doc, { col, row, mem, offset, bytes: hexBytes(hex)! }, 'aie.editMemory'),
    }),
  };
}
