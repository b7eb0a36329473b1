/**
 * The model parameter registry: every subsystem's table, joined. Every process (app, run
 * worker, CLI, tests) that imports anything parameter-related gets all of them, so a workspace
 * that sets a device parameter is accepted wherever it runs.
 *
 * To add a parameter: add a row to its subsystem's table (`<subsystem>/params.ts`) with a
 * unit, a default, a range (`min`/`max`, `integer` for whole numbers; `values` for an enum;
 * `maxLength` for a string), what it means and where its value comes from; read it with
 * `sim.params.get('your.key')`. A new table joins TABLES below.
 */
import { ParamRegistry, type KeyOf, type ParamDef, type Params, type ParamValue, type ValueOf } from './core/params';
import { STRESS_PARAMS } from './stress/params';
import { KVM_PARAMS } from './kvm/params';
import { RUN_PARAMS } from './run/params';
import { IPI_PARAMS } from './ipi/params';
import { AIE_PARAMS } from './aie/params';
import { MHI_PARAMS } from './mhi/params';
import { DMABUF_PARAMS } from './dmabuf/params';
import { HOST_TOPOLOGY_PARAMS } from './power9/params';

const TABLES = [...STRESS_PARAMS, ...KVM_PARAMS, ...RUN_PARAMS, ...IPI_PARAMS, ...AIE_PARAMS, ...MHI_PARAMS, ...DMABUF_PARAMS, ...HOST_TOPOLOGY_PARAMS] as const;

export const PARAMS = new ParamRegistry(TABLES);

/** Every parameter key: `params.get('ipi.store_stal_fraction')` does not compile. */
export type ParamKey = KeyOf<typeof TABLES>;
/** The value type of one parameter (number, boolean, its enum's values, or string). */
export type ParamType<K extends ParamKey> = ValueOf<Extract<(typeof TABLES)[number], { key: K }>>;
/** The checked values of one run, read with `get(key)`. */
export type ModelParams = Params<typeof TABLES>;

/** Defaults, then workspace overrides, then run overrides; every key and value checked. */
export function resolveParams(...layers: Readonly<Record<string, unknown>>[]): ModelParams {
  return PARAMS.resolve(...layers);
}

/** Checks one override; throws a ParamError naming the key and its range. */
export function checkParam(key: string, value: unknown): ParamValue {
  return PARAMS.check(key, value);
}

/** Every definition, sorted by key (what `twb params` and `app.params` list). */
export function allParams(): ParamDef[] {
  return PARAMS.all();
}

export function paramDef(key: string): ParamDef | undefined {
  return PARAMS.def(key);
}

/** The keys of the numeric parameters. */
export type NumberParamKey = { [K in ParamKey]: ParamType<K> extends number ? K : never }[ParamKey];
