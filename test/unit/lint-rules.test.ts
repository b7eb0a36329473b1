import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The runtime-boundary lint rules (eslint.config.js) against test/lint-fixtures: each fixture is
 * linted as if it were the file on its `// lint-as:` line and must give exactly the errors its
 * `// expect:` lines name — so a rule that stops catching what it should fails here.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.join(root, 'test/lint-fixtures');
const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('lint rules hold the runtime boundaries', () => {
  const eslint = new ESLint({ cwd: root });

  it('has fixtures for every rule', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of fixtures) {
    it(name, async () => {
      const code = fs.readFileSync(path.join(dir, name), 'utf8');
      const lintAs = /^\/\/ lint-as: (.+)$/m.exec(code)?.[1];
      expect(lintAs, 'fixture needs a // lint-as: line').toBeTruthy();
      const expected = [...code.matchAll(/^\/\/ expect: (.+)$/gm)].map((m) => m[1]).filter((e) => e !== 'nothing');
      const [result] = await eslint.lintText(code, { filePath: path.join(root, lintAs!) });
      const messages = result.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
      const unmatched = [...messages];
      for (const want of expected) {
        const i = unmatched.findIndex((m) => m.includes(want));
        expect(i, `no error says "${want}"; got:\n${messages.join('\n')}`).toBeGreaterThanOrEqual(0);
        unmatched.splice(i, 1);
      }
      expect(unmatched, 'errors the fixture does not expect').toEqual([]);
    });
  }
});
