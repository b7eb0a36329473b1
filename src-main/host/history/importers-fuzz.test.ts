import { describe, expect, it } from 'vitest';
import { fuzzImporter, IMPORTERS } from '../../../test/reliability/fuzz-props';

// Quick variant of test/reliability/fuzz.ts (10,000 inputs per importer, figures in the README).
describe('importers under random and mutated input', () => {
  for (const which of IMPORTERS)
    it(`${which}: accepts valid input or refuses it with a precise error`, () => {
      const r = fuzzImporter(which, 200);
      expect(r.accepted + r.refused).toBeGreaterThanOrEqual(200);
    });
});
