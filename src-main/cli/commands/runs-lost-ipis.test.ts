import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const TWB = decodeURIComponent(new URL('../../../bin/twb.js', import.meta.url).pathname);
const twb = (...args: string[]) => spawnSync(process.execPath, [TWB, ...args], { encoding: 'utf8', timeout: 120_000 });

// With the calibrated defaults the seed loses no IPI in 20 h; the what-if configuration (seed 28) loses one at 10.7 s
// and its sender soft-locks at 58.5 s, so the tests run it.
describe('twb run --until / twb runs show --lost-ipis', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-until-'));
  const db = path.join(dir, 'runs.db');

  it('ends the run at the first soft lockup with status stopped-at, and stores it so', () => {
    const json = path.join(dir, 's.json');
    const r = twb('run', 'builtin:seed-power9-ipi-whatif', '--seed', '28', '--duration', '1h', '--set', 'kernel.barriers=none', '--until', 'first-soft-lockup', '--db', db, '--json', json, '--no-progress');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/— stopped-at first-soft-lockup \(58\.\d{9} s\), run #1/);
    // Losses by the kind of IPI they raced (issue 15): the CALL_FUNCTION raced a RESCHEDULE from ttwu_queue_remote.
    expect(r.stdout).toMatch(/\nIPIs: \d+ sent, 1 lost \(raced KICK 0 \/ RESCHEDULE 1 \/ CALL_FUNCTION 0 \/ CALL_FUNCTION_SINGLE 0\), \d+ CALL_FUNCTION broadcasts/);
    const s = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(s.status).toBe('stopped-at');
    expect(s.stoppedAt.condition).toBe('first-soft-lockup');
    expect(s.simulatedSeconds).toBe(s.stoppedAt.t);
    const list = JSON.parse(twb('runs', 'list', '--db', db, '--json').stdout);
    expect(list[0]).toMatchObject({ id: 1, status: 'stopped-at' });
  });

  it('prints each lost IPI with its episode in the seed column style, deferred stores and the explorer witness', () => {
    const r = twb('runs', 'show', '1', '--db', db, '--lost-ipis');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^lost IPI 1 of 1: CALL_FUNCTION to CPU (\d+) at 10\.\d{9} s from CPU (\d+) \[/);
    const [, target, sender] = /to CPU (\d+) at [\d.]+ s from CPU (\d+)/.exec(out)!;
    expect(out).toContain(`deferred: `);
    expect(out).toContain(`${sender}: message[CALL_FUNCTION] = 1`);
    expect(out).toMatch(/matches `twb explore ipi --barriers none( --senders [A-Z_]+,[A-Z_]+)?` witness \d \(reordering on its CPU 105, this run's CPU \d+: the seed's first sequence/);
    expect(out).toContain('\nCPU\n');
    expect(out).toContain('// STORE DEFERRED DUE TO RE-ORDERING');
    expect(out).toContain(`--${sender}: message[CALL_FUNCTION] = 1`);
    expect(out).toContain(`->${sender}: message[CALL_FUNCTION] = 1`);
    expect(out).toContain(`${target}: local_paca->kvm_hstate.host_ipi == 0 // IPI ignored`);
    // Stores to host_ipi in coherence order: the sender's set is overwritten by the target's clear, so it is listed above it.
    const setAt = out.indexOf(`${sender}: kvmppc_set_host_ipi(${target}, 1)`);
    expect(setAt).toBeGreaterThan(0);
    expect(setAt).toBeLessThan(out.indexOf(`${target}: kvmppc_clear_host_ipi(${target})`));
    expect(out.trimEnd().split('\n').at(-1)).toBe(`${sender}: // hangs waiting on ${target} to process messages/call_single_queue`);
    // The named witness is in the explorer's output.
    const [, command, n] = /matches `(twb explore ipi [^`]+)` witness (\d)/.exec(out)!;
    const ex = twb(...command.split(' ').slice(1));
    expect(ex.status).toBe(0);
    expect(ex.stdout).toMatch(new RegExp(`witness ${n}: message\\[CALL_FUNCTION\\] lost; reordering on CPU 105`));
    // --json prints the losses with their episodes.
    const j = JSON.parse(twb('runs', 'show', '1', '--db', db, '--lost-ipis', '--json').stdout);
    expect(j[0].episode.deferred).toContain(`${sender}: message[CALL_FUNCTION] = 1`);
  });

  it("shows the soft lockup with its Call Trace: the stack of the call path its task spins in", () => {
    const r = twb('runs', 'show', '1', '--db', db);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => /^lockup t=58\.\d+s soft_lockup cpu \d+ task \S+ waiting on csd_lock_wait\(cpu \d+\)$/.test(l));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines.slice(at + 1, at + 5)).toEqual(['  Call Trace:', '   csd_lock_wait (inlined)', '   smp_call_function_many', '   serialize_against_pte_lookup']);
    // Down to the syscall or kernel thread the task entered by.
    const trace = lines.slice(at + 2, lines.findIndex((l, i) => i > at + 1 && !l.startsWith('   ')));
    expect(trace.at(-1)).toMatch(/^ {3}(system_call|ret_from_kernel_thread)$/);
  });

  it('the HTML report has a section with each lost IPI, deferred lines marked', () => {
    const html = path.join(dir, 'r.html');
    const r = twb('report', '1', '--db', db, '-o', html);
    expect(r.status).toBe(0);
    const text = fs.readFileSync(html, 'utf8');
    const section = /<section id="lost-ipis">([\s\S]*?)<\/section>/.exec(text)![1];
    expect(section).toMatch(/<h4>lost IPI 1 of 1: CALL_FUNCTION to CPU \d+ at 10\.\d{9} s/);
    expect(section).toContain('<mark>// STORE DEFERRED DUE TO RE-ORDERING</mark>');
    expect(section).toMatch(/<mark>\|?--\d+: message\[CALL_FUNCTION\] = 1<\/mark>/); // nested in another deferral or not
    expect(section).toContain('local_paca-&gt;kvm_hstate.host_ipi == 0 // IPI ignored');
    expect(text).toMatch(/stopped at first-soft-lockup \(58\.\d+ s\)/);
    // The lockup table carries the soft lockup's Call Trace, open.
    expect(text).toMatch(/<details class="call-trace" open><summary>Call Trace<\/summary><pre>Call Trace:\n csd_lock_wait \(inlined\)\n smp_call_function_many\n serialize_against_pte_lookup\n/);
  });

  it('refuses an unknown --until before running', () => {
    const r = twb('run', 'builtin:seed-power9-ipi', '--duration', '1m', '--until', 'first-coffee');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/twb: --until: expected one of first-lost-ipi, first-soft-lockup, first-rcu-stall, first-hung-task or a simulated time such as 30m, got "first-coffee"/);
  });
});
