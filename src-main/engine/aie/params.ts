import type { ParamDef } from '../core';

/**
 * AI Engine timing. Kernels advance in simulated time: `launchCycles` once, then
 * `cyclesPerWord` per 32-bit word, at `clockHz`; they run in chunks of `chunkWords` so that
 * memories change visibly during a run.
 */
export const AIE_PARAMS = [
  {
    key: 'aie.clockHz',
    unit: 'Hz',
    default: 1_000_000_000,
    min: 1_000_000,
    max: 2_000_000_000,
    integer: true,
    doc: 'AI Engine array clock frequency.',
    source: 'AMD DS957 (Versal AI Core data sheet): AI Engine fMAX 1 GHz at the -1 speed grade, up to about 1.3 GHz at faster grades',
  },
  {
    key: 'aie.kernel.cyclesPerWord',
    unit: 'cycles',
    default: 1,
    min: 0.01,
    max: 1000,
    doc: 'Core cycles per 32-bit word a kernel processes (fill, copy, vector add).',
    source: 'AMD AM009 (AI Engine architecture manual): the scalar unit issues one 32-bit load/store per memory port per cycle; the vector unit would be faster (8 × int32 per cycle)',
  },
  {
    key: 'aie.kernel.launchCycles',
    unit: 'cycles',
    default: 32,
    min: 0,
    max: 1_000_000,
    integer: true,
    doc: 'Cycles from a launch to the first word: instruction fetch, decode and loop set-up.',
    source: 'assumption (order of a short pipeline refill plus loop set-up); not calibrated',
  },
  {
    key: 'aie.kernel.chunkWords',
    unit: 'count',
    default: 64,
    min: 1,
    max: 8192,
    integer: true,
    doc: 'Words a kernel processes per simulation event; smaller shows finer progress, costs more events.',
    source: 'model granularity, not hardware: results are the same for any value, only intermediate states differ',
  },
  {
    key: 'aie.reg.pollIntervalNs',
    unit: 'ns',
    default: 1000,
    min: 1,
    max: 1_000_000_000,
    integer: true,
    doc: 'Time between register reads of a poll request.',
    source: 'assumption: readl_poll_timeout-style polling with a 1 µs sleep between reads',
  },
] as const satisfies readonly ParamDef[];
