import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../engine/run/build';
import type { RunUpdate } from '../run/protocol';
import { loadReportRun } from '../report/data';
import { openStore, type Store } from '../store';
import { compareRuns, flatten } from './compare';
import { RunRecorder } from './recorder';
import { parseRunId, rerunInput } from './rerun';
import { emptyWorkspace } from '../../../src-common/workspace';
import { loadWorkspace } from '../workspace/load';

let dir: string;
let file: string;
let store: Store;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-history-'));
  file = path.join(dir, 'h.db');
  store = openStore(file);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function update(simS: number, extra: Partial<RunUpdate> = {}): RunUpdate {
  return {
    simNs: simS * 1e9,
    durationNs: 100e9,
    wallSeconds: simS / 10,
    paused: false,
    cpus: { state: ['guest', 'idle'], busy: [1, 0.5] },
    counters: { broadcasts: simS, ipisSent: simS * 100, lostIpis: simS >= 50 ? 1 : 0, lockups: 0, logLines: 0 },
    newLog: [],
    guestExits: { A: simS * 1000, B: simS * 10 },
    ...extra,
  };
}

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    workspace: 'w',
    seed: 1,
    barriers: 'none',
    simulatedSeconds: 100,
    wallSeconds: 10,
    status: 'finished',
    lostIpis: 1,
    ipis: { sent: 10000, delivered: 9999, broadcasts: 100 },
    log: [
      { t: 10, text: 'first' },
      { t: 60, text: 'watchdog: BUG: soft lockup - CPU#1 stuck for 22s!' },
      { t: 99, text: 'last' },
    ],
    cpus: [
      { cpu: 0, busy: 1, state: 'guest' },
      { cpu: 1, busy: 0.5, state: 'spinning' },
    ],
    // Cast: the summary may carry more per-guest fields than this test needs.
    guests: [{ name: 'A', mmu: 'radix', exits: { page_fault: 60000, hcall: 40000 } }] as unknown as RunSummary['guests'],
    lockups: [{ t: 60, cpu: 1, kind: 'soft_lockup', waitingOn: 'CPU 0 (host_ipi)', task: 'stress:42' }],
    warnings: [],
    params: {},
    trace: { digest: 'abc', events: 5 },
    ...over,
  };
}

describe('RunRecorder', () => {
  it('buffers updates and writes them in one transaction per flush interval', () => {
    let wall = 0;
    const rec = RunRecorder.start(store, { workspaceName: 'w', workspace: emptyWorkspace('w'), seed: 1, durationNs: 100e9 }, { flushEveryMs: 2000, wallMs: () => wall });
    const other = openStore(file);
    rec.onUpdate(update(10, { newLog: [{ t: 10, text: 'first' }] }));
    wall = 1000;
    rec.onUpdate(update(20));
    // Nothing is visible to another connection before the flush interval has passed.
    expect(other.history.log(rec.runId)).toEqual([]);
    wall = 2500;
    rec.onUpdate(update(30, { newLockups: [{ t: 25, cpu: 1, kind: 'soft_lockup', waitingOn: 'CPU 0' }] }));
    expect(other.history.log(rec.runId)).toEqual([{ seq: 0, tNs: 10e9, text: 'first' }]);
    expect(other.history.samples(rec.runId).map((s) => s.tNs)).toEqual([10e9, 20e9, 30e9]);
    expect(other.history.lockups(rec.runId)).toHaveLength(1);
    expect(other.runs.get(rec.runId)).toMatchObject({ status: 'running', simulatedNs: 30e9 });
    expect(other.history.extras(rec.runId)).toMatchObject({ durationNs: 100e9, ownerPid: process.pid, counters: { ipisSent: 3000 } });
    rec.onUpdate(update(100));
    rec.end(summary());
    // The summary completes what updates did not carry (lines after the last update, its lockups).
    expect(other.history.log(rec.runId).map((l) => l.text)).toEqual(['first', 'watchdog: BUG: soft lockup - CPU#1 stuck for 22s!', 'last']);
    expect(other.history.lockups(rec.runId)).toHaveLength(1);
    expect(other.runs.get(rec.runId)).toMatchObject({ status: 'finished', simulatedNs: 100e9 });
    other.close();
  });

  it("keeps a lockup's Call Trace and the lost IPIs as they come: a run whose worker died still has them", () => {
    let wall = 0;
    const rec = RunRecorder.start(store, { workspaceName: 'w', workspace: emptyWorkspace('w'), seed: 1, durationNs: 100e9 }, { flushEveryMs: 1000, wallMs: () => wall });
    const lost = { t: 15, cpu: 1, kind: 'CALL_FUNCTION', partners: ['RESCHEDULE'], sender: 'worker:7', senderCpu: 0 };
    const trace = ['csd_lock_wait (inlined)', 'smp_call_function_many', 'serialize_against_pte_lookup'];
    rec.onUpdate(update(20, { newLosses: [lost] }));
    wall = 1500;
    rec.onUpdate(update(40, { newLockups: [{ t: 38, cpu: 0, kind: 'soft_lockup', waitingOn: 'csd_lock_wait(cpu 1)', task: 'worker:7', callTrace: trace }] }));
    rec.fail('the run worker stopped');
    expect(store.runs.get(rec.runId)).toMatchObject({ status: 'failed', summary: null });
    expect(store.history.lockups(rec.runId)[0].callTrace).toEqual(trace);
    const r = loadReportRun(store, rec.runId);
    expect(r.losses).toEqual([lost]);
    expect(r.lockups[0].callTrace).toEqual(trace);
  });

  it('keeps its buffer when a flush finds the store busy, and writes it at the next flush', () => {
    let wall = 0;
    store.db.pragma('busy_timeout = 0');
    const rec = RunRecorder.start(store, { workspaceName: 'w', workspace: {}, seed: 1, durationNs: 100e9 }, { flushEveryMs: 1000, wallMs: () => wall });
    const other = openStore(file);
    other.db.prepare('BEGIN IMMEDIATE').run();
    wall = 1500;
    rec.onUpdate(update(10, { newLog: [{ t: 10, text: 'kept' }] }));
    expect(rec.flushError?.message).toMatch(/locked|busy/);
    other.db.prepare('COMMIT').run();
    wall = 3000;
    rec.onUpdate(update(20));
    expect(other.history.log(rec.runId).map((l) => l.text)).toEqual(['kept']);
    rec.end(summary({ log: [{ t: 10, text: 'kept' }], lockups: [] }));
    other.close();
  });

  it('bounds the number of samples by the simulated duration, whatever the update rate', () => {
    const rec = RunRecorder.start(store, { workspaceName: 'w', workspace: {}, seed: 1, durationNs: 100e9 }, { maxSamples: 10, wallMs: () => 0 });
    for (let t = 1; t <= 100; t++) rec.onUpdate(update(t));
    rec.end(summary());
    const n = store.history.samples(rec.runId).length;
    expect(n).toBeGreaterThanOrEqual(10);
    expect(n).toBeLessThanOrEqual(11);
  });

  it('records a cancelled and a failed run with what was flushed', () => {
    const a = RunRecorder.start(store, { workspaceName: 'w', workspace: {}, seed: 1, durationNs: 100e9 });
    a.onUpdate(update(5));
    a.end(summary({ status: 'cancelled', simulatedSeconds: 5 }));
    expect(store.runs.get(a.runId)).toMatchObject({ status: 'cancelled', simulatedNs: 5e9 });
    const b = RunRecorder.start(store, { workspaceName: 'w', workspace: {}, seed: 1, durationNs: 100e9 });
    b.onUpdate(update(7));
    b.fail('run worker exited (code 1) before finishing');
    expect(store.runs.get(b.runId)).toMatchObject({ status: 'failed', error: 'run worker exited (code 1) before finishing', simulatedNs: 7e9 });
    expect(store.history.samples(b.runId)).toHaveLength(1);
  });
});

describe('AIE memory images', () => {
  it('stores the final images of the tiles a run touched', () => {
    const ws = loadWorkspace('builtin:aie-demo');
    const rec = RunRecorder.start(store, { workspaceName: ws.name, workspace: ws, seed: 1, durationNs: 60e9 });
    rec.end(summary({ simulatedSeconds: 60, log: [], lockups: [] }));
    const mems = store.history.memories(rec.runId);
    expect(mems.map((m) => `${m.tile}/${m.kind}/${m.bytes.length}`)).toEqual(['1,1/data/32768', '1,1/program/16384', '2,1/data/32768', '2,1/program/16384', '2,2/data/32768']);
    expect([...mems[0].bytes.subarray(0, 4)]).toEqual([0, 1, 2, 3]);
  });
});

describe('interrupted runs', () => {
  it('marks a run whose recording process is gone as interrupted on the next open, and leaves live ones', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const a = store.runs.create({ workspaceName: 'w', workspace: {}, seed: 1 });
    store.history.claim(a.id, 1e9, deadPid);
    const live = RunRecorder.start(store, { workspaceName: 'w', workspace: {}, seed: 2, durationNs: 1e9 });
    const legacy = store.runs.create({ workspaceName: 'w', workspace: {}, seed: 3 });
    const again = openStore(file);
    expect(again.runs.get(a.id)).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/killed or crashed/) });
    expect(again.runs.get(live.runId).status).toBe('running');
    expect(again.runs.get(legacy.id).status).toBe('running');
    again.close();
    live.fail('test over');
  });
});

describe('delete, compare, rerun', () => {
  it('deletes a run with all its detail and refuses a running one', () => {
    const rec = RunRecorder.start(store, { workspaceName: 'w', workspace: {}, seed: 1, durationNs: 100e9 });
    rec.onUpdate(update(10, { newLog: [{ t: 1, text: 'x' }] }));
    expect(() => store.history.delete(rec.runId)).toThrow(/still running/);
    rec.end(summary());
    store.history.delete(rec.runId);
    expect(() => store.runs.get(rec.runId)).toThrow(/no run with id/);
    for (const t of ['run_log', 'run_samples', 'run_lockups', 'run_memories'])
      expect(store.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get()).toEqual({ n: 0 });
    expect(() => store.history.delete(rec.runId)).toThrow(/no run with id/);
  });

  it('compares parameters, first lockups, lost IPIs, exits and throughput', () => {
    const ws = emptyWorkspace('w');
    const a = RunRecorder.start(store, { workspaceName: 'w', workspace: ws, seed: 1, durationNs: 100e9, params: { 'kernel.barriers': 'none' } });
    a.onUpdate(update(100));
    a.end(summary());
    const b = RunRecorder.start(store, { workspaceName: 'w', workspace: { ...ws, params: { 'host.hz': 250 } }, seed: 2, durationNs: 100e9, params: { 'kernel.barriers': 'both' } });
    b.onUpdate(update(100));
    b.end(summary({ seed: 2, lostIpis: 0, lockups: [], wallSeconds: 20 }));
    const c = compareRuns(loadReportRun(store, a.runId), loadReportRun(store, b.runId));
    expect(c.parameters).toEqual([
      { key: 'seed', a: 1, b: 2 },
      { key: 'set.kernel.barriers', a: 'none', b: 'both' },
      { key: 'workspace.params.host.hz', a: null, b: 250 },
    ]);
    expect(c.firstLockupSeconds).toEqual({ a: 60, b: null });
    expect(c.lostIpis).toEqual({ a: 1, b: 0 });
    expect(c.exits).toEqual([{ guest: 'A', a: 100000, b: 100000 }]);
    expect(c.throughput.simSecondsPerWallSecond).toEqual({ a: 10, b: 5 });
    expect(c.throughput.meanBusyPct).toEqual({ a: 75, b: 75 });
  });

  it('re-runs with the stored workspace, seed, overrides and duration', () => {
    const ws = emptyWorkspace('w');
    const a = RunRecorder.start(store, { workspaceName: 'w', workspace: ws, seed: 9, durationNs: 42e9, params: { 'host.hz': 100 } });
    a.fail('x');
    expect(rerunInput(file, `#${a.runId}`)).toEqual({ workspace: ws, seed: 9, durationNs: 42e9, set: { 'host.hz': 100 } });
    expect(() => parseRunId('abc')).toThrow(/run id: expected a positive integer, got 'abc'/);
    expect(() => rerunInput(file, '99')).toThrow(/no run with id 99/);
  });

  it('flattens documents to field paths', () => {
    expect(flatten({ a: { b: [1, { c: 2 }] }, d: [], e: {} })).toEqual({ 'a.b[0]': 1, 'a.b[1].c': 2 });
  });
});
