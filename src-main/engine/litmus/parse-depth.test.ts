import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src-common/parse/limits';
import { parseLitmus } from './parse';

// Issue 11: 100,000 nested parentheses in a condition or an expression ran the recursive
// parsers out of stack ("Maximum call stack size exceeded", naming nothing).
describe('litmus nesting bound', () => {
  const test = (cond: string, expr = '1') => `C deep\n\n{}\n\nP0(int *x)\n{\n\tint r0;\n\tr0 = ${expr};\n\tWRITE_ONCE(*x, r0);\n}\n\nexists (${cond})\n`;
  const nest = (n: number, inner: string) => '('.repeat(n) + inner + ')'.repeat(n);

  it('refuses brackets nested past the limit by line and column, in the condition and in the code', () => {
    expect(() => parseLitmus(test(nest(100_000, 'x=1')))).toThrow(`line 12, column ${8 + LIMITS.litmusDepth.value}: brackets nested deeper than ${LIMITS.litmusDepth.value} levels`);
    expect(() => parseLitmus(test('x=1', nest(100_000, '1')))).toThrow(`line 8, column ${6 + LIMITS.litmusDepth.value}: brackets nested deeper than ${LIMITS.litmusDepth.value} levels`);
  });

  it('parses nesting within the limit', () => {
    expect(parseLitmus(test(nest(10, 'x=1'), nest(10, '1'))).name).toBe('deep');
  });
});
