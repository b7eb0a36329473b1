import { Simulation, type ParamValues } from '../core';
import { resolveParams } from '../params';
import type { Completion } from './completion';
import { createLoopbackSystem, type LoopbackSystem, type LoopbackSystemConfig } from './system';
import { UciFile } from './uci-file';

/** Test helpers: a powered-up loopback system, running the simulation until it is idle. */
export interface Harness extends LoopbackSystem {
  settle(): void;
  /** Opens the node and settles; throws on an errno. */
  open(): UciFile;
  /** Settles, then returns the completion's value (throws if it is still blocked). */
  value<T>(c: Completion<T>): T;
}

export function harness(c: LoopbackSystemConfig = {}, overrides: ParamValues = {}, seed = 1): Harness {
  const sim = new Simulation({ seed, params: resolveParams(overrides) });
  const sys = createLoopbackSystem(sim, c);
  const settle = () => sim.runUntil(Infinity);
  sys.ctrl.powerUp();
  settle();
  const value = <T>(comp: Completion<T>): T => {
    settle();
    if (!comp.settled) throw new Error('call still blocked');
    return comp.result as T;
  };
  const open = (): UciFile => {
    const f = value(sys.drv.open(sys.path));
    if (!(f instanceof UciFile)) throw new Error(`open failed: ${f}`);
    return f;
  };
  return { ...sys, settle, open, value };
}

/** `n` bytes of a recognisable pattern starting at `start`. */
export function pattern(n: number, start = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (start + i * 7 + ((start + i) >> 8)) & 0xff;
  return out;
}
