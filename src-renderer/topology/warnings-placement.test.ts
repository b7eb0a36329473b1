import { describe, expect, it } from 'vitest';
import { parseWorkspace } from '../../src-common/workspace';
import { seedWorkspace } from './dev/cases';
import { projectWorkspace } from './projection';

/**
 * The Problems tab lists the drawing's warnings (ProblemsList.svelte ← topologyWarnings): the
 * three placement warnings of src-common/workspace/guest-numa.ts reach it, each marking the
 * vCPUs and CPUs it is about on the drawing.
 */
describe('placement warnings on the drawing and in the Problems tab', () => {
  it('memory bound away from the vCPUs, emulator threads on vCPU cores, hugepages beyond a node', () => {
    const ws = seedWorkspace();
    expect(projectWorkspace(ws).warnings).toEqual([]);
    const a = ws.guests[0]; // vCPUs 0-55 pinned two to a core on cores 0-27 (CPUs 0-111), socket 0 holds cores 0-15
    a.numatune = { memory: { mode: 'strict', nodeset: '1' } };
    a.emulatorpin = '0-3';
    a.hugepages = { pages: [] };
    a.memoryBytes = 600 * 2 ** 30;
    const p = projectWorkspace(parseWorkspace(ws));
    expect(p.warnings.map((w) => [w.code, w.field])).toEqual([
      ['numa-remote', 'guests[0].numatune.memory'],
      ['emulator-on-vcpu-cores', 'guests[0].emulatorpin'],
      ['hugepages-over-node', 'guests[0].hugepages'],
    ]);
    expect(p.warnings[1].message).toBe('guest A: emulator threads pinned to CPUs 0-3, on cores that run pinned vCPUs (guest A): their wakeups preempt those vCPUs');
    const [remote, emulator, huge] = p.warnings.map((w) => w.nodes);
    expect(remote).toContain('vcpu:A:0');
    expect(remote).not.toContain('vcpu:A:32'); // vCPU 32 runs on socket 1, where the memory is
    expect(emulator).toEqual(['vcpu:A:0', 'vcpu:A:1', 'pu:0', 'pu:1', 'pu:2', 'pu:3']);
    expect(huge).toContain('pu:64');
    expect(huge).not.toContain('pu:0');
    const els = new Map(p.elements.map((e) => [e.data.id!, e]));
    for (const id of ['vcpu:A:0', 'pu:0', 'pu:64']) expect(els.get(id)!.classes, id).toContain('warn');
  });
});
