import { describe, expect, it } from 'vitest';
import { seedWorkspace } from './dev/cases';
import { ok, refused } from './test-edits';
import { evenCells, hugepageSummary, setCellCount, setPlacement, withIothreadPin } from './edits-placement';

describe('guest placement edits (libvirt cputune, numatune, cpu/numa, memoryBacking)', () => {
  const ws = seedWorkspace();
  const before = JSON.stringify(ws);

  it('pin emulator threads and IOThreads, refusing CPUs the host lacks (naming the field)', () => {
    const pinned = ok(setPlacement(ws, 'A', { emulatorpin: '120-127', iothreads: 2, iothreadpin: [{ iothread: 1, cpuset: '124' }] }));
    expect(pinned.guests[0]).toMatchObject({ emulatorpin: '120-127', iothreads: 2, iothreadpin: [{ iothread: 1, cpuset: '124' }] });
    const bad = refused(setPlacement(ws, 'A', { emulatorpin: '120-128' }));
    expect(bad.field).toBe('guests[0].emulatorpin');
    expect(bad.message).toContain('guest A, emulator threads');
    expect(bad.message).toContain('128');
    expect(refused(setPlacement(ws, 'A', { emulatorpin: '3-1' })).field).toBe('guests[0].emulatorpin');
    // Fewer IOThreads take the pins of those gone with them; none removes the pins.
    const two = ok(setPlacement(pinned, 'A', { iothreadpin: withIothreadPin(pinned.guests[0], 2, '125') }));
    expect(two.guests[0].iothreadpin).toEqual([
      { iothread: 1, cpuset: '124' },
      { iothread: 2, cpuset: '125' },
    ]);
    expect(ok(setPlacement(two, 'A', { iothreads: 1 })).guests[0].iothreadpin).toEqual([{ iothread: 1, cpuset: '124' }]);
    expect(ok(setPlacement(two, 'A', { iothreads: undefined })).guests[0].iothreadpin).toBeUndefined();
    expect(withIothreadPin(two.guests[0], 1, ' ')).toEqual([{ iothread: 2, cpuset: '125' }]);
    // Empty removes the field altogether.
    expect('emulatorpin' in ok(setPlacement(pinned, 'A', { emulatorpin: undefined })).guests[0]).toBe(false);
  });

  it('split a guest into NUMA cells by whole virtual cores, memory summed; memnodes of dropped cells go', () => {
    const g = ws.guests[0]; // 56 vCPUs: 28 virtual cores of 2 threads
    const cells = evenCells(g, 2)!;
    expect(cells.map((c) => c.cpus)).toEqual(['0-27', '28-55']);
    expect(cells.reduce((a, c) => a + c.memoryBytes, 0)).toBe(g.memoryBytes);
    const split = ok(setCellCount(ws, 'A', 2));
    const bound = ok(setPlacement(split, 'A', { numatune: { memory: { mode: 'strict', nodeset: '0' }, memnode: [{ cellid: 1, mode: 'preferred', nodeset: '1' }] } }));
    const one = ok(setCellCount(bound, 'A', 1));
    expect(one.guests[0].numaCells).toHaveLength(1);
    expect(one.guests[0].numatune).toEqual({ memory: { mode: 'strict', nodeset: '0' } });
    expect(ok(setCellCount(bound, 'A', 0)).guests[0].numaCells).toBeUndefined();
    // More cells than virtual cores: refused naming the field, nothing changed.
    const many = refused(setCellCount(ws, 'B', 5));
    expect(many.field).toBe('guests[1].numaCells');
    expect(many.message).toContain('5 cells need at least 5 virtual cores; guest B has 4');
  });

  it('refuse a cell list that misses or repeats a vCPU, and a nodeset naming a node the host lacks', () => {
    const split = ok(setCellCount(ws, 'A', 2));
    const cells = split.guests[0].numaCells!;
    const twice = refused(setPlacement(split, 'A', { numaCells: [cells[0], { ...cells[1], cpus: '27-55' }] }));
    expect(twice.field).toBe('guests[0].numaCells[1].cpus');
    expect(twice.message).toContain('vCPU 27 is in cell 0 and cell 1');
    expect(refused(setPlacement(split, 'A', { numaCells: [cells[0], { ...cells[1], cpus: '28-56' }] })).field).toBe('guests[0].numaCells[1].cpus');
    const node = refused(setPlacement(ws, 'A', { numatune: { memory: { mode: 'strict', nodeset: '2' } } }));
    expect(node.field).toBe('guests[0].numatune.memory.nodeset');
    expect(node.message).toContain('guest A, memory binding');
  });

  it('back a guest with hugepages and take it back; never change their input', () => {
    expect(ok(setPlacement(ws, 'B', { hugepages: { pages: [{ sizeBytes: 2 ** 21 }] } })).guests[1].hugepages).toEqual({ pages: [{ sizeBytes: 2 ** 21 }] });
    expect(refused(setPlacement(ws, 'nobody', {})).field).toBe('guests');
    expect(JSON.stringify(ws)).toBe(before);
  });
});

describe('hugepage backing as the inspector shows it', () => {
  it('one size for the whole guest, or each <page> with the guest cells it backs (as a libvirt import may give)', () => {
    const g = seedWorkspace().guests[1];
    expect(hugepageSummary({ ...g, hugepages: undefined })).toBeNull();
    expect(hugepageSummary({ ...g, hugepages: { pages: [] } })).toEqual({ size: 0, pages: [] });
    expect(hugepageSummary({ ...g, hugepages: { pages: [{ sizeBytes: 2 ** 21 }] } })).toEqual({ size: 2 ** 21, pages: [] });
    // Two sizes on two cells: the size field says so, and each is listed; picking a size replaces them (undoable).
    const mixed = {
      ...g,
      hugepages: {
        pages: [
          { sizeBytes: 2 ** 21, nodeset: '0' },
          { sizeBytes: 2 ** 30, nodeset: '1' },
        ],
      },
    };
    expect(hugepageSummary(mixed)).toEqual({ size: 'per-cell', pages: ['2 MiB pages for guest cell 0', '1 GiB pages for guest cell 1'] });
    expect(hugepageSummary({ ...g, hugepages: { pages: [{ sizeBytes: 2 ** 21, nodeset: '0-1' }] } })).toEqual({ size: 'per-cell', pages: ['2 MiB pages for guest cells 0-1'] });
  });
});
