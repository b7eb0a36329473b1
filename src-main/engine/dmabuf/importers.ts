import { isWrite, type Attachment, type DmaBuf, type DmaDirection, type DeviceRef, type ScatterList } from './buffer';
import { DmabufError } from './errors';

export const IMPORTER_KINDS = ['display', 'gpu', 'aie'] as const;
export type ImporterKind = (typeof IMPORTER_KINDS)[number];

/**
 * What each importer can take. A display controller without an IOMMU scans out of one
 * contiguous range and only reads; a GPU behind an IOMMU and the AIE's DMA take any scatter
 * list in both directions.
 */
export const IMPORTER_TRAITS: Record<ImporterKind, { contiguousOnly: boolean; canWrite: boolean }> = {
  display: { contiguousOnly: true, canWrite: false },
  gpu: { contiguousOnly: false, canWrite: true },
  aie: { contiguousOnly: false, canWrite: true },
};

export interface Import {
  att: Attachment;
  sg: ScatterList;
  dir: DmaDirection;
}

/** An importing device: attaches to a dma-buf and maps it for DMA in one direction. */
export class Importer implements DeviceRef {
  constructor(
    readonly name: string,
    readonly kind: ImporterKind,
  ) {}

  /** Attach + map; on any refusal nothing stays attached or mapped. */
  import(buf: DmaBuf, dir: DmaDirection): Import {
    const traits = IMPORTER_TRAITS[this.kind];
    if (isWrite(dir) && !traits.canWrite) throw new DmabufError('EINVAL', `${this.name}: a ${this.kind} only reads; direction ${dir} refused`);
    const att = buf.attach(this);
    let sg: ScatterList;
    try {
      sg = buf.map(att, dir);
    } catch (e) {
      buf.detach(att);
      throw e;
    }
    if (traits.contiguousOnly && !isContiguous(sg)) {
      buf.unmap(att, sg);
      buf.detach(att);
      throw new DmabufError('EINVAL', `${this.name}: buffer chunks must be mapped contiguously (${buf.name} maps to ${sg.length} ranges)`);
    }
    return { att, sg, dir };
  }

  /** Unmap + detach. */
  release(imp: Import): void {
    const buf = imp.att.dmabuf;
    buf.unmap(imp.att, imp.sg);
    buf.detach(imp.att);
  }
}

/** True when each entry starts where the previous one ends. */
export function isContiguous(sg: ScatterList): boolean {
  for (let i = 1; i < sg.length; i++) if (sg[i].dmaAddress !== sg[i - 1].dmaAddress + sg[i - 1].length) return false;
  return sg.length > 0;
}
