import { describe, expect, it } from 'vitest';
import type { RunLostIpi } from '../../src-common/bridge/areas/runs';
import { callTraceAt, cpuStrip, cpusAt, lossForArrow, markersOf, stepMarker, waitingAt, type Replay } from './replay';

const loss = (t: number, cpu: number, senderCpu: number): RunLostIpi => ({ t, cpu, kind: 'CALL_FUNCTION', partners: ['RESCHEDULE'], senderCpu });

// CPU 0 runs a guest, then spins from 20 s; CPU 1 idles then runs ksmd.
const replay: Replay = {
  timeline: { tNs: [0, 0, 10e9, 20e9], cpu: [0, 1, 1, 0], state: [2, 0, 1, 3], busy: [255, 0, 128, 255], task: [0, -1, 1, 0], tasks: ['CPU 0/KVM:100', 'ksmd:791'] },
  lockups: [
    { t: 42, cpu: 0, kind: 'soft_lockup', waitingOn: 'csd_lock_wait(cpu 1)', task: 'CPU 0/KVM:100' },
    { t: 50, cpu: 0, kind: 'rcu_stall', waitingOn: 'csd_lock_wait(cpu 1)' },
    { t: 60, cpu: 0, kind: 'soft_lockup', waitingOn: 'csd_lock_wait(cpu 1)', task: 'CPU 0/KVM:100' },
  ],
  losses: [loss(15, 1, 0), loss(18, 1, 7)],
  endNs: 100e9,
  truncatedAtNs: null,
};

describe('replaying a stored run', () => {
  it('gives every CPU its state, busy fraction and task as it was at the time', () => {
    expect(cpusAt(replay, 5e9)).toEqual({ state: ['guest', 'idle'], busy: [1, 0], task: ['CPU 0/KVM:100', null] });
    expect(cpusAt(replay, 10e9)).toEqual({ state: ['guest', 'host'], busy: [1, 128 / 255], task: ['CPU 0/KVM:100', 'ksmd:791'] });
    expect(cpusAt(replay, 30e9).state).toEqual(['spinning', 'host']);
  });

  it('says what a spinning CPU waits on only once a detector reported it', () => {
    expect([...waitingAt(replay, 30e9, cpusAt(replay, 30e9).state)]).toEqual([]);
    expect([...waitingAt(replay, 45e9, cpusAt(replay, 45e9).state)]).toEqual([[0, 'csd_lock_wait(cpu 1)']]);
    expect([...waitingAt(replay, 45e9, ['guest', 'host'])]).toEqual([]);
    // At a marker's own time (seconds from the summary × 1e9 can land a hair past the ns it was).
    const t = 56.323086715;
    const at = { ...replay, lockups: [{ t, cpu: 0, kind: 'soft_lockup', waitingOn: 'csd_lock_wait(cpu 1)' }] };
    expect(waitingAt(at, markersOf(at)[2].tNs, ['spinning']).get(0)).toBe('csd_lock_wait(cpu 1)');
  });

  it('marks each lost IPI and the first lockup of each kind, and steps between them', () => {
    const m = markersOf(replay);
    expect(m.map((x) => [x.tNs / 1e9, x.kind])).toEqual([
      [15, 'lost-ipi'],
      [18, 'lost-ipi'],
      [42, 'soft-lockup'],
      [50, 'rcu-stall'],
    ]);
    expect(stepMarker(m, 16e9, 1)?.tNs).toBe(18e9);
    expect(stepMarker(m, 18e9, -1)?.tNs).toBe(15e9);
    expect(stepMarker(m, 15e9, -1)).toBeNull();
    expect(stepMarker(m, 50e9, 1)).toBeNull();
  });

  it('finds the lost IPI an arrow stands for: to its target by then, its sender preferred', () => {
    expect(lossForArrow(replay, 0, 1, 100e9)).toBe(0);
    expect(lossForArrow(replay, 7, 1, 100e9)).toBe(1);
    expect(lossForArrow(replay, 0, 1, 16e9)).toBe(0);
    expect(lossForArrow(replay, 0, 1, 10e9)).toBeNull();
    expect(lossForArrow(replay, 0, 2, 100e9)).toBeNull();
  });

  it('draws the states of one CPU over the run and its mean busy so far', () => {
    expect(cpuStrip(replay, 0, 40e9)).toEqual({
      segments: [
        { fromNs: 0, toNs: 20e9, state: 'guest' },
        { fromNs: 20e9, toNs: 100e9, state: 'spinning' },
      ],
      meanBusy: 1,
    });
    const one = cpuStrip(replay, 1, 20e9);
    expect(one.segments.map((x) => x.state)).toEqual(['idle', 'host']);
    expect(one.meanBusy).toBeCloseTo((10 * 128) / 255 / 20, 6);
  });

  it("shows a stuck CPU's Call Trace from its soft-lockup report, only while that spin lasts", () => {
    const trace = ['csd_lock_wait (inlined)', 'smp_call_function_many', 'serialize_against_pte_lookup'];
    const r: Replay = {
      ...replay,
      // CPU 0 spins 20–70 s, runs the guest again, and spins anew from 80 s.
      timeline: { ...replay.timeline, tNs: [...replay.timeline.tNs, 70e9, 80e9], cpu: [...replay.timeline.cpu, 0, 0], state: [...replay.timeline.state, 2, 3], busy: [...replay.timeline.busy, 255, 255], task: [...replay.timeline.task, 0, 0] },
      lockups: [{ ...replay.lockups[0], callTrace: trace }, replay.lockups[1], { ...replay.lockups[2], callTrace: ['other'] }],
    };
    expect(callTraceAt(r, 0, 30e9)).toBeNull(); // spinning, not reported yet
    expect(callTraceAt(r, 0, 45e9)).toEqual({ frames: trace, report: r.lockups[0] });
    expect(callTraceAt(r, 0, 65e9)?.frames).toEqual(['other']); // the latest report of the same spin
    expect(callTraceAt(r, 0, 75e9)).toBeNull(); // back in the guest
    expect(callTraceAt(r, 0, 90e9)).toBeNull(); // a new spin the watchdog has not reported
    expect(callTraceAt(r, 1, 45e9)).toBeNull();
  });
});
