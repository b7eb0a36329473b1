import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStressArgs, parseStressCommand } from '../../src-main/engine/stress/parse';
import { importLibvirtXml } from '../../src-main/host/import/libvirt';
import { loadWorkspace } from '../../src-main/host/workspace/load';
import { JOB_BUDGET } from '../../src-main/host/run/job-pool';
import { RUN_BUDGET } from '../../src-main/host/run/runner';
import { contract } from '../bridge';
import { workspaceProblems, type Workspace } from '../workspace';
import { parseCpuset } from './cpuset';
import { LIMITS, limitsTable } from './limits';

// Issue 11: every size bounded where it enters. Each input below was accepted (and then
// exhausted or stalled the host) before the limits.
const seed = () => loadWorkspace('builtin:seed-power9-ipi');
const problems = (ws: unknown) => workspaceProblems(ws).map((e) => e.message);
const argProblems = (method: string, arg: unknown) => {
  const r = (contract.methods as Record<string, { input: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } } }>)[method].input.safeParse(arg);
  return r.success ? [] : r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('workspace limits', () => {
  it('vCPUs per guest: at most 4096 (libvirt), checked before a run builds 131072 of them', () => {
    const ws = seed();
    ws.guests[0].smp = { sockets: 64, cores: 256, threads: 8 };
    ws.guests[0].vcpupin = [];
    expect(problems(ws)).toContain("guests[0].smp: 64 × 256 × 8 = 131072 vCPUs; at most 4096 vCPUs per guest (libvirt's QEMU maximum)");
  });
  it('guests and vCPUs over all guests', () => {
    const ws = seed();
    const g = { ...ws.guests[0], vcpupin: [], smp: { sockets: 4, cores: 256, threads: 4 } };
    ws.guests = Array.from({ length: 64 }, (_, i) => ({ ...g, name: `g${i}` }));
    ws.workloads = [];
    expect(problems(ws)).toEqual(['guests: 262144 vCPUs in all; at most 16384 vCPUs over all guests']);
    ws.guests = Array.from({ length: 257 }, (_, i) => ({ ...g, smp: { sockets: 1, cores: 1, threads: 1 }, name: `g${i}` }));
    expect(problems(ws)).toEqual(['guests: expected at most 256 guests']);
  });
  it('a cpuset: its length and its CPU numbers are checked before any range is expanded', () => {
    expect(() => parseCpuset('0-15000000')).toThrow("CPU 15000000 in '0-15000000' is beyond the host (CPUs 0-16383)");
    expect(() => parseCpuset('0,'.repeat(20_000) + '1')).toThrow('cpuset of 40001 characters; at most 16384 characters');
    // Many overlapping full ranges expand once.
    expect(parseCpuset(Array(2000).fill('0-16383').join(','))).toHaveLength(16384);
    const ws = seed();
    ws.guests[0].vcpupin[0].cpuset = '0-' + '9'.repeat(400);
    expect(problems(ws)[0]).toMatch(/^guests\[0\]\.vcpupin\[0\]\.cpuset: CPU 9{20}… in '0-9{58}…' \(402 characters\) is beyond the host \(CPUs 0-127\)$/);
  });
  it('MHI controllers, workloads, dma-buf bytes, params', () => {
    const ws = seed() as Workspace;
    ws.devices.mhi = Array.from({ length: 17 }, (_, i) => ({ name: `mhi${i}`, socket: 0, pcieGen: 3, pcieWidth: 1, ringSize: 32, mtu: 4096 }));
    ws.devices.dmabuf.exporters = [
      { name: 'a', kind: 'system-heap', sizeBytes: 200 * 1024 * 1024 },
      { name: 'b', kind: 'system-heap', sizeBytes: 100 * 1024 * 1024 },
    ];
    ws.workloads = Array.from({ length: 257 }, () => ({ target: 'host', command: 'stress -c 1' }));
    ws.params = Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [`k${i}`, 1]));
    expect(problems(ws).sort()).toEqual([
      "devices.dmabuf.exporters[1].sizeBytes: the exporters' buffers add up to 314572800 bytes; at most 268435456 bytes in all",
      'devices.mhi: expected at most 16 controllers',
      'params: expected at most 1024 entries',
      'workloads: expected at most 256 workloads',
    ]);
  });
});

describe('stress counts are long long', () => {
  it('stress-check prints 9223372036854775807 as stress does', () => {
    const r = parseStressArgs(['--io', '9223372036854775807']);
    expect(r).toMatchObject({ kind: 'dispatch', stdout: 'dispatching hogs: 0 cpu, 9223372036854775807 io, 0 vm, 0 hdd\n' });
    expect(parseStressArgs(['--cpu', '99999999999999999999'])).toMatchObject({ stdout: 'dispatching hogs: 9223372036854775807 cpu, 0 io, 0 vm, 0 hdd\n' });
  });
  it('a workload refuses more hogs than pid_max processes, instead of building them', () => {
    expect(() => parseStressCommand('stress --io 9223372036854775807')).toThrow(
      'stress: dispatching hogs: 0 cpu, 9223372036854775807 io, 0 vm, 0 hdd is 9223372036854775807 hogs; a workload may start at most 32768 (one process each, pid_max 32768)',
    );
    expect(parseStressCommand('stress --cpu 32768').cpu).toBe(32768);
  });
});

describe('importers', () => {
  it('libvirt: <vcpu>12000000</vcpu> and cpuset="0-15000000" are refused before anything is built', () => {
    expect(() => importLibvirtXml('<domain><name>a</name><memory>1</memory><vcpu>12000000</vcpu></domain>')).toThrow(
      "domain/vcpu: expected 1..4096 vCPUs (libvirt's QEMU maximum), got 12000000",
    );
    expect(() => importLibvirtXml('<domain><name>a</name><memory>1</memory><vcpu cpuset="0-15000000">4</vcpu></domain>')).toThrow(
      "domain/vcpu/@cpuset: CPU 15000000 in '0-15000000' is beyond the host (CPUs 0-16383)",
    );
  });
});

describe('bridge requests', () => {
  it('devices.snapshot: loopback bytes summed over the controllers', () => {
    const ws = loadWorkspace('builtin:devices-demo');
    expect(argProblems('devices.snapshot', { document: ws, loopback: '64M' })).toEqual(['loopback: 64M on each of 2 MHI controllers is 134217728 bytes; at most 67108864 bytes in all']);
    expect(argProblems('devices.snapshot', { document: ws, loopback: '32M' })).toEqual([]);
  });
  it('aie.readPartitionMemory: at most 16 MiB per read (a 128 × 32 partition is 127 MB)', () => {
    const ws = seed();
    ws.devices.aie = { columns: 128, rows: 32, partitions: [{ name: 'all', startCol: 0, numCols: 128 }] };
    expect(argProblems('aie.readPartitionMemory', { doc: ws, partition: 'all', mem: 'data' })).toEqual([
      "partition: partition 'all' holds 130023424 bytes of data memory (128 columns × 31 core rows); one read returns at most 16777216 bytes: read its tiles with aie.readMemory",
    ]);
    ws.devices.aie.partitions[0].numCols = 50;
    ws.devices.aie.rows = 9;
    expect(argProblems('aie.readPartitionMemory', { doc: ws, partition: 'all', mem: 'data' })).toEqual([]);
  });
});

describe('docs/limits.md', () => {
  it('holds the table of LIMITS', () => {
    const doc = fs.readFileSync(new URL('../../docs/limits.md', import.meta.url), 'utf8');
    expect(doc).toContain(limitsTable());
    expect(doc).toContain(`${JOB_BUDGET.memoryMb} MB V8 heap, ${JOB_BUDGET.wallMs / 1000} s wall, ${JOB_BUDGET.queue} waiting`);
    expect(doc).toContain(`${RUN_BUDGET.memoryMb.toLocaleString('en-US')} MB V8 heap; ${RUN_BUDGET.buildMs / 1000} s to build`);
    expect(doc).toContain(`${RUN_BUDGET.stopGraceMs / 1000} s to stop between chunks`);
    expect(Object.keys(LIMITS).length).toBeGreaterThan(10);
  });
});
