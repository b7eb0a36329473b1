import { describe, expect, it } from 'vitest';
import { Simulation } from '../core';
import { AieArray } from '../aie/array';
import { aiePartitionMemory, exportAieMemory, type AiePartitionMemory } from './aie-exporter';
import { arrayView, type ByteView } from './buffer';
import { CameraProducer } from './camera';
import { FenceContext } from './fence';
import { Importer, isContiguous } from './importers';
import { SystemHeap } from './system-heap';

const sim = () => new Simulation({ seed: 5 });

/** A stand-in AIE partition memory: 2 columns × 2 core rows of 4 KiB tiles, tile k filled with k+1. */
function fakeAieMemory(tileSize = 4096): AiePartitionMemory {
  const bytes = new Uint8Array(tileSize * 4);
  for (let k = 0; k < 4; k++) bytes.fill(k + 1, k * tileSize, (k + 1) * tileSize);
  return { partition: 'p0', kind: 'data', offset: 0, tileSize, view: arrayView(bytes) };
}

describe('system heap exporter', () => {
  it('exports page-rounded buffers whose scatter list covers the size in several ranges', () => {
    const s = sim();
    const buf = new SystemHeap(s).allocate(64 * 1024 + 1);
    expect(buf.size).toBe(68 * 1024);
    const gpu = new Importer('gpu0', 'gpu');
    const imp = gpu.import(buf, 'bidirectional');
    expect(imp.sg.reduce((n, e) => n + e.length, 0)).toBe(buf.size);
    expect(imp.sg.length).toBeGreaterThan(1);
    expect(isContiguous(imp.sg)).toBe(false);
    gpu.release(imp);
  });

  it('a display refuses a scattered buffer and leaves nothing attached', () => {
    const buf = new SystemHeap(sim()).allocate(256 * 1024);
    expect(() => new Importer('display0', 'display').import(buf, 'to-device')).toThrow(/buffer chunks must be mapped contiguously/);
    expect(buf.attachments).toHaveLength(0);
    expect(buf.refcount).toBe(1);
  });

  it('a display only reads', () => {
    const buf = new CameraProducer(sim()).allocate(4096);
    expect(() => new Importer('display0', 'display').import(buf, 'from-device')).toThrow(/only reads/);
  });

  it('vmap and mmap see the same bytes; mmap checks page alignment and the end', () => {
    const buf = new SystemHeap(sim()).allocate(8192);
    const v = buf.vmap();
    v.write(4096, new Uint8Array([1, 2, 3]));
    expect([...buf.mmap(4096, 4096).read(0, 3)]).toEqual([1, 2, 3]);
    expect(() => buf.mmap(100, 10)).toThrow(/EINVAL: mmap offset 100 .* not a multiple of the page size 4096/);
    expect(() => buf.mmap(4096, 4097)).toThrow(/runs past its end \(8192 bytes\)/);
    expect(() => buf.put()).toThrow(/vmap\(s\) outstanding/);
    buf.vunmap();
    expect(() => buf.vunmap()).toThrow(/not vmapped/);
  });

  it('is released when the last reference goes (the export and each attachment hold one)', () => {
    const buf = new SystemHeap(sim()).allocate(4096);
    const gpu = new Importer('gpu0', 'gpu');
    const imp = gpu.import(buf, 'to-device');
    expect(buf.refcount).toBe(2);
    buf.put(); // the exporter's fd is closed; the importer still holds the buffer
    expect(buf.released).toBe(false);
    expect(() => buf.detach(imp.att)).toThrow(/mapping\(s\) still mapped/);
    gpu.release(imp);
    expect(buf.released).toBe(true);
    expect(() => buf.attach(gpu)).toThrow(/EINVAL: cannot attach to system:\d+: it was released/);
  });
});

describe('CPU access', () => {
  it('begin waits for the fences of the access direction; end must match a begin', () => {
    const s = sim();
    const buf = new SystemHeap(s).allocate(4096);
    const ctx = new FenceContext('gpu0', () => s.now);
    const reader = ctx.create();
    buf.resv.tryLock();
    buf.resv.addSharedFence(reader);
    buf.resv.unlock();
    const seen: string[] = [];
    buf.beginCpuAccess('to-device', () => seen.push('read'));
    buf.beginCpuAccess('bidirectional', () => seen.push('write'));
    expect(seen).toEqual(['read']); // a CPU reader does not wait for device readers
    reader.signal();
    expect(seen).toEqual(['read', 'write']);
    buf.endCpuAccess('bidirectional');
    buf.endCpuAccess('to-device');
    expect(() => buf.endCpuAccess('to-device')).toThrow(/without a matching begin/);
  });
});

describe('camera producer', () => {
  it('captures a frame under an exclusive fence that a consumer waits for', () => {
    const s = sim();
    const cam = new CameraProducer(s);
    const buf = cam.allocate(4096);
    const fence = cam.capture(buf, 7);
    expect(fence).not.toBe('EBUSY');
    let first = -1;
    buf.beginCpuAccess('to-device', () => (first = buf.vmap().read(0, 1)[0]));
    expect(first).toBe(-1);
    s.runUntil(s.params.get('dmabuf.cameraFrameNs'));
    expect(first).toBe(7);
    const disp = new Importer('display0', 'display');
    const imp = disp.import(buf, 'to-device');
    expect(imp.sg).toHaveLength(1);
  });

  it('drops a frame when the buffer is reserved by someone else', () => {
    const s = sim();
    const cam = new CameraProducer(s);
    const buf = cam.allocate(4096);
    buf.resv.tryLock();
    expect(cam.capture(buf, 1)).toBe('EBUSY');
    expect(cam.dropped).toBe(1);
  });
});

describe('AIE partition-memory exporter', () => {
  it("mapping fails with the seed's warning; unmap is never reached", () => {
    const s = sim();
    const buf = exportAieMemory(s, fakeAieMemory());
    const gpu = new Importer('gpu0', 'gpu');
    expect(() => gpu.import(buf, 'to-device')).toThrow(/ENOMEM: gpu0: aie-p0-data:\d+ could not be mapped/);
    expect(s.log.lines.map((l) => l.text)).toEqual(['gpu0: AI engine memory map dma buf is not implemented.']);
    expect(buf.attachments).toHaveLength(0);
  });

  it('an AIE importer gets the same refusal', () => {
    const s = sim();
    const buf = exportAieMemory(s, fakeAieMemory());
    expect(() => new Importer('aie0', 'aie').import(buf, 'bidirectional')).toThrow(/ENOMEM/);
    expect(s.log.format()).toContain('aie0: AI engine memory map dma buf is not implemented.');
  });

  it('mmap works, from a page offset, over the tile memories; past the end is EINVAL', () => {
    const s = sim();
    const buf = exportAieMemory(s, fakeAieMemory());
    expect(buf.size).toBe(4 * 4096);
    const m: ByteView = buf.mmap(4096, 8192);
    expect([m.read(0, 1)[0], m.read(4096, 1)[0]]).toEqual([2, 3]);
    m.write(0, new Uint8Array([0xaa]));
    expect(buf.mmap(0, 16384).read(4096, 1)[0]).toBe(0xaa);
    expect(() => buf.mmap(8192, 12288)).toThrow(/EINVAL: .*runs past its end/);
    expect(() => buf.vmap()).toThrow(/does not implement vmap/);
  });

  it('refuses a memory whose tile size is not page aligned, with the seed warning', () => {
    const s = sim();
    expect(() => exportAieMemory(s, fakeAieMemory(1000))).toThrow(/EINVAL: .*not a multiple of the page size/);
    expect(s.log.lines[0].text).toBe('aie p0: no dmabuf for mem(0x0, 0x3e8), not aligned with page size.');
  });

  it('exports the AIE model\'s partition memories: mmap walks the tiles, map fails, release reaches the partition memory', () => {
    const s = sim();
    const array = new AieArray(s, { columns: 5, rows: 4 });
    const part = array.requestPartition({ startCol: 1, numCols: 2 });
    const [data, program] = part.memories();
    const buf = exportAieMemory(s, aiePartitionMemory(data));
    expect(buf.size).toBe(32 * 1024 * 2 * 3);
    expect(exportAieMemory(s, aiePartitionMemory(program)).size).toBe(16 * 1024 * 2 * 3);
    array.tile({ col: 1, row: 2 }).memory('data').writeWord(0, 0x5a);
    expect(buf.mmap(32 * 1024, 4096).read(0, 1)[0]).toBe(0x5a); // second tile of column 1 is (1,2)
    expect(() => new Importer('gpu0', 'gpu').import(buf, 'to-device')).toThrow(/ENOMEM/);
    expect(s.log.format()).toContain('gpu0: AI engine memory map dma buf is not implemented.');
    buf.put();
    expect(data.buffer.released).toBe(true);
  });

  it('an AIE importer maps a system-heap buffer', () => {
    const buf = new SystemHeap(sim()).allocate(8192);
    const imp = new Importer('aie0', 'aie').import(buf, 'from-device');
    expect(imp.sg.reduce((n, e) => n + e.length, 0)).toBe(8192);
  });
});
