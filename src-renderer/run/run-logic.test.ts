import { describe, expect, it } from 'vitest';
import { appendCapped, callTraceIndex, cpuOfLine, formatLogTime, matchesFilter } from './log-filter';
import { BUSY_LEVELS, busyLevel, cpuMarks, cpusOfTasks, exitPoint, overlayOf, parseWaitingOn, shadeColour } from './overlay';
import { chartOf, pointOf, SeriesBuffer } from './series';

describe('series', () => {
  const p = (t: number, ipis: number, exitsA: number, busy = 0.5, lost = 0) => ({ t, busy, ipisSent: ipis, lostIpis: lost, exits: { A: exitsA } });
  it('derives rates between points; the first has none', () => {
    const c = chartOf([p(0, 0, 0), p(10, 100, 50, 0.25), p(20, 300, 50, 1, 2)]);
    expect(c.t).toEqual([0, 10, 20]);
    expect(c.busyPct).toEqual([50, 25, 100]);
    expect(c.ipisPerSec).toEqual([null, 10, 20]);
    expect(c.exitsPerSec).toEqual({ A: [null, 5, 0] });
    expect(c.lostIpis).toEqual([0, 0, 2]);
  });
  it('stays bounded, keeps the last point and exact rates between kept points', () => {
    const b = new SeriesBuffer(10);
    for (let i = 0; i <= 100; i++) b.push(p(i, i * 7, i * 3));
    expect(b.length).toBeLessThanOrEqual(10);
    const c = b.chart();
    expect(c.t[c.t.length - 1]).toBe(100);
    expect(c.ipisPerSec.slice(1).every((r) => r === 7)).toBe(true);
    b.push(p(50, 0, 0));
    expect(b.chart().t[b.length - 1]).toBe(100);
  });
  it('turns a live update into a point', () => {
    expect(pointOf({ simNs: 2e9, cpus: { busy: [1, 0, 0.5, 0.5] }, counters: { ipisSent: 9, lostIpis: 1 }, guestExits: { B: 4 } })).toEqual({
      t: 2,
      busy: 0.5,
      ipisSent: 9,
      lostIpis: 1,
      exits: { B: 4 },
    });
  });
});

describe('log filter', () => {
  const soft = 'watchdog: BUG: soft lockup - CPU#19 stuck for 21s! [worker:19560]';
  const rcu = 'rcu: 42-....: (5250 ticks this GP) idle=f97/1/0x4000000000000002 softirq=9598/9598 fqs=2100';
  const hung = 'INFO: task khugepaged:792 blocked for more than 120 seconds.';
  it('filters soft lockups, rcu stalls and hung tasks', () => {
    expect([soft, rcu, hung].map((l) => matchesFilter(l, 'soft lockup'))).toEqual([true, false, false]);
    expect([soft, rcu, hung].map((l) => matchesFilter(l, 'rcu'))).toEqual([false, true, false]);
    expect([soft, rcu, hung].map((l) => matchesFilter(l, 'hung task'))).toEqual([false, false, true]);
    expect(matchesFilter('rcu: INFO: rcu_sched self-detected stall on CPU', 'rcu')).toBe(true);
    expect([soft, rcu, hung].every((l) => matchesFilter(l, 'all'))).toBe(true);
  });
  it('finds the CPU a line is about', () => {
    expect(cpuOfLine(soft)).toBe(19);
    expect(cpuOfLine(rcu)).toBe(42);
    expect(cpuOfLine('CPU: 105 PID: 19560 Comm: worker Tainted: G L')).toBe(105);
    expect(cpuOfLine(hung)).toBeNull();
  });
  it('formats times as printk and caps the buffer', () => {
    expect(formatLogTime(6227.0678705)).toBe('[ 6227.067871]');
    expect(formatLogTime(0.5)).toBe('[    0.500000]');
    expect(appendCapped([1, 2, 3], [4, 5], 4)).toEqual([2, 3, 4, 5]);
  });
});

describe('overlay', () => {
  it('parses what a CPU waits on', () => {
    expect(parseWaitingOn('csd_lock_wait(cpu 72)')).toEqual({ kind: 'ipi', target: 72 });
    expect(parseWaitingOn('spinlock mm(A).page_table_lock held by CPU 47')).toEqual({ kind: 'lock', lock: 'mm(A).page_table_lock', holder: 47 });
    expect(parseWaitingOn('something else')).toBeNull();
    // Holders are named by task (power9/tasks.ts describeWait): drawn at the CPU that task is on.
    const tasks = cpusOfTasks(['idle', null, 'CPU 55/KVM:19555'], [{ cpu: 9, task: 'worker:19558', kind: 'soft_lockup' }, { cpu: 4, task: 'ksmd:88', kind: 'hung_task' }]);
    expect(parseWaitingOn('spinlock mm(A).pmd_lock held by CPU 55/KVM:19555', tasks)).toEqual({ kind: 'lock', lock: 'mm(A).pmd_lock', holder: 2 });
    expect(parseWaitingOn('spinlock mm(A).page_table_lock held by worker:19558', tasks)).toEqual({ kind: 'lock', lock: 'mm(A).page_table_lock', holder: 9 });
    expect(parseWaitingOn('spinlock mm(A).page_table_lock held by ksmd:88', tasks)).toBeNull(); // a hung task is on no CPU
    expect(parseWaitingOn('spinlock mm(A).page_table_lock held by worker:1', tasks)).toBeNull();
  });
  it('shades by busy fraction, clamped: no tint when idle, deepest when saturated', () => {
    expect(busyLevel(0)).toBe(0);
    expect(busyLevel(0.51)).toBe(busyLevel(0.55));
    expect(busyLevel(1)).toBe(BUSY_LEVELS - 1);
    expect(busyLevel(7)).toBe(BUSY_LEVELS - 1);
    expect(busyLevel(-1)).toBe(0);
    expect(busyLevel(NaN)).toBe(0);
    expect(shadeColour(0, 'light')).toBe('hsl(185, 60%, 96%)');
    expect(shadeColour(BUSY_LEVELS - 1, 'light')).toBe('hsl(185, 60%, 46%)');
    expect(shadeColour(0, 'dark')).toBe('hsl(185, 60%, 10%)');
    expect(shadeColour(BUSY_LEVELS - 1, 'dark')).toBe('hsl(185, 60%, 30%)');
  });
  it('ends arrows where they leave a node box', () => {
    const box = { x: 0, y: 0, w: 20, h: 10 };
    expect(exitPoint(box, { x: 110, y: 5 })).toEqual({ x: 20, y: 5 });
    expect(exitPoint(box, { x: 10, y: -95 })).toEqual({ x: 10, y: 0 });
    expect(exitPoint(box, { x: 10, y: 5 })).toEqual({ x: 10, y: 5 });
  });
  it("draws the seed's picture: senders stuck on a lost IPI, spinners on the lock they hold", () => {
    const state = Array.from({ length: 128 }, () => 'host');
    for (const c of [105, 31, 24, 45, 124]) state[c] = 'spinning';
    state[3] = 'guest';
    const waiting = new Map([
      [105, 'csd_lock_wait(cpu 42)'],
      [31, 'csd_lock_wait(cpu 42)'],
      [24, 'spinlock mm(A).page_table_lock held by CPU 105'],
      [45, 'spinlock mm(A).page_table_lock held by CPU 105'],
      [7, 'csd_lock_wait(cpu 1)'], // no longer spinning: ignored
    ]);
    const o = overlayOf({ state, busy: state.map(() => 0.5) }, waiting);
    expect(o.fills).toHaveLength(128);
    expect(o.inGuest).toEqual([3]);
    expect(o.lostIpis).toEqual([{ from: 31, to: 42 }, { from: 105, to: 42 }]);
    expect(o.lockWaits.map((w) => [w.from, w.to])).toEqual([[24, 105], [45, 105]]);
    expect(o.spinning.find((s) => s.cpu === 124)).toEqual({ cpu: 124, on: null });
    expect(o.holders).toEqual([{ cpu: 42, what: 'lost CALL_FUNCTION' }, { cpu: 105, what: 'mm(A).page_table_lock' }]);
    const marks = cpuMarks(o);
    expect(marks.get(3)).toBe('guest');
    expect(marks.get(24)).toBe('spinning');
    expect(marks.get(105)).toBe('holder'); // spinning, and holding what 24 and 45 wait for
    expect(marks.has(0)).toBe(false);
    expect(o.fills[0]).toEqual({ cpu: 0, busy: 0.5, level: busyLevel(0.5) });
  });
});

describe('format', async () => {
  const { formatClock, formatEta } = await import('./format');
  it('shows simulated time and ETA', () => {
    expect(formatClock(5.234)).toBe('5.23 s');
    expect(formatClock(62)).toBe('1:02');
    expect(formatClock(6227.4)).toBe('1:43:47');
    expect(formatEta(null)).toBe('ETA —');
    expect(formatEta(0.2)).toBe('ETA <1 s');
    expect(formatEta(90)).toBe('ETA 90 s');
    expect(formatEta(600)).toBe('ETA 10 min');
    expect(formatEta(9000)).toBe('ETA 2.5 h');
  });
});

describe('console call traces', () => {
  it("puts each soft lockup's and hung task's Call Trace under the line that reported it", () => {
    const traceOf = callTraceIndex([
      { t: 250.645393803, cpu: 120, kind: 'soft_lockup', task: 'worker:19559', callTrace: ['smp_call_function_many'] },
      { t: 344.316, cpu: 71, kind: 'hung_task', task: 'CPU 52/KVM:19709', callTrace: ['__schedule'] },
      { t: 300, cpu: 5, kind: 'rcu_stall' },
    ]);
    expect(traceOf({ t: 250.645393803, text: 'watchdog: BUG: soft lockup - CPU#120 stuck for 23s! [worker:19559]' })).toEqual(['smp_call_function_many']);
    expect(traceOf({ t: 250.645393803, text: 'watchdog: BUG: soft lockup - CPU#12 stuck for 23s! [worker:19559]' })).toBeNull();
    expect(traceOf({ t: 314.6, text: 'watchdog: BUG: soft lockup - CPU#120 stuck for 22s! [worker:19559]' })).toBeNull();
    expect(traceOf({ t: 344.316, text: 'INFO: task CPU 52/KVM:19709 blocked for more than 120 seconds.' })).toEqual(['__schedule']);
    expect(traceOf({ t: 300, text: 'rcu: INFO: rcu_sched self-detected stall on CPU' })).toBeNull();
  });
});

