/**
 * Random and malformed bridge requests against a BridgeHost serving every area on an in-memory
 * store: each must be answered (never a throw or a hang), refusals must be typed errors with a
 * precise message (never InternalError, which means a handler crashed), and a refused request
 * must write nothing (SQLite total_changes unchanged).
 */
import fc from 'fast-check';
import { contract } from '../../src-common/bridge';
import { createBridgeHost } from '../../src-main/host/server/handlers';
import { openStore } from '../../src-main/host/store';

export interface BridgeOutcome {
  answered: number;
  ok: number;
  refusedBy: Record<string, number>;
}

const METHODS = Object.keys(contract.methods);
const KEYS = ['workspaceId', 'runId', 'id', 'name', 'doc', 'baseRevision', 'revision', 'tile', 'mem', 'offset', 'length', 'bytes', 'partition', 'limit', 'seed', 'duration', 'barriers', 'speed', 'col', 'row'];
const value = fc.oneof(fc.integer({ min: -2, max: 5 }), fc.nat(), fc.double(), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('builtin:seed-power9-ipi', '1,1', 'data', '20h', 'none', '__proto__', 'constructor'));
const arg = fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 }));
const request = fc.oneof(
  fc.record({ id: fc.nat(), method: fc.constantFrom(...METHODS), arg }),
  fc.record({ id: fc.nat(), method: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('toString', '__proto__', 'hasOwnProperty', 'runs.', 'aie.describe ')), arg }),
  fc.anything({ maxDepth: 2 }),
);

export async function fuzzBridge(numRuns: number, seed = 7): Promise<BridgeOutcome> {
  const store = openStore(':memory:');
  const host = createBridgeHost({ store, version: '0.0.0-fuzz', mode: 'test' });
  const changes = () => (store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  const out: BridgeOutcome = { answered: 0, ok: 0, refusedBy: {} };
  try {
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const before = changes();
        const reply = await host.dispatch(req);
        out.answered++;
        if (reply.ok) {
          out.ok++;
          return;
        }
        out.refusedBy[reply.error.name] = (out.refusedBy[reply.error.name] ?? 0) + 1;
        if (reply.error.name === 'InternalError') throw new Error(`handler crashed on ${JSON.stringify(req)}: ${reply.error.message}`);
        if (reply.error.message.trim().length < 8 || /\[object Object\]/.test(reply.error.message)) throw new Error(`imprecise error: ${reply.error.message}`);
        if (changes() !== before) throw new Error(`a refused request wrote to the store: ${JSON.stringify(req)}`);
      }),
      { numRuns, seed, endOnFailure: true },
    );
  } finally {
    store.close();
  }
  return out;
}
