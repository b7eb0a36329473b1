/**
 * Model parameters (docs/architecture.md §2): every rate, latency and window is named, documented with
 * its unit, range and source or calibration target, and can be overridden per workspace
 * (`params` in the document) or per run (`twb run --set KEY=VALUE`).
 *
 * Each subsystem declares its parameters in a plain table (`<subsystem>/params.ts`,
 * `as const satisfies readonly ParamDef[]`); `engine/params.ts` joins the tables into the one
 * registry. The registry's key union types `Params.get`, so a misspelt key does not compile.
 * This file is the machinery only: it knows no table.
 */
import type { ParamDef, ParamValue } from '../../../src-common/params/param-def';

export type { ParamDef, ParamValue, NumberParamDef, BoolParamDef, EnumParamDef, StringParamDef, NumberUnit } from '../../../src-common/params/param-def';
export { NUMBER_UNITS } from '../../../src-common/params/param-def';

/** One layer of overrides (a workspace's `params`, `--set`): untrusted until checked. */
export type ParamValues = Record<string, ParamValue>;

/** The keys of a table. */
export type KeyOf<T extends readonly ParamDef[]> = T[number]['key'];

/** The value type of a definition: boolean, one of its enum values, string, or number. */
export type ValueOf<D extends ParamDef> = D extends { unit: 'bool' }
  ? boolean
  : D extends { unit: 'enum'; values: readonly (infer V)[] }
    ? V
    : D extends { unit: 'string' }
      ? string
      : number;

type DefOf<T extends readonly ParamDef[], K> = Extract<T[number], { key: K }>;

/** A bad parameter key or value; the message names the key and what it accepts. */
export class ParamError extends Error {
  override name = 'ParamError';
  constructor(
    readonly key: string,
    /** The message without the key, for callers that name the field themselves. */
    readonly reason: string,
  ) {
    super(reason.startsWith('unknown parameter') ? reason : `${key}: ${reason}`);
  }
}

/** The accepted values of a definition, for messages and listings: `an integer from 1 to 64 (count)`. */
export function describeRange(def: ParamDef): string {
  switch (def.unit) {
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${def.values.join(', ')}`;
    case 'string':
      return `a string of at most ${def.maxLength} characters`;
    default:
      return `${def.integer ? 'an integer' : 'a number'} from ${def.min} to ${def.max} (${def.unit})`;
  }
}

/** Checks a value against its definition; returns it in its proper type or throws ParamError. */
export function checkValue(def: ParamDef, value: unknown): ParamValue {
  const key = def.key;
  const bad = () => new ParamError(key, `expected ${describeRange(def)}, got ${JSON.stringify(value)}`);
  const text = typeof value === 'string' ? value : undefined;
  switch (def.unit) {
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (text === 'true' || text === 'on' || text === '1') return true;
      if (text === 'false' || text === 'off' || text === '0') return false;
      throw bad();
    case 'enum':
      if (typeof value === 'string' && def.values.includes(value)) return value;
      throw bad();
    case 'string':
      if (typeof value === 'string' && value.length <= def.maxLength) return value;
      throw bad();
    default: {
      const n = typeof value === 'number' ? value : text !== undefined && text.trim() !== '' ? Number(text) : NaN;
      if (!Number.isFinite(n) || n < def.min || n > def.max || (def.integer && !Number.isInteger(n))) throw bad();
      return n;
    }
  }
}

/** The values of one run: every key of the registry, each checked. */
export class Params<T extends readonly ParamDef[]> {
  /** @internal Built by ParamRegistry.resolve, which checks every value. */
  constructor(readonly values: Readonly<Record<KeyOf<T>, ParamValue>>) {}

  get<K extends KeyOf<T>>(key: K): ValueOf<DefOf<T, K>> {
    return this.values[key] as ValueOf<DefOf<T, K>>;
  }
}

/** The parameter tables joined: lookup, checking, defaults and overrides. */
export class ParamRegistry<const T extends readonly ParamDef[]> {
  private readonly byKey = new Map<string, ParamDef>();

  constructor(readonly defs: T) {
    for (const d of defs) {
      if (this.byKey.has(d.key)) throw new Error(`parameter '${d.key}' defined twice`);
      if (d.unit !== 'bool' && d.unit !== 'enum' && d.unit !== 'string' && !(d.min <= d.max)) throw new Error(`parameter '${d.key}': min ${d.min} > max ${d.max}`);
      checkValue(d, d.default);
      this.byKey.set(d.key, d);
    }
  }

  has(key: string): key is KeyOf<T> {
    return this.byKey.has(key);
  }

  def(key: string): ParamDef | undefined {
    return this.byKey.get(key);
  }

  /** Every definition, sorted by key. */
  all(): ParamDef[] {
    return [...this.byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Checks one override; the error names the key and its range (or that the key is unknown). */
  check(key: string, value: unknown): ParamValue {
    const def = this.byKey.get(key);
    if (!def) throw new ParamError(key, `unknown parameter '${key}' (see 'twb params' for the list)`);
    return checkValue(def, value);
  }

  /** Defaults, then each layer of overrides in turn (workspace, then run); every key checked. */
  resolve(...layers: Readonly<Record<string, unknown>>[]): Params<T> {
    const values: Record<string, ParamValue> = {};
    for (const d of this.defs) values[d.key] = d.default;
    for (const layer of layers) for (const [k, v] of Object.entries(layer)) values[k] = this.check(k, v);
    return new Params<T>(values as Record<KeyOf<T>, ParamValue>);
  }
}
