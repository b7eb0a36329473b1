import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCpuset } from '../../src-common/parse/cpuset';
import { threadOf, type Workspace } from '../../src-common/workspace';
import { seedWorkspace } from './dev/cases';
import * as E from './edits';

/**
 * Host edits keep CPU identity: for random sequences of + Socket, − Socket, + Core, − Core and
 * SMT changes on the seed, every pinned vCPU stays on the same physical threads, followed by
 * identity (which socket, which core, which thread — not by number), unless the edit would
 * remove one of them, in which case it is refused and the document is unchanged.
 */

type Op = { op: 'addSocket' } | { op: 'removeSocket'; s: number } | { op: 'addCore'; s: number } | { op: 'removeCore'; s: number } | { op: 'smt'; t: 1 | 2 | 4 | 8 };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ op: 'addSocket' as const }),
  fc.record({ op: fc.constant('removeSocket' as const), s: fc.nat(3) }),
  fc.record({ op: fc.constant('addCore' as const), s: fc.nat(3) }),
  fc.record({ op: fc.constant('removeCore' as const), s: fc.nat(3) }),
  fc.record({ op: fc.constant('smt' as const), t: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const) }),
);

/** A physical thread by identity: socket and core ids that survive renumbering. */
type Ident = string;

/** The model: the ids of each socket's cores, in order; new ids for what an edit adds. */
interface Model {
  sockets: number[][];
  threads: number;
  next: number;
  /** Socket ids (NUMA nodes follow their socket). */
  ids: number[];
}

const modelOf = (ws: Workspace): Model => {
  let next = 0;
  return { sockets: ws.host.sockets.map((s) => Array.from({ length: s.cores }, () => next++)), threads: ws.host.threadsPerCore, next, ids: ws.host.sockets.map((_, i) => 1000 + i) };
};

const identOf = (ws: Workspace, m: Model, cpu: number): Ident => {
  const r = threadOf(ws.host, cpu)!;
  return `core#${m.sockets[r.socket][r.core]}.t${r.thread}`;
};

/** Every pinned vCPU's, emulator's and IOThread's threads, and every memory binding's sockets, by identity. */
type PinIdent = [string, string[]];
const pinIdents = (ws: Workspace, m: Model): Record<string, string[]> =>
  Object.fromEntries<string[]>(
    ws.guests.flatMap((g) => [
      ...g.vcpupin.map((p): PinIdent => [`${g.name}:${p.vcpu}`, parseCpuset(p.cpuset).map((c) => identOf(ws, m, c)).sort()]),
      ...(g.emulatorpin ? [<PinIdent>[`${g.name}:emulator`, parseCpuset(g.emulatorpin).map((c) => identOf(ws, m, c)).sort()]] : []),
      ...(g.iothreadpin ?? []).map((p): PinIdent => [`${g.name}:io${p.iothread}`, parseCpuset(p.cpuset).map((c) => identOf(ws, m, c)).sort()]),
      ...(g.numatune?.memory ? [<PinIdent>[`${g.name}:membind`, parseCpuset(g.numatune.memory.nodeset).map((n) => `socket#${m.ids[n]}`)]] : []),
    ]),
  );

/** The seed with guest B's QEMU threads pinned and its memory bound, so edits must carry those too. */
function seedWithQemuPins(): Workspace {
  const ws = seedWorkspace();
  const b = ws.guests.find((g) => g.name === 'B')!;
  return { ...ws, guests: ws.guests.map((g) => (g === b ? { ...b, emulatorpin: '120-123', iothreads: 1, iothreadpin: [{ iothread: 1, cpuset: '60-63' }], numatune: { memory: { mode: 'strict' as const, nodeset: '1' } } } : g)) };
}

function apply(ws: Workspace, m: Model, o: Op): { result: E.EditResult; model: Model } {
  const sockets = m.sockets.map((c) => [...c]);
  const ids = [...m.ids];
  let threads = m.threads;
  let next = m.next;
  switch (o.op) {
    case 'addSocket':
      sockets.push(sockets[sockets.length - 1].map(() => next++));
      ids.push(next++);
      return { result: E.addSocket(ws), model: { sockets, threads, next, ids } };
    case 'removeSocket':
      sockets.splice(o.s, 1);
      ids.splice(o.s, 1);
      return { result: E.removeSocket(ws, o.s), model: { sockets, threads, next, ids } };
    case 'addCore':
      sockets[o.s]?.push(next++);
      return { result: E.addCore(ws, o.s), model: { sockets, threads, next, ids } };
    case 'removeCore':
      sockets[o.s]?.pop();
      return { result: E.removeCore(ws, o.s), model: { sockets, threads, next, ids } };
    case 'smt':
      threads = o.t;
      return { result: E.setSmt(ws, o.t), model: { sockets, threads, next, ids } };
  }
}

/** Whether the edit (as the model sees it) removes a thread some vCPU is pinned to. */
function removesPinned(ws: Workspace, before: Model, after: Model): boolean {
  const kept = new Set<string>(after.ids.map((id) => `socket#${id}`));
  for (const cores of after.sockets) for (const id of cores) for (let t = 0; t < after.threads; t++) kept.add(`core#${id}.t${t}`);
  return Object.values(pinIdents(ws, before)).some((ids) => ids.some((id) => !kept.has(id)));
}

describe('host edits keep CPU identity', () => {
  it('pinned vCPUs, emulator threads and IOThreads stay on the same (socket, core, thread), memory on the same socket, through random edit sequences, or the edit is refused', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 12 }), (ops) => {
        let ws = seedWithQemuPins();
        let m = modelOf(ws);
        for (const o of ops) {
          const before = JSON.stringify(ws);
          const { result, model } = apply(ws, m, o);
          if (result.ok) {
            expect(removesPinned(ws, m, model), `${o.op} was applied although it removes a pinned thread`).toBe(false);
            expect(pinIdents(result.doc, model)).toEqual(pinIdents(ws, m));
            ws = result.doc;
            m = model;
          } else {
            expect(JSON.stringify(ws)).toBe(before);
            // Refused: either it would remove a pinned thread, or the host itself is invalid (core/socket bounds, SMT8 limits).
            if (removesPinned(ws, m, model)) expect(result.message).toMatch(/which this edit removes|whose socket this edit removes|no socket|at least one socket|expected/);
          }
        }
      }),
      { numRuns: 200, seed: 14 },
    );
  });

  it("+ Core on socket 0 of the seed moves guest A's pins on socket 1 with their threads (64-67 → 68-71)", () => {
    const ws = seedWorkspace();
    const a = ws.guests.find((g) => g.name === 'A')!;
    const pin = a.vcpupin.find((p) => p.cpuset === '64-67')!;
    const r = E.addCore(ws, 0);
    if (!r.ok) throw new Error(r.message);
    expect(r.doc.guests.find((g) => g.name === 'A')!.vcpupin.find((p) => p.vcpu === pin.vcpu)!.cpuset).toBe('68-71');
  });

  it('a refusal names the guest and vCPU as the user sees them, then the document path', () => {
    const r = E.removeSocket(seedWorkspace(), 1);
    if (r.ok) throw new Error('expected a refusal');
    expect(r.message).toMatch(/^guest A, vCPU \d+: pinned to CPUs [\d-]+ \(socket 1, Core L#\d+\), which this edit removes; .* \(guests\[0\]\.vcpupin\[\d+\]\.cpuset\)$/);
  });
});

describe('host edits and the QEMU threads and memory binding of a guest', () => {
  it('a refusal names the emulator threads or the memory binding as the user sees them', () => {
    const noA = E.removeGuest(seedWithQemuPins(), 'A');
    if (!noA.ok) throw new Error(noA.message);
    const r = E.removeSocket(noA.doc, 1);
    if (r.ok) throw new Error('expected a refusal');
    expect(r.message).toBe('guest B, emulator threads: pinned to CPUs 120-123 (socket 1, Core L#30), which this edit removes; re-pin or unpin the emulator threads of guest B first (guests[0].emulatorpin)');
    const unpinned = E.removeSocket({ ...noA.doc, guests: noA.doc.guests.map((g) => ({ ...g, emulatorpin: undefined, iothreads: undefined, iothreadpin: undefined })) }, 1);
    if (unpinned.ok) throw new Error('expected a refusal');
    expect(unpinned.message).toBe('guest B, memory binding: binds the memory of guest B to NUMA node 1, whose socket this edit removes; change the binding first (guests[0].numatune.memory.nodeset)');
  });
});

describe('Del on a core removes that core', () => {
  it('the cores after it (and their pins) move down; a pinned core is refused', () => {
    const ws = seedWorkspace();
    // Core L#1 of socket 0 holds guest A's pins: refused, naming the vCPU.
    const pinned = E.deleteElements(ws, ['core:1']);
    expect(pinned.ok).toBe(false);
    // Guest B floats; remove A, pin B's vCPU 0 to core 3's threads (12-15), then delete core 2.
    const noA = E.removeGuest(ws, 'A');
    if (!noA.ok) throw new Error(noA.message);
    const pinnedB = E.pinVcpus(noA.doc, 'B', [0], '12-15');
    if (!pinnedB.ok) throw new Error(pinnedB.message);
    const r = E.deleteElements(pinnedB.doc, ['core:2']);
    if (!r.ok) throw new Error(r.message);
    expect(r.doc.host.sockets[0].cores).toBe(15);
    expect(r.doc.guests.find((g) => g.name === 'B')!.vcpupin.find((p) => p.vcpu === 0)!.cpuset).toBe('8-11');
  });
});
