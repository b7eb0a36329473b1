import { describe, expect, it } from 'vitest';
import { createImmediateFabric } from '../../engine/ipi/fabric';
import { loadWorkspace } from '../workspace/load';
import { driveRun } from './drive';
import { startRun } from './runner';
import type { RunUpdate } from './protocol';

const workspace = loadWorkspace('builtin:seed-power9-ipi');
// With the calibrated defaults the seed loses no IPI in 20 h; the what-if does (seed 1 at 456.2 s).
const whatif = loadWorkspace('builtin:seed-power9-ipi-whatif');

describe('run orchestration', () => {
  it('runs in a worker thread with batched updates and the same summary as in-process', async () => {
    const updates: RunUpdate[] = [];
    const h = startRun({ workspace, seed: 3, durationNs: 600e9 }, (u) => updates.push(u));
    const s = await h.result;
    expect(s.status).toBe('finished');
    expect(s.simulatedSeconds).toBe(600);
    const last = updates[updates.length - 1];
    expect(last.simNs).toBe(600e9);
    expect(last.cpus.state).toHaveLength(128);
    expect(last.cpus.busy).toHaveLength(128);
    const local = await driveRun({ workspace, seed: 3, durationNs: 600e9 });
    expect({ ...s, wallSeconds: 0 }).toEqual({ ...local, wallSeconds: 0 });
  });

  it('pauses, resumes and cancels', async () => {
    const updates: RunUpdate[] = [];
    const h = startRun({ workspace, seed: 1, durationNs: 1000 * 3600e9 }, (u) => updates.push(u));
    const until = async (pred: () => boolean) => {
      while (!pred()) await new Promise((r) => setTimeout(r, 20));
    };
    await until(() => updates.length > 0);
    h.pause();
    await until(() => updates.some((u) => u.paused));
    const at = updates[updates.length - 1].simNs;
    await new Promise((r) => setTimeout(r, 200));
    // Nothing advances while paused.
    expect(updates[updates.length - 1].simNs).toBe(at);
    h.resume();
    await until(() => updates[updates.length - 1].simNs > at);
    h.cancel();
    const s = await h.result;
    expect(s.status).toBe('cancelled');
    expect(s.simulatedSeconds).toBeLessThan(1000 * 3600);
  });

  it('--until ends the run at the first event that meets it, or at a simulated time, as stopped-at', async () => {
    const set = { 'kernel.barriers': 'none' };
    const lockup = await driveRun({ workspace: whatif, seed: 6, durationNs: 3600e9, set, until: 'first-soft-lockup' });
    expect(lockup.status).toBe('stopped-at');
    expect(lockup.stoppedAt?.condition).toBe('first-soft-lockup');
    expect(lockup.lockups.filter((l) => l.kind === 'soft_lockup')).toHaveLength(1);
    expect(lockup.stoppedAt?.t).toBe(lockup.lockups.find((l) => l.kind === 'soft_lockup')!.t);
    expect(lockup.simulatedSeconds).toBe(lockup.stoppedAt?.t);
    const lost = await driveRun({ workspace: whatif, seed: 6, durationNs: 3600e9, set, until: 'first-lost-ipi' });
    expect(lost.status).toBe('stopped-at');
    expect(lost.lostIpis).toBe(1);
    expect(lost.stoppedAt?.t).toBe(lost.losses![0].t);
    expect(lost.stoppedAt!.t).toBeLessThan(lockup.stoppedAt!.t);
    const timed = await driveRun({ workspace: whatif, seed: 6, durationNs: 3600e9, set, until: '90s' });
    expect(timed).toMatchObject({ status: 'stopped-at', stoppedAt: { condition: 'time', t: 90 }, simulatedSeconds: 90 });
    // A time past the duration is the duration.
    expect((await driveRun({ workspace, seed: 6, durationNs: 10e9, until: '1h' })).status).toBe('finished');
  });

  it('with atUntil pause, the worker pauses at the until point and goes on when resumed', async () => {
    const updates: RunUpdate[] = [];
    // Seed 1 loses its first IPI at 456.2 s.
    const h = startRun({ workspace: whatif, seed: 1, durationNs: 900e9, set: { 'kernel.barriers': 'none' }, until: 'first-lost-ipi', atUntil: 'pause' }, (u) => updates.push(u));
    const wait = async (pred: () => boolean) => {
      while (!pred()) await new Promise((r) => setTimeout(r, 20));
    };
    await wait(() => updates.some((u) => u.stoppedAt));
    const at = updates.find((u) => u.stoppedAt)!;
    expect(at.stoppedAt!.condition).toBe('first-lost-ipi');
    expect(at.counters.lostIpis).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(updates.at(-1)!.simNs).toBe(at.simNs);
    h.resume();
    const s = await h.result;
    expect(s.status).toBe('finished');
    expect(s.simulatedSeconds).toBe(900);
  }, 240_000);

  it('a failing event stops the run with its cause', async () => {
    const s = await driveRun({ workspace, seed: 1, durationNs: 60e9 }, {}, (ctx) => {
      const f = createImmediateFabric(ctx);
      const setTraffic = f.setTraffic.bind(f);
      f.setTraffic = (t) => {
        setTraffic(t);
        ctx.sim.after(1e9, 50, () => {
          throw new Error('broken fabric');
        }, 'ipi.broken');
      };
      return f;
    });
    expect(s.status).toBe('failed');
    expect(s.error).toMatch(/event 'ipi.broken' at \d+ ns failed: broken fabric/);
    expect(s.simulatedSeconds).toBeLessThan(60);
  });

  it('a run that cannot start rejects instead of hanging', async () => {
    await expect(startRun({ workspace, seed: 1, durationNs: 1e9, set: { 'no.such': 1 } }).result).rejects.toThrow(/unknown parameter 'no.such'/);
  });
});
