/**
 * The herding-cats POWER campaign's public half (../shared/herding-cats: 4,069 PPC litmus tests
 * of the published campaign, Alglave–Maranget–Tautschnig TOPLAS 2014, each with its published ppc.cat
 * verdict and whether POWER hardware was observed to reach the condition). The tests are unpacked to a temporary
 * directory, never copied into the repository. Every verdict must be ppc.cat's, and no test
 * hardware was seen to pass may be judged Never.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeLitmus } from './judge';
import { parseLitmus } from './parse';

const CAMPAIGN = path.resolve(__dirname, '../../../../shared/herding-cats');

describe('herding-cats POWER campaign (public half)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-campaign-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('agrees with ppc.cat on every test and never says Never to what hardware did', () => {
    expect(fs.existsSync(path.join(CAMPAIGN, 'verdicts-public.tsv')), `the campaign data is expected at ${CAMPAIGN}`).toBe(true);
    execFileSync('tar', ['xzf', path.join(CAMPAIGN, 'power-campaign-public.tgz'), '-C', tmp]);
    const verdicts = new Map<string, { model: string; hardware: string }>();
    for (const line of fs.readFileSync(path.join(CAMPAIGN, 'verdicts-public.tsv'), 'utf8').trim().split('\n')) {
      const [name, model, hardware] = line.split('\t');
      verdicts.set(name, { model, hardware });
    }
    const dir = path.join(tmp, 'herding-cats-public');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.litmus'));
    const disagree: string[] = [];
    const neverButObserved: string[] = [];
    const judged = new Set<string>();
    for (const f of files) {
      const test = parseLitmus(fs.readFileSync(path.join(dir, f), 'utf8'));
      const v = verdicts.get(test.name);
      if (!v) throw new Error(`${f}: no verdict for ${test.name}`);
      judged.add(test.name);
      const r = judgeLitmus(test);
      const mine = r.positive > 0 ? 'Ok' : 'No';
      if (mine !== v.model) disagree.push(`${test.name}: ${mine}, ppc.cat ${v.model}`);
      if (mine === 'No' && v.hardware === 'Ok') neverButObserved.push(test.name);
    }
    console.log(`herding-cats public half: ${judged.size - disagree.length}/${verdicts.size} agree with ppc.cat; ${neverButObserved.length} hardware-observed tests judged Never`);
    expect(judged.size).toBe(verdicts.size);
    expect(disagree).toEqual([]);
    expect(neverButObserved).toEqual([]);
  }, 600_000);
});
