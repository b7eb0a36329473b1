import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeGoldens } from '../../scripts/figures/goldens';

/**
 * The key model figures (first soft lockup, lost IPIs, broadcasts and trace digest of the seed
 * scenario; the explorer's results; an MHI transfer, the dma-buf stress, an AIE memory) against
 * goldens.json. A model change that moves them is a conscious one: `npm run figures` rewrites
 * the goldens and the docs' tables together, and the diff is reviewed.
 */
describe('goldens', () => {
  it('the key model figures are the committed goldens', () => {
    const goldens = JSON.parse(fs.readFileSync(new URL('./goldens.json', import.meta.url), 'utf8'));
    expect(computeGoldens(), 'model figures moved: run `npm run figures`, review the diff of docs/ and test/unit/goldens.json, commit both').toEqual(goldens);
  }, 300_000);
});
