import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLitmusResult, judgeLitmus } from './judge';
import { parseLitmus } from './parse';

const dir = path.resolve(__dirname, '../../../resources/litmus/mixed');

/**
 * The reference reports' PPC mixed mode (herd7 7.57) loses a successful stwcx. whose lwarx read
 * another CPU's write (herd7 itself has since declared its mixed mode unimplemented for PPC): on
 * a single-size test, `lwarx` reading 1 then `stwcx.` of 0 ending with x=0, it answers Never in
 * mixed mode and Sometimes without it. Ours answers as without it; the final states the
 * reference reports miss that way are listed here (docs/models/memory-model.md).
 */
const HERD_MIXED_MISSES: Record<string, string[]> = {
  'XCHG+byte.litmus': ['1:r5=256; [x]=0;'],
  'XCHG+byte+lost.litmus': ['1:r5=256; [x]=0;'],
};

/**
 * Mixed-size litmus tests (byte, halfword, word and doubleword accesses to one location), each
 * beside the reference verdict for it: `NAME.herd7` is herd7 7.57's report under ppc.cat in its
 * mixed-size mode, kept as reference data (without its Time and Hash lines).
 */
describe('mixed-size litmus tests (resources/litmus/mixed/) report as herd7 -variant mixed does', () => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.litmus'));
  it('has herd7’s report beside every test', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(fs.existsSync(path.join(dir, f.replace(/\.litmus$/, '.herd7'))), f).toBe(true);
  });
  for (const f of files) {
    it(f, () => {
      const t = parseLitmus(fs.readFileSync(path.join(dir, f), 'utf8'));
      const herd = fs.readFileSync(path.join(dir, f.replace(/\.litmus$/, '.herd7')), 'utf8').trim();
      const mine = formatLitmusResult(t, judgeLitmus(t));
      const misses = HERD_MIXED_MISSES[f];
      if (!misses) {
        expect(mine).toBe(herd);
        return;
      }
      // The same verdict, and herd's final states plus exactly the ones it misses.
      const states = (report: string) => report.split('\n').filter((l) => /^[0-9[]/.test(l));
      const verdict = (report: string) => report.split('\n').find((l) => l === 'Ok' || l === 'No');
      expect(verdict(mine)).toBe(verdict(herd));
      expect(states(mine).sort()).toEqual([...states(herd), ...misses].sort());
    });
  }
});

describe('mixed-size accesses: what is refused', () => {
  const judge = (src: string) => () => judgeLitmus(parseLitmus(src));
  it('an unaligned access', () => {
    expect(judge('PPC U\n{ uint32_t x; 0:r2=x; }\n P0 ;\n lhz r1,1(r2) ;\nexists (0:r1=0)\n')).toThrow(/2-byte access at x\+1 .* is not aligned/);
  });
  it('an access past the declared size', () => {
    expect(judge('PPC O\n{ uint16_t x; 0:r2=x; }\n P0 ;\n lwz r1,0(r2) ;\nexists (0:r1=0)\n')).toThrow(/4-byte access at x .* reaches past its 2 bytes/);
  });
});
