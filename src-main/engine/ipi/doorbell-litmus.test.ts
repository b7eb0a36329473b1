import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLitmusResult, judgeLitmus } from '../litmus/judge';
import { parseLitmus } from '../litmus/parse';
import { axiomaticFinalStates, compile, explore } from '../memory-model';

const dir = path.resolve(__dirname, '../../../resources/litmus/doorbell');

/**
 * msgsnd as handshake.ts encodes it (an atomic set of the pending doorbell): two senders, one
 * receiver. Only with the sync before each msgsnd and the receiver's msgsync; lwsync is the
 * merged doorbell ordered after both senders' stores; a plain-store msgsnd never is.
 */
const EXPECTED: Record<string, 'Never' | 'Sometimes'> = {
  'DB+merge+syncs.litmus': 'Never',
  'DB+merge+po+sync.litmus': 'Sometimes',
  'DB+merge+syncs+po.litmus': 'Sometimes',
  'DB+merge+store.litmus': 'Sometimes',
};

describe('merged doorbells (resources/litmus/doorbell/)', () => {
  it('has an expectation for every file', () => {
    expect(fs.readdirSync(dir).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
  for (const [file, verdict] of Object.entries(EXPECTED)) {
    it(`${file}: ${verdict} under ppc.cat`, () => {
      const t = parseLitmus(fs.readFileSync(path.join(dir, file), 'utf8'));
      expect(formatLitmusResult(t, judgeLitmus(t)).split('\n').at(-1)).toMatch(new RegExp(` ${verdict} `));
    });
  }

  it('the operational machine (the timed episodes\u2019) reaches the final states ppc.cat allows for the merge the handshake relies on', () => {
    const prog = compile(parseLitmus(fs.readFileSync(path.join(dir, 'DB+merge+syncs.litmus'), 'utf8')).program);
    expect(explore(prog).outcomes.map((o) => o.key).sort()).toEqual([...axiomaticFinalStates(prog)].sort());
  });
});
