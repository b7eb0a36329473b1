import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWorkspace, type Workspace } from '../../../src-common/workspace';
import { buildRun } from './build';
import { SEC } from '../core';
import type { IpiTraffic } from '../ipi/fabric';

/**
 * The simulation honours libvirt's placement of a guest's non-vCPU threads and memory: QEMU's
 * I/O workers run where emulatorpin / iothreadpin put them, their wakeups reach only CPUs they may
 * run on, hugetlbfs-backed RAM gets neither KSM nor THP, and a memory binding away from a vCPU's
 * node makes its host faults remote.
 */
const load = (name: string): Workspace => parseWorkspace(JSON.parse(fs.readFileSync(new URL(`../../../resources/workspaces/${name}.json`, import.meta.url), 'utf8')));

function started(ws: Workspace, seconds = 60) {
  const r = buildRun(ws, { seed: 1 });
  let traffic: IpiTraffic | undefined;
  const set = r.fabric.setTraffic.bind(r.fabric);
  r.fabric.setTraffic = (t) => {
    traffic = t;
    set(t);
  };
  r.sim.runUntil(seconds * SEC);
  return { r, traffic: traffic!, tasks: r.machine.taskEntities() };
}

/** Host CPUs the QEMU workers of guest `g` run on: where their page-fault call paths run. */
const workerCpus = (traffic: IpiTraffic, g: string) => [...new Set(traffic.paths.filter((p) => p.task.kind === 'qemu-worker' && p.task.guest === g).map((p) => p.cpu))];

/** Wakeups per second of `why` placed on CPUs running a vCPU of `guest`. */
const wakesOnto = (x: ReturnType<typeof started>, why: string, guest: string) =>
  x.traffic.streams.filter((s) => s.why === `${why} woken onto a CPU running a vCPU` && x.r.cpus.get(s.to).kind === 'guest' && (x.r.cpus.get(s.to) as { guest: string }).guest === guest).reduce((a, s) => a + s.ratePerSec, 0);

describe('QEMU threads where libvirt pins them', () => {
  it("moves guest A's I/O workers onto its emulatorpin CPUs, and their wakeups off its vCPUs (what-if: host wakeups onto vCPU CPUs)", () => {
    const free = started(load('seed-power9-ipi-whatif'), 5);
    const ws = load('seed-power9-ipi-whatif');
    ws.guests[0].emulatorpin = '112-127'; // cores 28-31: none of A's vCPUs is pinned there
    const pinned = started(ws, 5);
    expect(workerCpus(free.traffic, 'A').some((c) => c < 112)).toBe(true);
    expect(workerCpus(pinned.traffic, 'A').length).toBeGreaterThan(0);
    for (const c of workerCpus(pinned.traffic, 'A')) expect(c).toBeGreaterThanOrEqual(112);
    expect(wakesOnto(free, 'QEMU worker (A)', 'A')).toBeGreaterThan(100);
    expect(wakesOnto(pinned, 'QEMU worker (A)', 'A')).toBe(0);
    // What reaches A's vCPU CPUs from the host drops by those wakeups.
    const a = (x: ReturnType<typeof started>) => x.r.machine.hostIpisToVcpus().A;
    expect(a(pinned)).toBeLessThan(a(free));
  });

  it('with IOThreads, the workers follow their IOThread pins', () => {
    const ws = load('seed-power9-ipi');
    Object.assign(ws.guests[1], { iothreads: 2, iothreadpin: [{ iothread: 1, cpuset: '120-123' }, { iothread: 2, cpuset: '124-127' }] });
    const cpus = workerCpus(started(ws).traffic, 'B');
    expect(cpus.length).toBeGreaterThan(0);
    for (const c of cpus) expect(c).toBeGreaterThanOrEqual(120);
  });

  it('hugepage backing takes the guest off KSM and THP; no guest left for them, no ksmd or khugepaged', () => {
    const ws = load('seed-power9-ipi');
    for (const g of ws.guests) g.hugepages = { pages: [] };
    const kinds = new Set(started(ws, 1).tasks.map((t) => t.kind));
    expect(kinds.has('ksmd')).toBe(false);
    expect(kinds.has('khugepaged')).toBe(false);
    expect(new Set(started(load('seed-power9-ipi'), 1).tasks.map((t) => t.kind)).has('ksmd')).toBe(true);
  });

  it('memory bound to the other node makes the vCPU threads spend longer in the host per fault', () => {
    const residency = (ws: Workspace) => {
      const { traffic } = started(ws, 1);
      const a = traffic.residency.filter((x) => x.task.guest === 'B');
      return a.reduce((s, x) => s + x.hostShare, 0) / a.length;
    };
    const local = load('seed-power9-ipi');
    local.guests[1].vcpupin = [0, 1, 2, 3].map((vcpu) => ({ vcpu, cpuset: '112-127' })); // socket 1
    const remote = structuredClone(local);
    remote.guests[1].numatune = { memory: { mode: 'strict', nodeset: '0' } };
    const bound = structuredClone(local);
    bound.guests[1].numatune = { memory: { mode: 'strict', nodeset: '1' } };
    expect(residency(remote)).toBeGreaterThan(residency(local));
    expect(residency(bound)).toBe(residency(local));
  });
});
