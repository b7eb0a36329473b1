import { describe, expect, it } from 'vitest';
import { seedWorkspace } from './dev/cases';
import { ok, refused } from './test-edits';
import * as E from './edits';

describe('topology edits', () => {
  const ws = seedWorkspace();
  const before = JSON.stringify(ws);

  it('never change their input', () => {
    E.addSocket(ws);
    E.pinVcpus(ws, 'B', [0], '0-3');
    E.removeGuest(ws, 'A');
    expect(JSON.stringify(ws)).toBe(before);
  });

  it('add and remove sockets and cores', () => {
    expect(ok(E.addSocket(ws)).host.sockets).toHaveLength(3);
    expect(ok(E.addCore(ws, 1)).host.sockets[1].cores).toBe(17);
    expect(ok(E.removeCore(ws, 1)).host.sockets[1].cores).toBe(15);
    // Guest A's pins reach CPU 111, on socket 1: removing it is refused, naming the pin.
    const r = refused(E.removeSocket(ws, 1));
    expect(r.field).toMatch(/^guests\[0\]\.vcpupin\[\d+\]\.cpuset$/);
    expect(r.message).toContain('which this edit removes');
    expect(refused(E.addCore(ws, 5)).field).toBe('host.sockets');
    let full = ws;
    for (let i = 0; i < 8; i++) full = ok(E.addCore(full, 0));
    expect(refused(E.addCore(full, 0))).toMatchObject({ field: 'host.sockets[0].cores' });
  });

  it('change SMT mode, refusing what the pins or the chip cannot take', () => {
    expect(refused(E.setSmt(ws, 2)).field).toMatch(/^guests\[0\]\.vcpupin/); // 64 CPUs left, pins reach 111
    expect(refused(E.setSmt(ws, 3))).toMatchObject({ field: 'host.threadsPerCore' });
    const smt8 = refused(E.setSmt(ok(E.removeGuest(ws, 'A')), 8));
    expect(smt8.message).toContain('expected 1..12 for SMT8, got 16');
  });

  it('add, remove, rename, copy and paste guests', () => {
    const added = ok(E.addGuest(ws));
    expect(added.guests.map((g) => g.name)).toEqual(['A', 'B', 'C']);
    const removed = ok(E.removeGuest(ws, 'B'));
    expect(removed.guests.map((g) => g.name)).toEqual(['A']);
    expect(removed.workloads.map((w) => w.target)).toEqual(['A', 'host']);
    const renamed = ok(E.updateGuest(ws, 'B', { name: 'batch' }));
    expect(renamed.workloads[1].target).toBe('batch');
    expect(refused(E.updateGuest(ws, 'B', { name: 'A' })).message).toContain("duplicate guest name 'A'");
    expect(refused(E.updateGuest(ws, 'B', { smp: { sockets: 1, cores: 4, threads: 0 } }))).toMatchObject({ field: 'guests[1].smp.threads' });
    const shrunk = ok(E.updateGuest(ws, 'A', { smp: { sockets: 1, cores: 2, threads: 2 } }));
    expect(shrunk.guests[0].vcpupin.map((p) => p.vcpu)).toEqual([0, 1, 2, 3]);
    const pasted = ok(E.pasteGuest(ws, E.copyGuest(ws, 'A')));
    expect(pasted.guests[2].name).toBe('A2');
    expect(pasted.guests[2].vcpupin).toEqual(ws.guests[0].vcpupin);
    expect(refused(E.removeGuest(ws, 'Z')).message).toContain("no guest named 'Z'");
  });

  it('pin by cpuset, refusing a bad one with the field typed in', () => {
    const pinned = ok(E.pinVcpus(ws, 'B', [0, 1], '112-115,^113'));
    expect(pinned.guests[1].vcpupin).toEqual([
      { vcpu: 0, cpuset: '112-115,^113' },
      { vcpu: 1, cpuset: '112-115,^113' },
    ]);
    expect(ok(E.unpinVcpus(pinned, 'B', [0])).guests[1].vcpupin).toEqual([{ vcpu: 1, cpuset: '112-115,^113' }]);
    expect(refused(E.pinVcpus(ws, 'B', [0], '0-200'))).toMatchObject({ field: 'guests[1].vcpupin[0].cpuset' });
    expect(refused(E.pinVcpus(ws, 'A', [3], '5-x'))).toMatchObject({ field: 'guests[0].vcpupin[3].cpuset' });
    expect(refused(E.pinVcpus(ws, 'B', [9], '0')).message).toContain('no vCPU 9');
  });

  it('spread a range of vCPUs as the seed pins guest A', () => {
    const unpinned = ok(E.unpinVcpus(ws, 'A', Array.from({ length: 56 }, (_, v) => v)));
    const again = ok(E.pinSpread(unpinned, 'A', Array.from({ length: 56 }, (_, v) => v), '0-111', { groupBy: 2 }));
    expect(again.guests[0].vcpupin).toEqual(ws.guests[0].vcpupin);
    expect(refused(E.pinSpread(ws, 'B', [0, 1, 2, 3], '0-2')).message).toContain("need 4 CPUs; '0-2' has 3");
  });

  it('keeps block positions in the view model', () => {
    const moved = ok(E.moveBlock(ws, 'guest:B', { x: 10.4, y: 20 }));
    expect(moved.view).toEqual({ positions: { 'guest:B': { x: 10, y: 20 } } });
    expect(moved.host).toEqual(ws.host);
  });

  it('moves the machine, guests, the AIE array and the dma-buf block in one edit; refuses anything else', () => {
    const dev = ok(E.addDmaExporter(ok(E.addAieArray(ws))));
    const moved = ok(E.moveBlocks(dev, { machine: { x: -40.6, y: 3 }, 'guest:A': { x: 0, y: 900 }, aie: { x: 2000, y: 0 }, dmabuf: { x: 2000, y: 500 } }));
    expect(moved.view?.positions).toEqual({ machine: { x: -41, y: 3 }, 'guest:A': { x: 0, y: 900 }, aie: { x: 2000, y: 0 }, dmabuf: { x: 2000, y: 500 } });
    // A second move keeps the others' places.
    expect(ok(E.moveBlock(moved, 'guest:A', { x: 5, y: 6 })).view?.positions).toMatchObject({ machine: { x: -41, y: 3 }, 'guest:A': { x: 5, y: 6 } });
    for (const id of ['pu:0', 'core:0', 'vcpu:A:0', 'guest:Z', 'aiepart:p0'])
      expect(refused(E.moveBlocks(dev, { [id]: { x: 1, y: 1 } }))).toMatchObject({ field: `view.positions.${id}` });
    // No array, no dma-buf devices: nothing there to move.
    expect(refused(E.moveBlock(ws, 'aie', { x: 1, y: 1 })).field).toBe('view.positions.aie');
    expect(refused(E.moveBlock(ws, 'dmabuf', { x: 1, y: 1 })).field).toBe('view.positions.dmabuf');
    expect(refused(E.moveBlock(ws, 'machine', { x: NaN, y: 1 })).message).toContain('finite');
  });

  it('resets the layout by forgetting every position', () => {
    const moved = ok(E.moveBlock(ws, 'machine', { x: 100, y: 100 }));
    const reset = ok(E.resetLayout(moved));
    expect(reset.view).toBeUndefined();
    expect(reset).toEqual(ws);
  });
});

describe('deleteElements', () => {
  const ws = seedWorkspace();
  it('removes guests, unpins vCPUs and pin edges, removes cores and sockets', () => {
    const d = ok(E.deleteElements(ws, ['guest:B', 'vcpu:A:0', 'pin:A:1:core:0']));
    expect(d.guests.map((g) => g.name)).toEqual(['A']);
    expect(d.guests[0].vcpupin.map((p) => p.vcpu).slice(0, 2)).toEqual([2, 3]);
    const noA = ok(E.removeGuest(ws, 'A'));
    const d2 = ok(E.deleteElements(noA, ['core:0', 'core:1', 'pkg:1']));
    expect(d2.host.sockets.map((s) => s.cores)).toEqual([14]);
    expect(refused(E.deleteElements(ws, ['pu:3'])).message).toContain('Nothing to delete');
    expect(refused(E.deleteElements(ws, ['pkg:1'])).field).toMatch(/^guests\[0\]\.vcpupin/);
  });
});
