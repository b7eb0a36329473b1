/**
 * The classic families (MP, SB, LB, WRC, IRIW, R, S, 2+2W, RWC, ISA2, W+RWC, Z6.0–Z6.5) with
 * every fence / dependency variant in every slot (families.ts): each verdict must be its pinned
 * ppc.cat verdict (resources/litmus/families-verdicts.txt: its Observation line, counts
 * included). Where a name is also in the herding-cats catalogue's public half, the
 * catalogue's published verdict must be the same one (so the generated test is the catalogue's).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFamilies, FAMILIES } from './families';
import { formatLitmusResult, judgeLitmus } from './judge';
import { parseLitmus } from './parse';

const PINNED = path.resolve(__dirname, '../../../resources/litmus/families-verdicts.txt');
const CATALOGUE = path.resolve(__dirname, '../../../../shared/herding-cats/verdicts-public.tsv');

const pinned = new Map(
  fs
    .readFileSync(PINNED, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => [l.split(' ')[0], l] as const),
);

describe('classic litmus families under ppc.cat', () => {
  const tests = generateFamilies();

  it('generates every family with distinct names, one pinned verdict each', () => {
    expect(new Set(tests.map((t) => t.family))).toEqual(new Set(Object.keys(FAMILIES)));
    expect(new Set(tests.map((t) => t.name)).size).toBe(tests.length);
    expect(tests.map((t) => t.name).sort()).toEqual([...pinned.keys()].sort());
  });

  it('writes the catalogue’s tests: MP+lwsync+addr as diy does', () => {
    const mp = tests.find((t) => t.name === 'MP+lwsync+addr')!;
    expect(mp.source).toContain(' lwsync       | lwzx r5,r4,r3 ;');
    expect(mp.source).toContain('exists (1:r2=1 /\\ 1:r5=0)');
  });

  for (const family of Object.keys(FAMILIES)) {
    it(`${family}: every variant as pinned`, () => {
      const wrong: string[] = [];
      for (const t of tests.filter((x) => x.family === family)) {
        const p = parseLitmus(t.source);
        const line = formatLitmusResult(p, judgeLitmus(p)).split('\n').at(-1)!.replace(/^Observation /, '');
        if (line !== pinned.get(t.name)) wrong.push(`${line} (pinned: ${pinned.get(t.name)})`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it.runIf(fs.existsSync(CATALOGUE))('agrees with the catalogue’s published verdict wherever the names meet', () => {
    const published = new Map(
      fs
        .readFileSync(CATALOGUE, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('\t'))
        .map(([name, model]) => [name, model] as const),
    );
    let shared = 0;
    const differ: string[] = [];
    for (const [name, line] of pinned) {
      const model = published.get(name);
      if (!model) continue;
      shared++;
      const ours = line.split(' ')[1] === 'Never' ? 'No' : 'Ok';
      if (ours !== model) differ.push(`${name}: pinned ${ours}, catalogue ${model}`);
    }
    expect(differ).toEqual([]);
    expect(shared).toBeGreaterThan(500);
  });
});
