import { type StressParse } from './parse';

/** What stress itself would write for a parse result, given a process id. */
export interface StressOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * stress's own bytes: `stress: info: [PID] dispatching hogs: …` on stdout, or
 * `stress: FAIL: [PID] (LINE) message` on stderr with exit 1. (After dispatching, stress would
 * go on to run its hogs and print `successful run completed in Ns`; we stop at the parse.)
 */
export function renderStressRaw(r: StressParse, pid: number): StressOutput {
  switch (r.kind) {
    case 'error':
      return { stdout: '', stderr: `stress: FAIL: [${pid}] (${r.line}) ${r.message}\n`, exitCode: 1 };
    case 'dispatch':
      return { stdout: r.stdout ? `stress: info: [${pid}] ${r.stdout}` : '', stderr: '', exitCode: 0 };
    default:
      return { stdout: r.stdout, stderr: '', exitCode: 0 };
  }
}

/** `twb stress-check`'s plain form: the same messages without stress's `[PID] (LINE)` prefixes. */
export function renderStressPlain(r: StressParse): StressOutput {
  if (r.kind === 'error') return { stdout: '', stderr: `${r.message}\n`, exitCode: 1 };
  return { stdout: r.stdout, stderr: '', exitCode: 0 };
}
