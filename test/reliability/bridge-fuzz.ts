/**
 * Random and malformed bridge requests against a BridgeHost serving every area on an in-memory
 * store (valid requests with one field made hostile too: 3,000-deep values, Infinity and NaN,
 * 200 KB strings, cpusets of 20,000 CPUs): each must be answered (never a throw or a hang), refusals must be typed errors with a
 * precise message (never InternalError, which means a handler crashed), and a refused request
 * must write nothing (SQLite total_changes unchanged).
 */
import fc from 'fast-check';
import { contract } from '../../src-common/bridge';
import { createBridgeHost } from '../../src-main/host/server/handlers';
import { openStore } from '../../src-main/host/store';
import { MESSAGE_MAX } from '../../src-common/parse/quote';

export interface BridgeOutcome {
  answered: number;
  ok: number;
  refusedBy: Record<string, number>;
}

const METHODS = Object.keys(contract.methods);
const KEYS = ['workspaceId', 'runId', 'id', 'name', 'doc', 'baseRevision', 'revision', 'tile', 'mem', 'offset', 'length', 'bytes', 'partition', 'limit', 'seed', 'duration', 'barriers', 'speed', 'col', 'row'];
const value = fc.oneof(fc.integer({ min: -2, max: 5 }), fc.nat(), fc.double(), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('builtin:seed-power9-ipi', '1,1', 'data', '20h', 'none', '__proto__', 'constructor'));
const arg = fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 }));
/** Values that took the host down before (issue 11): deep nesting, non-finite numbers, huge strings and counts. */
const deepValue = fc.tuple(fc.integer({ min: 33, max: 3000 }), fc.boolean()).map(([depth, asObject]) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = asObject ? { k: v } : [v];
  return v;
});
const hostile = fc.oneof(
  deepValue,
  fc.constantFrom(Infinity, -Infinity, NaN, 1e308, 2 ** 53 + 1, -0),
  fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i).join(',')),
  fc.constantFrom('0-15000000', '^0,0-16383', '9'.repeat(400), '%E0%A4%A', '//['),
);
/** A valid request with one field anywhere in its argument replaced by a hostile value. */
const VALID: { method: string; arg: unknown }[] = [
  { method: 'runs.report', arg: { ids: [1], format: 'html' } },
  { method: 'workspaces.create', arg: { name: 'x', builtin: 'seed-power9-ipi' } },
  { method: 'transfer.importSynthetic', arg: { description: 'pack:2 core:16 pu:4' } },
  { method: 'aie.editMemory', arg: { doc: null, col: 1, row: 1, mem: 'data', offset: 0, hex: '41' } },
  { method: 'devices.snapshot', arg: { document: null, after: '1ms', loopback: '1K' } },
  { method: 'runs.list', arg: { workspaceId: 1, limit: 5 } },
];
const hostileRequest = fc.tuple(fc.nat(), fc.constantFrom(...VALID), fc.constantFrom('replace-field', 'add-field', 'replace-arg'), hostile).map(([id, v, how, value]) => {
  const arg = (v.arg && typeof v.arg === 'object' ? { ...(v.arg as object) } : {}) as Record<string, unknown>;
  const keys = Object.keys(arg);
  if (how === 'replace-arg') return { id, method: v.method, arg: value };
  if (how === 'add-field' || keys.length === 0) arg.extra = value;
  else arg[keys[id % keys.length]] = value;
  return { id, method: v.method, arg };
});

const request = fc.oneof(
  hostileRequest,
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
        // A refusal quotes a bounded prefix of what it got, however large the input.
        if (reply.error.message.length > MESSAGE_MAX + 100) throw new Error(`unbounded error message (${reply.error.message.length} characters)`);
        if (changes() !== before) throw new Error(`a refused request wrote to the store: ${JSON.stringify(req)}`);
      }),
      { numRuns, seed, endOnFailure: true },
    );
  } finally {
    store.close();
  }
  return out;
}
