import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { parseWorkspace, workspaceProblems } from './schema';
import { emptyWorkspace } from './empty';

const seed = () => JSON.parse(fs.readFileSync(new URL('../../resources/workspaces/seed-power9-ipi.json', import.meta.url), 'utf8'));

describe('workspace schema', () => {
  it('accepts every built-in workspace', () => {
    const dir = new URL('../../resources/workspaces/', import.meta.url);
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json')))
      expect(workspaceProblems(JSON.parse(fs.readFileSync(new URL(f, dir), 'utf8'))), f).toEqual([]);
    expect(workspaceProblems(emptyWorkspace('x'))).toEqual([]);
  });

  it('names the field of each problem', () => {
    const ws = seed();
    ws.guests[1].smp.threads = 0;
    ws.guests[0].vcpupin[3].cpuset = '0-200';
    ws.surprise = true;
    expect(workspaceProblems(ws).map((e) => e.message)).toEqual([
      'guests[1].smp.threads: expected 1..8, got 0',
      'surprise: unknown field',
      "guests[0].vcpupin[3].cpuset: CPU 200 in '0-200' is beyond the host (CPUs 0-127)",
    ]);
    expect(() => parseWorkspace(ws)).toThrow(/guests\[1\]\.smp\.threads: expected 1\.\.8, got 0 \(and 2 more\)/);
  });

  it('a negative smp count is refused by its field, not by the guest checks it would break (fuzz, issue 11)', () => {
    const ws = seed();
    ws.guests[1].smp.sockets = -536893103;
    expect(workspaceProblems(ws).map((e) => e.message)).toEqual(['guests[1].smp.sockets: expected 1..64, got -536893103']);
  });

  // Issue 11: 56 pins with cpusets at their own length limit held the serving thread 0.9 s
  // (load 20) on every check of the document; the sum is bounded before any is parsed.
  it('refuses cpusets past the document total before parsing any of them', () => {
    const ws = seed();
    const long = Array.from({ length: 5000 }, (_, i) => String(i % 128)).join(',').slice(0, 16384).replace(/,$/, '');
    ws.guests[0].vcpupin = ws.guests[0].vcpupin.map((p: { cpuset: string }) => ({ ...p, cpuset: long }));
    const total = ws.guests[0].vcpupin.length * long.length + ws.guests[1].vcpupin.reduce((n: number, p: { cpuset: string }) => n + p.cpuset.length, 0);
    expect(total).toBeGreaterThan(131072);
    expect(workspaceProblems(ws).map((e) => e.message)).toEqual([`guests: ${total} characters of cpusets and nodesets in all; at most 131072 characters`]);
    ws.guests[0].vcpupin = ws.guests[0].vcpupin.slice(0, 7);
    expect(workspaceProblems(ws)).toEqual([]);
  });

  it('checks references across the document', () => {
    const ws = seed();
    ws.guests[1].name = 'A';
    ws.workloads[0].target = 'C';
    ws.guests[0].vcpupin.push({ vcpu: 56, cpuset: '0' });
    const msgs = workspaceProblems(ws).map((e) => e.message);
    expect(msgs).toContain("guests[1].name: duplicate guest name 'A'");
    expect(msgs).toContain("workloads[0].target: no guest named 'C' (expected 'host' or a guest name)");
    expect(msgs).toContain('guests[0].vcpupin[56].vcpu: expected 0..55, got 56');
  });

  it('refuses SMT8 chips with more than 12 cores and duplicate MHI controller names', () => {
    const ws = seed();
    ws.host.threadsPerCore = 8;
    ws.devices.mhi = [
      { name: 'mhi0', socket: 0, pcieGen: 3, pcieWidth: 1, ringSize: 64, mtu: 4096 },
      { name: 'mhi0', socket: 1, pcieGen: 3, pcieWidth: 1, ringSize: 64, mtu: 4096 },
    ];
    const msgs = workspaceProblems(ws).map((e) => e.message);
    expect(msgs).toContain('host.sockets[0].cores: expected 1..12 for SMT8, got 16');
    expect(msgs).toContain("devices.mhi[1].name: duplicate MHI controller name 'mhi0'");
  });
});
