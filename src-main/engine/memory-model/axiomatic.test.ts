import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLitmus } from '../litmus/parse';
import { axiomaticFinalStates } from './axiomatic';
import { compile } from './program';

const dir = path.resolve(__dirname, '../../../resources/litmus');

describe('axiomatic enumeration: the write-count prune', () => {
  it('keeps every final state of every litmus test in resources/ (it drops only paths no consistent execution has)', () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.litmus'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const prog = compile(parseLitmus(fs.readFileSync(path.join(dir, f), 'utf8')).program);
      const plain = [...axiomaticFinalStates(prog)].sort();
      const pruned = [...axiomaticFinalStates(prog, { pruneByWriteCount: true })].sort();
      expect(pruned, f).toEqual(plain);
    }
  });
});
