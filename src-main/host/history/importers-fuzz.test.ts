import { describe, expect, it } from 'vitest';
import { fuzzBridge } from '../../../test/reliability/bridge-fuzz';
import { fuzzImporter, IMPORTERS } from '../../../test/reliability/fuzz-props';

// Quick variant of test/reliability/fuzz.ts (10,000 inputs per importer, figures in docs/reliability.md).
describe('importers and bridge requests under random and mutated input', () => {
  for (const which of IMPORTERS)
    it(`${which}: accepts valid input or refuses it with a precise error`, () => {
      const r = fuzzImporter(which, 200);
      expect(r.accepted + r.refused).toBeGreaterThanOrEqual(200);
    });

  it('bridge: every request answered, refusals typed and precise, nothing written on refusal', async () => {
    const r = await fuzzBridge(300);
    expect(r.answered).toBe(300);
    expect(r.refusedBy.InternalError).toBeUndefined();
  });
});
