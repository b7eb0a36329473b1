import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeLitmus, formatLitmusResult } from '../litmus/judge';
import { parseLitmus } from '../litmus/parse';
import { exploreIpi } from './explore-ipi';
import { BARRIER_VARIANTS, barriersOf } from './handshake';

const dir = path.resolve(__dirname, '../../../resources/litmus');

describe('the seed handshake as litmus files (resources/litmus/host-ipi-*.litmus)', () => {
  it('one file per kernel variant, each judged as twb explore ipi finds the lost IPI', () => {
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('host-ipi-')).sort()).toEqual(BARRIER_VARIANTS.map((v) => `host-ipi-${v}.litmus`).sort());
    for (const v of BARRIER_VARIANTS) {
      const t = parseLitmus(fs.readFileSync(path.join(dir, `host-ipi-${v}.litmus`), 'utf8'));
      const observation = formatLitmusResult(t, judgeLitmus(t)).split('\n').at(-1)!;
      const lost = exploreIpi(barriersOf(v), undefined, { witnessText: false }).lostIpiReachable;
      expect(observation, v).toMatch(lost ? / Sometimes / : / Never /);
    }
  });
});
