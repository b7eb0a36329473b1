import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLitmusResult, judgeLitmus } from './judge';
import { LitmusSyntaxError, parseLitmus } from './parse';

const dir = path.resolve(__dirname, '../../../resources/litmus');
const load = (f: string) => parseLitmus(fs.readFileSync(path.join(dir, f), 'utf8'));

/** Published POWER results (herd7 / ppcmem) for the example files. */
const EXPECTED: Record<string, string> = {
  'MP.litmus': 'Observation MP Sometimes 1 3',
  'MP+syncs.litmus': 'Observation MP+syncs Never 0 3',
  'MP+lwsyncs.litmus': 'Observation MP+lwsyncs Never 0 3',
  'MP+release+acquire.litmus': 'Observation MP+release+acquire Never 0 3',
  'SB.litmus': 'Observation SB Sometimes 1 3',
  'SB+lwsyncs.litmus': 'Observation SB+lwsyncs Sometimes 1 3',
  'SB+syncs.litmus': 'Observation SB+syncs Never 0 3',
  'R.litmus': 'Observation R Sometimes 1 3',
  'R+syncs.litmus': 'Observation R+syncs Never 0 3',
  'LB.litmus': 'Observation LB Sometimes 1 3',
  '2+2W+lwsyncs.litmus': 'Observation 2+2W+lwsyncs Never 0 3',
  'CoRR.litmus': 'Observation CoRR Never 0 3',
};

describe('litmus tests under the POWER model', () => {
  it('has an expectation for every example file', () => {
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.litmus')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
  for (const [file, obs] of Object.entries(EXPECTED)) {
    it(file, () => {
      const t = load(file);
      const out = formatLitmusResult(t, judgeLitmus(t));
      expect(out.split('\n').at(-1)).toBe(obs);
    });
  }

  it('prints herd-style states and a witness for the allowed MP outcome', () => {
    const t = load('MP.litmus');
    const out = formatLitmusResult(t, judgeLitmus(t), true);
    expect(out).toContain('States 4\n1:r0=0; 1:r1=0;\n1:r0=0; 1:r1=1;\n1:r0=1; 1:r1=0;\n1:r0=1; 1:r1=1;');
    expect(out).toContain('Condition exists (1:r0=1 /\\ 1:r1=0)');
    expect(out).toContain('DEFERRED DUE TO RE-ORDERING');
  });

  it('evaluates ~, \\/ and final memory values', () => {
    const src = `C T\n{ x=5; }\nP0(int *x, int *y) { int r0; r0 = READ_ONCE(*y); WRITE_ONCE(*x, r0); }\nP1(int *y) { WRITE_ONCE(*y, 1); }\nexists (x=1 \\/ ~(0:r0=1))\n`;
    const r = judgeLitmus(parseLitmus(src));
    expect(r.observation).toBe('Always');
    const src2 = src.replace('exists (x=1 \\/ ~(0:r0=1))', 'exists (x=5)');
    expect(judgeLitmus(parseLitmus(src2)).observation).toBe('Never');
  });
});

describe('litmus syntax errors name line and column', () => {
  const err = (src: string): LitmusSyntaxError => {
    try {
      parseLitmus(src);
    } catch (e) {
      if (e instanceof LitmusSyntaxError) return e;
      throw e;
    }
    throw new Error('no error');
  };
  it('missing name line', () => {
    expect(err('\n\nP0() {}').message).toBe("line 3, column 1: expected the name line 'C NAME'");
  });
  it('unknown statement', () => {
    const e = err('C T\n{}\nP0(int *x)\n{\n\tFOO(*x, 1);\n}\nexists (x=1)');
    expect([e.line, e.column]).toEqual([5, 2]);
    expect(e.detail).toContain("found 'FOO'");
  });
  it('undeclared register', () => {
    const e = err('C T\n{}\nP0(int *x)\n{\n  r0 = READ_ONCE(*x);\n}\nexists (0:r0=1)');
    expect([e.line, e.column]).toEqual([5, 3]);
    expect(e.detail).toContain("register 'r0' is not declared");
  });
  it('location that is not a parameter', () => {
    const e = err('C T\n{}\nP0(int *x)\n{\n  WRITE_ONCE(*y, 1);\n}\nexists (x=1)');
    expect([e.line, e.column]).toEqual([5, 15]);
  });
  it('missing semicolon', () => {
    const e = err('C T\n{}\nP0(int *x)\n{\n  WRITE_ONCE(*x, 1)\n}\nexists (x=1)');
    expect([e.line, e.column]).toEqual([6, 1]);
    expect(e.detail).toBe("expected ';', found '}'");
  });
  it('bad condition', () => {
    const e = err('C T\n{}\nP0(int *x)\n{\n  WRITE_ONCE(*x, 1);\n}\nexists (x=1 /\\ )');
    expect([e.line, e.column]).toEqual([7, 16]);
  });
  it('unterminated comment', () => {
    const e = err('C T\n(* oops\n{}');
    expect([e.line, e.column]).toEqual([2, 1]);
  });
  it('condition on a register never loaded', () => {
    const e = err('C T\n{}\nP0(int *x)\n{\n  int r1;\n  WRITE_ONCE(*x, 1);\n}\nexists (0:r1=1)');
    expect(e.detail).toContain('never loads');
  });
});
