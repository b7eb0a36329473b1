/**
 * Model parameters (docs/architecture.md §2): every rate, latency and window is named, documented with
 * its unit and its source or calibration target, and can be overridden per workspace
 * (`params` in the document) or per run (`twb run --set KEY=VALUE`).
 */
export interface ParamDef {
  key: string;
  /** e.g. 'ns', 'per_s', 'bytes', 'count', 'fraction', 'bool', 'enum'. */
  unit: string;
  default: number | boolean | string;
  doc: string;
  /** Where the value comes from: a seed file, a datasheet, or the calibration it was fitted to. */
  source: string;
  min?: number;
  max?: number;
  /** For unit 'enum'. */
  values?: readonly string[];
}

export type ParamValues = Record<string, number | boolean | string>;

const registry = new Map<string, ParamDef>();

/** Subsystems declare their parameters once, at module load. */
export function defineParams<const T extends readonly ParamDef[]>(defs: T): T {
  for (const d of defs) {
    if (registry.has(d.key) && registry.get(d.key) !== d) throw new Error(`parameter '${d.key}' defined twice`);
    registry.set(d.key, d);
  }
  return defs;
}

export function allParams(): ParamDef[] {
  return [...registry.values()].sort((a, b) => a.key.localeCompare(b.key));
}

export function paramDef(key: string): ParamDef | undefined {
  return registry.get(key);
}

/** Checks one value against its definition; returns the value in its proper type. */
export function checkParam(key: string, value: unknown): number | boolean | string {
  const def = registry.get(key);
  if (!def) throw new Error(`unknown parameter '${key}' (see 'twb params' for the list)`);
  const asText = typeof value === 'string' ? value : undefined;
  if (typeof def.default === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (asText === 'true' || asText === 'on' || asText === '1') return true;
    if (asText === 'false' || asText === 'off' || asText === '0') return false;
    throw new Error(`${key}: expected true or false, got ${JSON.stringify(value)}`);
  }
  if (typeof def.default === 'number') {
    const n = typeof value === 'number' ? value : asText !== undefined && asText.trim() !== '' ? Number(asText) : NaN;
    if (!Number.isFinite(n)) throw new Error(`${key}: expected a number (${def.unit}), got ${JSON.stringify(value)}`);
    if (def.min !== undefined && n < def.min) throw new Error(`${key}: expected at least ${def.min} ${def.unit}, got ${n}`);
    if (def.max !== undefined && n > def.max) throw new Error(`${key}: expected at most ${def.max} ${def.unit}, got ${n}`);
    return n;
  }
  const s = String(value);
  if (def.values && !def.values.includes(s)) throw new Error(`${key}: expected one of ${def.values.join(', ')}, got ${JSON.stringify(value)}`);
  return s;
}

/** Defaults, then workspace overrides, then run overrides; every key checked. */
export function resolveParams(...layers: ParamValues[]): Params {
  const values: ParamValues = {};
  for (const d of registry.values()) values[d.key] = d.default;
  for (const layer of layers) for (const [k, v] of Object.entries(layer)) values[k] = checkParam(k, v);
  return new Params(values);
}

export class Params {
  constructor(readonly values: Readonly<ParamValues>) {}
  num(key: string): number {
    const v = this.values[key];
    if (typeof v !== 'number') throw new Error(`parameter '${key}' is not a defined number`);
    return v;
  }
  bool(key: string): boolean {
    const v = this.values[key];
    if (typeof v !== 'boolean') throw new Error(`parameter '${key}' is not a defined boolean`);
    return v;
  }
  str(key: string): string {
    const v = this.values[key];
    if (typeof v !== 'string') throw new Error(`parameter '${key}' is not a defined string`);
    return v;
  }
}
