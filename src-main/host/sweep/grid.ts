/**
 * What a sweep runs: seeds × configurations, where a configuration is one value of every
 * `--vary KEY=V1,V2…` axis (the cartesian product, first axis outermost). Everything is checked
 * before any run starts, through the same overrides a run applies (`kernel.barriers`,
 * `workloads.TARGET`, model parameters via the registry), and every size is bounded here.
 */
import { FieldError } from '../../../src-common/parse/field-error';
import { LIMITS as INPUT_LIMITS } from '../../../src-common/parse/limits';
import type { Workspace } from '../../../src-common/workspace';
import type { ParamValues } from '../../engine/core';
import { resolveParams } from '../../engine/params';
import { applyOverrides } from '../../engine/run/build';
import { runProblems } from '../../engine/run/validate';

export interface VaryAxis {
  key: string;
  values: string[];
}

/** One point of the grid: the override of every axis, in axis order. */
export interface Configuration {
  index: number;
  params: Record<string, string>;
  /** Canonical text of `params` (JSON, axis order): what the store keys runs by. */
  key: string;
}

/** The sweep rows of the input limits table (src-common/parse/limits.ts, docs/limits.md). */
export const LIMITS = {
  specChars: INPUT_LIMITS.sweepSpecChars.value,
  seeds: INPUT_LIMITS.sweepRuns.value,
  axes: INPUT_LIMITS.sweepAxes.value,
  valuesPerAxis: INPUT_LIMITS.sweepValuesPerAxis.value,
  configurations: INPUT_LIMITS.sweepConfigurations.value,
  runs: INPUT_LIMITS.sweepRuns.value,
  /** Seeds are 32-bit, as a run's. */
  maxSeed: 0xffffffff,
} as const;

const show = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);

/** `1..200`, `7`, `1,5,9`, `1..10,100..110`: distinct integer seeds in the order given. */
export function parseSeeds(text: string, field = 'seeds'): number[] {
  if (text.length > LIMITS.specChars) throw new FieldError(field, `expected at most ${LIMITS.specChars} characters, got ${text.length}`);
  const out: number[] = [];
  const seen = new Set<number>();
  const num = (s: string): number => {
    if (!/^\d+$/.test(s)) throw new FieldError(field, `expected seeds like 1..200 or 1,5,9, got ${show(s)}`);
    const n = Number(s);
    if (n > LIMITS.maxSeed) throw new FieldError(field, `expected seeds ≤ ${LIMITS.maxSeed}, got ${show(s)}`);
    return n;
  };
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(.*?)\.\.(.*)$/.exec(part);
    const [a, b] = m ? [num(m[1].trim()), num(m[2].trim())] : [num(part), num(part)];
    if (b < a) throw new FieldError(field, `range ${show(part)} ends before it starts`);
    if (out.length + (b - a + 1) > LIMITS.seeds) throw new FieldError(field, `expected at most ${LIMITS.seeds} seeds`);
    for (let s = a; s <= b; s++) {
      if (seen.has(s)) throw new FieldError(field, `seed ${s} is listed twice`);
      seen.add(s);
      out.push(s);
    }
  }
  return out;
}

/** `KEY=V1,V2,…` → an axis (values distinct, in order). */
export function parseVary(text: string, field = 'vary'): VaryAxis {
  if (text.length > LIMITS.specChars) throw new FieldError(field, `expected at most ${LIMITS.specChars} characters, got ${text.length}`);
  const eq = text.indexOf('=');
  if (eq <= 0) throw new FieldError(field, `expected KEY=V1,V2,…, got ${show(text)}`);
  const key = text.slice(0, eq).trim();
  // Split on commas: no value contains one (stress command lines for workloads.TARGET do not).
  const values = text
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim());
  if (values.some((v) => v === '')) throw new FieldError(`${field} ${key}`, `empty value in ${show(text.slice(eq + 1))}`);
  if (values.length > LIMITS.valuesPerAxis) throw new FieldError(`${field} ${key}`, `expected at most ${LIMITS.valuesPerAxis} values, got ${values.length}`);
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) throw new FieldError(`${field} ${key}`, `value ${show(dup)} is listed twice`);
  return { key, values };
}

/** Every configuration of the axes (one empty configuration when there are none). */
export function configurations(axes: readonly VaryAxis[]): Configuration[] {
  let combos: Record<string, string>[] = [{}];
  for (const a of axes) combos = combos.flatMap((c) => a.values.map((v) => ({ ...c, [a.key]: v })));
  return combos.map((params, index) => ({ index, params, key: JSON.stringify(params) }));
}

/**
 * Checks a sweep's grid against its workspace: the workspace runs, every axis key is a known
 * override, every value is valid for it (and every combination with `set`), and the sizes
 * stay within LIMITS. Throws a FieldError naming the axis and value.
 */
export function checkGrid(workspace: Workspace, axes: readonly VaryAxis[], set: ParamValues, seeds: number): Configuration[] {
  const problems = runProblems(workspace);
  if (problems.length) throw problems[0];
  if (axes.length > LIMITS.axes) throw new FieldError('vary', `expected at most ${LIMITS.axes} --vary axes, got ${axes.length}`);
  const keys = axes.map((a) => a.key);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) throw new FieldError(`vary ${twice}`, 'the key is varied twice (give its values in one --vary)');
  const fixed = keys.find((k) => k in set);
  if (fixed) throw new FieldError(`vary ${fixed}`, 'the key is also given with --set');
  const check = (field: string, s: ParamValues) => {
    try {
      const { ws, params } = applyOverrides(workspace, s);
      resolveParams(ws.params, params);
    } catch (e) {
      throw new FieldError(field, (e as Error).message);
    }
  };
  check('set', set);
  // Each value alone first, so an error names the value rather than a combination.
  for (const a of axes) for (const v of a.values) check(`vary ${a.key}=${v}`, { ...set, [a.key]: v });
  const count = axes.reduce((n, a) => n * a.values.length, 1);
  if (count > LIMITS.configurations) throw new FieldError('vary', `expected at most ${LIMITS.configurations} configurations, got ${count}`);
  if (count * seeds > LIMITS.runs) throw new FieldError('seeds', `expected at most ${LIMITS.runs} runs (configurations × seeds), got ${count * seeds}`);
  const configs = configurations(axes);
  for (const c of configs) check(`vary ${c.key}`, { ...set, ...c.params });
  return configs;
}
