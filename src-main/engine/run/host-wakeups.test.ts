import { describe, expect, it } from 'vitest';
import type { CpuState } from '../power9/cpus';
import { HostTopology } from '../power9/topology';
import { wakeupStreams } from './host-wakeups';

const topo = new HostTopology({ threadsPerCore: 4, sockets: [{ cores: 2, memoryBytes: 1 << 30 }, { cores: 2, memoryBytes: 1 << 30 }] });
const guest = (vcpu: number): CpuState => ({ kind: 'guest', guest: 'A', vcpu, task: { comm: `CPU ${vcpu}/KVM`, pid: 100 + vcpu } });
// Socket 0 = CPUs 0-7: CPUs 1 and 2 run vCPUs, CPU 3 a host task; socket 1: CPU 9 runs a vCPU.
const states: CpuState[] = Array.from({ length: 16 }, (_, c): CpuState => (c === 1 || c === 2 || c === 9 ? guest(c) : c === 3 ? { kind: 'host', task: { comm: 'stress', pid: 7 } } : { kind: 'idle' }));

describe('host wakeups onto CPUs running vCPUs', () => {
  it('sends RESCHEDULE (a host IPI, not a kick) to the guest CPUs of the waker\'s socket, rate × fraction split evenly', () => {
    const s = wakeupStreams([{ from: 0, ratePerSec: 1000, why: 'QEMU worker (A)' }], states, topo, 0.01);
    expect(s.map((x) => [x.kind, x.from, x.to, x.ratePerSec])).toEqual([
      ['reschedule', 0, 1, 5],
      ['reschedule', 0, 2, 5],
    ]);
    expect(s[0].why).toBe('QEMU worker (A) woken onto a CPU running a vCPU');
  });

  it('never targets the waker itself, and sends nothing with fraction 0 or no guest CPU on the socket', () => {
    expect(wakeupStreams([{ from: 1, ratePerSec: 100, why: 'ksmd' }], states, topo, 0.5).map((x) => x.to)).toEqual([2]);
    expect(wakeupStreams([{ from: 0, ratePerSec: 100, why: 'ksmd' }], states, topo, 0)).toEqual([]);
    const noGuest = states.map((st, c) => (c === 9 ? ({ kind: 'idle' } as CpuState) : st));
    expect(wakeupStreams([{ from: 12, ratePerSec: 100, why: 'ksmd' }], noGuest, topo, 0.5)).toEqual([]);
  });
});
