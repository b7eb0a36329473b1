import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWorkspace } from '../../../src-common/workspace';
import { untilCondition } from '../core';
import { buildRun } from '../run/build';
import { callTrace } from '../power9/call-trace';
import type { PowerIpiFabric } from './power-fabric';

const whatif = parseWorkspace(JSON.parse(fs.readFileSync(new URL('../../../resources/workspaces/seed-power9-ipi-whatif.json', import.meta.url), 'utf8')));

describe("a soft lockup's Call Trace", () => {
  it('is the stack of the call path its task is stuck in when the watchdog reports it, and changes no trace', { timeout: 120_000 }, () => {
    // Seed 28: a CALL_FUNCTION lost at 10.7 s, its sender reported stuck at 58.5 s (docs/time-travel.md).
    const run = buildRun(whatif, { seed: 28, set: { 'kernel.barriers': 'none' } });
    run.sim.stopWhen(untilCondition('first-soft-lockup'));
    run.sim.runUntil(3600e9);
    const s = run.summary({ wallSeconds: 0 });
    const lockup = s.lockups.find((l) => l.kind === 'soft_lockup')!;
    const task = run.machine.taskEntities().find((t) => t.label === lockup.task)!;
    const stuck = run.kernel.runOf(task)!;
    // What the model has the task doing right now, not a fixed text: its path's entry outermost, csd_lock_wait innermost.
    expect(lockup.callTrace).toEqual(callTrace(task, stuck));
    expect(lockup.callTrace!.slice(0, 3)).toEqual(['csd_lock_wait (inlined)', 'smp_call_function_many', 'serialize_against_pte_lookup']);
    expect(lockup.callTrace!.slice(-stuck.path.entry!.length)).toEqual([...stuck.path.entry!].reverse());
    expect(stuck.path.steps[stuck.next - 1].op).toBe('broadcast');
    // The stack is only read, never drawn or scheduled: the same run with no stacks taken gives the same trace.
    const plain = buildRun(whatif, { seed: 28, set: { 'kernel.barriers': 'none' } });
    (plain.fabric as PowerIpiFabric).detectors.traceOf = () => null;
    plain.sim.stopWhen(untilCondition('first-soft-lockup'));
    plain.sim.runUntil(3600e9);
    const p = plain.summary({ wallSeconds: 0 });
    expect(p.lockups.find((l) => l.kind === 'soft_lockup')!.callTrace).toBeUndefined();
    expect(p.trace.digest).toBe(s.trace.digest);
  });
});
