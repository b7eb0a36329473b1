/**
 * One model parameter, as the engine's tables declare it and as `app.params` / `twb params`
 * list it (docs/architecture.md §2: every rate, latency and window is named, documented with its unit and
 * its source or calibration target, and editable per workspace). One declaration for the
 * engine and the bridge.
 *
 * The unit says which kind of value the parameter holds: `bool`, `enum` (one of `values`),
 * `string` (at most `maxLength` characters), or a number in one of the NUMBER_UNITS with a
 * closed range [min, max] and, where only whole values make sense, `integer`.
 */
interface ParamDefBase {
  key: string;
  doc: string;
  /** Where the value comes from: a seed file, a datasheet, or the calibration it was fitted to. */
  source: string;
}

export const NUMBER_UNITS = ['ns', 'ms', 's', 'Hz', 'per_s', 'bytes', 'bytes/ns', 'count', 'cycles', 'fraction'] as const;
export type NumberUnit = (typeof NUMBER_UNITS)[number];

export interface NumberParamDef extends ParamDefBase {
  unit: NumberUnit;
  default: number;
  min: number;
  max: number;
  /** Only whole numbers (counts, sizes, sysctls that are integers in the kernel). */
  integer?: boolean;
}

export interface BoolParamDef extends ParamDefBase {
  unit: 'bool';
  default: boolean;
}

export interface EnumParamDef extends ParamDefBase {
  unit: 'enum';
  default: string;
  values: readonly string[];
}

export interface StringParamDef extends ParamDefBase {
  unit: 'string';
  default: string;
  maxLength: number;
}

export type ParamDef = NumberParamDef | BoolParamDef | EnumParamDef | StringParamDef;

/** A parameter value as a workspace document or `--set` gives it (checked against its ParamDef). */
export type ParamValue = number | boolean | string;
