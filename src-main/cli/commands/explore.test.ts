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
    expect(r.stdout).toMatch(/states explored: \d+/);
    const out = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(out.lostIpiReachable).toBe(true);
    expect(out.statesExplored).toBeGreaterThan(0);
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
    expect(r.stdout.trim().split('\n').at(-1)).toBe('Observation SB+syncs Never 0 3');
    const bad = path.join(dir, 'bad.litmus');
    fs.writeFileSync(bad, 'C T\n{}\nP0(int *x)\n{\n  WRITE_ONCE(*x, 1)\n}\nexists (x=1)\n');
    const e = twb('explore', 'litmus', bad);
    expect(e.status).toBe(1);
    expect(e.stderr).toBe(`twb: ${bad}:6:1: expected ';', found '}'\n`);
  });
});
