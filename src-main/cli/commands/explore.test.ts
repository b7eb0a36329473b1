import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const TWB = decodeURIComponent(new URL('../../../bin/twb.js', import.meta.url).pathname);
const LITMUS = decodeURIComponent(new URL('../../../resources/litmus/', import.meta.url).pathname);
const twb = (...args: string[]) => spawnSync(process.execPath, [TWB, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('twb explore', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-explore-'));

  it('ipi: prints the seed-style witness and writes the JSON', () => {
    const json = path.join(dir, 'none.json');
    const r = twb('explore', 'ipi', '--barriers', 'none', '--json', json);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('lost IPI reachable: yes');
    expect(r.stdout).toContain('--105: message[CALL_FUNCTION] = 1');
    expect(r.stdout).toMatch(/candidate executions checked: \d+/);
    const out = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(out.lostIpiReachable).toBe(true);
    expect(out.candidates).toBeGreaterThan(0);
    expect(out.witnesses[0]).toMatchObject({ lost: expect.any(Array), reorderedOn: expect.any(Array), text: expect.any(String) });
    const both = twb('explore', 'ipi', '--barriers', 'both');
    expect(both.stdout).toContain('lost IPI reachable: no');
  });

  it('ipi: rejects an unknown variant', () => {
    const r = twb('explore', 'ipi', '--barriers', 'some');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("twb: --barriers: expected one of none, set, clear, both, got 'some'\n");
  });

  it('litmus: answers like herd7, and names line and column of a syntax error', () => {
    const r = twb('explore', 'litmus', path.join(LITMUS, 'SB+syncs.litmus'));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('Observation SB+syncs Never 0 3\n1 test, 0 Sometimes, 1 Never, 0 errors\n');
    const bad = path.join(dir, 'bad.litmus');
    fs.writeFileSync(bad, 'C T\n{}\nP0(int *x)\n{\n  WRITE_ONCE(*x, 1)\n}\nexists (x=1)\n');
    const e = twb('explore', 'litmus', bad);
    expect(e.status).toBe(1);
    expect(e.stderr).toBe(`twb: ${bad}:6:1: expected ';', found '}'\n`);
    expect(e.stdout).toBe('1 test, 0 Sometimes, 0 Never, 1 error\n');
  });

  it('litmus: directories, --jobs, --json with every verdict, --states', () => {
    const sub = fs.mkdtempSync(path.join(dir, 'set-'));
    for (const f of ['MP+lwsync+addr.litmus', 'IRIW+lwsyncs.litmus', 'SB.litmus']) fs.copyFileSync(path.join(LITMUS, f), path.join(sub, f));
    fs.writeFileSync(path.join(sub, 'broken.litmus'), 'PPC B\n{ }\n P0 ;\n frob ;\nexists (x=1)\n');
    const json = path.join(dir, 'verdicts.json');
    const r = twb('explore', 'litmus', sub, '--jobs', '2', '--json', json);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      ['Observation IRIW+lwsyncs Sometimes 1 15', 'Observation MP+lwsync+addr Never 0 3', 'Observation SB Sometimes 1 3', '4 tests, 2 Sometimes, 1 Never, 1 error', ''].join('\n'),
    );
    expect(r.stderr).toBe(`twb: ${path.join(sub, 'broken.litmus')}:4:2: unknown instruction 'frob'\n`);
    const out = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(out).toHaveLength(4);
    expect(out[1]).toMatchObject({ name: 'MP+lwsync+addr', observation: 'Never', positive: 0, negative: 3, validated: false });
    expect(out[1].states).toContainEqual({ state: '1:r1=1; 1:r4=1;', satisfies: false });
    expect(out[3]).toEqual({ file: path.join(sub, 'broken.litmus'), error: `${path.join(sub, 'broken.litmus')}:4:2: unknown instruction 'frob'` });
    const full = twb('explore', 'litmus', path.join(sub, 'SB.litmus'), '--states');
    expect(full.stdout).toContain('Test SB Allowed\nStates 4\n');
    expect(twb('explore', 'litmus', sub, '--jobs', '0').stderr).toBe("twb: --jobs: expected an integer from 1 to 64, got '0'\n");
    expect(twb('explore', 'litmus', path.join(dir, 'nope')).stderr).toBe(`twb: cannot read ${path.join(dir, 'nope')}: no such file or directory\n`);
  });
});

// A litmus test too large to explore once ran V8 out of memory after 131 s. The model's bounds
// refuse most such tests at once; what gets past them runs in a worker with a heap and a time budget.
describe('twb explore litmus: budgets', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-explore-big-'));
  const big = path.join(dir, 'big.litmus');
  const threads = Array.from({ length: 10 }, (_, t) => {
    const decls = Array.from({ length: 10 }, (_, i) => `\tint r${i};`).join('\n');
    const body = Array.from({ length: 20 }, (_, i) => (i % 2 ? `\tWRITE_ONCE(*x${(t + i) % 4}, ${i});` : `\tr${i / 2} = READ_ONCE(*x${(t + i + 1) % 4});`)).join('\n');
    return `P${t}(int *x0, int *x1, int *x2, int *x3)\n{\n${decls}\n${body}\n}\n`;
  });
  fs.writeFileSync(big, `C big\n\n{}\n\n${threads.join('\n')}\nexists (x0=1)\n`);

  it('10 threads x 20 instructions end with a message naming the bound', () => {
    const r = twb('explore', 'litmus', big);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^twb: .*big\.litmus: .*too many/);
  }, 120_000);

  it('a test past its time budget ends with a message naming the budget', () => {
    const r = twb('explore', 'litmus', path.join(LITMUS, 'MP.litmus'), '--time-limit', '1ms');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`twb: ${path.join(LITMUS, 'MP.litmus')}: the exploration stopped after its 1 ms budget (--time-limit)\n`);
  }, 120_000);

  it('a test’s time budget starts when it runs, not while it waits its turn', () => {
    // 1,000 quick tests one at a time take longer in all than one test's budget.
    const many = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-explore-many-'));
    const sb = fs.readFileSync(path.join(LITMUS, 'SB.litmus'), 'utf8');
    for (let i = 0; i < 1000; i++) fs.writeFileSync(path.join(many, `SB-${String(i).padStart(4, '0')}.litmus`), sb);
    const r = twb('explore', 'litmus', many, '--jobs', '1', '--time-limit', '2s');
    fs.rmSync(many, { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1000 tests, 1000 Sometimes, 0 Never, 0 errors');
  }, 120_000);

  it('budgets are validated', () => {
    expect(twb('explore', 'litmus', big, '--memory-limit', '12x').stderr).toBe("twb: --memory-limit: expected 64..65536 (MB), got '12x'\n");
    expect(twb('explore', 'litmus', big, '--time-limit', 'soon').stderr).toMatch(/^twb: --time-limit: /);
  }, 120_000);
});
