import { describe, expect, it } from 'vitest';
import { Priority } from './priorities';
import { Simulation } from './simulation';
import { untilCondition, UNTIL_CONDITIONS } from './until';
import { parseUntil, untilText, UNTIL_NAMES } from '../../../src-common/parse/until';

/** A simulation with an event every 10 ns that emits 'tick', and a soft-lockup record at `lockupAt`. */
function ticking(lockupAt: number): { sim: Simulation; ran: number[] } {
  const sim = new Simulation({ seed: 1 });
  const ran: number[] = [];
  for (let t = 10; t <= 200; t += 10)
    sim.at(t, Priority.DEFAULT, () => {
      ran.push(t);
      sim.trace.emit(t, t === lockupAt ? 'lockup.soft' : 'tick');
    });
  return { sim, ran };
}

describe('stop conditions (--until)', () => {
  it('end the run right after the event that meets them, with the time it happened', () => {
    const { sim, ran } = ticking(70);
    sim.stopWhen(untilCondition('first-soft-lockup'));
    sim.runUntil(1000);
    expect(ran).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(sim.now).toBe(70);
    expect(sim.untilMet).toEqual({ condition: 'first-soft-lockup', tNs: 70 });
    expect(sim.stoppedBecause).toBeNull();
    // A halted run stays where it ended.
    sim.runUntil(2000);
    expect(ran).toHaveLength(7);
    expect(sim.now).toBe(70);
  });

  it('end at the same event however the run is split into chunks', () => {
    const whole = ticking(130);
    whole.sim.stopWhen(untilCondition('first-soft-lockup'));
    whole.sim.runUntil(1000);
    const chunked = ticking(130);
    chunked.sim.stopWhen(untilCondition('first-soft-lockup'));
    for (const t of [5, 35, 36, 100, 129, 131, 500]) chunked.sim.runUntil(t);
    expect(chunked.ran).toEqual(whole.ran);
    expect(chunked.sim.now).toBe(whole.sim.now);
    expect(chunked.sim.trace.digest).toBe(whole.sim.trace.digest);
  });

  it('leave a run that never meets them to its duration', () => {
    const { sim, ran } = ticking(-1);
    sim.stopWhen(untilCondition('first-soft-lockup'));
    sim.runUntil(150);
    expect(ran.at(-1)).toBe(150);
    expect(sim.now).toBe(150);
    expect(sim.untilMet).toBeNull();
  });

  it('stop() halts after the current event too', () => {
    const { sim, ran } = ticking(-1);
    sim.at(45, Priority.DEFAULT, () => sim.stop('broken model'));
    sim.runUntil(1000);
    expect(ran).toEqual([10, 20, 30, 40]);
    expect(sim.stoppedBecause).toBe('broken model');
  });

  it('name the known conditions when given an unknown one', () => {
    expect(() => untilCondition('first-coffee')).toThrow(/until: expected one of first-soft-lockup, first-lost-ipi, first-rcu-stall, first-hung-task, got "first-coffee"/);
  });

  it('offer in the UI and the CLI exactly the engine\'s conditions', () => {
    expect([...UNTIL_NAMES].sort()).toEqual(UNTIL_CONDITIONS.map((c) => c.name).sort());
  });

  it('go on after continueAfterUntil, keeping the first time met', () => {
    const { sim, ran } = ticking(70);
    sim.stopWhen(untilCondition('first-soft-lockup'));
    sim.runUntil(1000);
    sim.continueAfterUntil();
    sim.runUntil(1000);
    expect(ran.at(-1)).toBe(200);
    expect(sim.untilMet).toEqual({ condition: 'first-soft-lockup', tNs: 70 });
  });

  it('parse a condition or a simulated time, and say what they accept', () => {
    expect(parseUntil('first-lost-ipi')).toEqual({ condition: 'first-lost-ipi' });
    expect(parseUntil('30m')).toEqual({ timeNs: 30 * 60e9 });
    expect(untilText({ timeNs: 90e9 })).toBe('90s');
    expect(() => parseUntil('first-coffee')).toThrow(/expected one of first-lost-ipi, first-soft-lockup, first-rcu-stall, first-hung-task or a simulated time such as 30m, got "first-coffee"/);
    expect(() => parseUntil('0s')).toThrow(/above 0/);
  });
});
