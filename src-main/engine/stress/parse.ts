/**
 * The command line of stress 1.0.7, parsed exactly as stress parses it (docs/architecture.md §3.3):
 * options are scanned left to right, the first bad one ends the parse with stress's own message,
 * repeated options overwrite (last wins), numbers are C `%lli` (decimal, 0x hex, 0 octal, trailing
 * junk ignored) with one suffix letter checked on the last character — B/K/M/G (powers of 1024)
 * for counts and sizes, s/m/h/d/y for --timeout. `line` is the source line stress reports in
 * its `stress: FAIL: [PID] (LINE) …` prefix, kept so the output can be reproduced byte for byte.
 */
import { LIMITS } from '../../../src-common/parse/limits';

export interface StressOptions {
  cpu: number;
  io: number;
  vm: number;
  hdd: number;
  vmBytes: number;
  vmStride: number;
  /** Seconds to sleep before free; -1 = none (default), 0 = forever. */
  vmHang: number;
  vmKeep: boolean;
  hddBytes: number;
  /** Seconds; 0 = no timeout. */
  timeout: number;
  /** Microseconds per worker index before work starts. */
  backoff: number;
  /** 0 quiet, 2 default, 3 verbose (stress's global_debug). */
  verbosity: number;
  dryRun: boolean;
}

/** Hog counts as stress keeps them: C `long long` (up to 9223372036854775807). */
export interface StressCounts {
  cpu: bigint;
  io: bigint;
  vm: bigint;
  hdd: bigint;
}

/** What stress does with a command line: dispatch hogs, print usage/version, or fail. */
export type StressParse =
  | { kind: 'dispatch'; options: StressOptions; counts: StressCounts; stdout: string }
  | { kind: 'usage' | 'version'; stdout: string }
  | { kind: 'error'; message: string; line: number };

export const STRESS_VERSION = 'stress 1.0.7';

export const STRESS_USAGE = `\`stress' imposes certain types of compute stress on your system

Usage: stress [OPTION [ARG]] ...
 -?, --help         show this help statement
     --version      show version statement
 -v, --verbose      be verbose
 -q, --quiet        be quiet
 -n, --dry-run      show what would have been done
 -t, --timeout N    timeout after N seconds
     --backoff N    wait factor of N microseconds before work starts
 -c, --cpu N        spawn N workers spinning on sqrt()
 -i, --io N         spawn N workers spinning on sync()
 -m, --vm N         spawn N workers spinning on malloc()/free()
     --vm-bytes B   malloc B bytes per vm worker (default is 256MB)
     --vm-stride B  touch a byte every B bytes (default is 4096)
     --vm-hang N    sleep N secs before free (default none, 0 is inf)
     --vm-keep      redirty memory instead of freeing and reallocating
 -d, --hdd N        spawn N workers spinning on write()/unlink()
     --hdd-bytes B  write B bytes per hdd worker (default is 1GB)

Example: stress --cpu 8 --io 4 --vm 2 --vm-bytes 128M --timeout 10s

Note: Numbers may be suffixed with s,m,h,d,y (time) or B,K,M,G (size).
`;

class StressFail extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** C `sscanf(s, "%lli")`: null when no number could be read. */
export function scanCInt(s: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return null;
  const body = m[2];
  let v: bigint;
  if (/^0[xX]/.test(body)) v = BigInt(body);
  else if (body.length > 1 && body[0] === '0') v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  v = m[1] === '-' ? -v : v;
  // %lli saturates on overflow (strtoll).
  const max = (1n << 63n) - 1n;
  if (v > max) return max;
  if (v < -max - 1n) return -max - 1n;
  return v;
}

const SIZE_SHIFT: Record<string, bigint> = { b: 0n, B: 0n, k: 10n, K: 10n, m: 20n, M: 20n, g: 30n, G: 30n };
const TIME_FACTOR: Record<string, bigint> = { s: 1n, S: 1n, m: 60n, M: 60n, h: 3600n, H: 3600n, d: 86400n, D: 86400n, y: 31536000n, Y: 31536000n };

/** stress's atoll_b: a count or size with an optional B/K/M/G suffix. */
function atollB(s: string): bigint {
  if (s.length === 0) throw new StressFail('invalid string', 640);
  const suffix = s[s.length - 1];
  const shift = SIZE_SHIFT[suffix] ?? 0n;
  if (!(suffix in SIZE_SHIFT) && !(suffix >= '0' && suffix <= '9')) throw new StressFail(`unrecognized suffix: ${suffix}`, 665);
  const v = scanCInt(s);
  if (v === null) throw new StressFail(`invalid number: ${s}`, 672);
  return BigInt.asIntN(64, v << shift);
}

/** stress's atoll_s: a time with an optional s/m/h/d/y suffix, in seconds. */
function atollS(s: string): bigint {
  if (s.length === 0) throw new StressFail('invalid string', 694);
  const suffix = s[s.length - 1];
  const factor = TIME_FACTOR[suffix] ?? 1n;
  if (!(suffix in TIME_FACTOR) && !(suffix >= '0' && suffix <= '9')) throw new StressFail(`unrecognized suffix: ${suffix}`, 723);
  const v = scanCInt(s);
  if (v === null) throw new StressFail(`invalid number: ${s}`, 730);
  return BigInt.asIntN(64, v * factor);
}

/** How printf's `%i` shows a long long passed where an int is expected (low 32 bits). */
const asCInt = (v: bigint) => BigInt.asIntN(32, v).toString();

export const STRESS_DEFAULTS: StressOptions = {
  cpu: 0,
  io: 0,
  vm: 0,
  hdd: 0,
  vmBytes: 256 * 1024 * 1024,
  vmStride: 4096,
  vmHang: -1,
  vmKeep: false,
  hddBytes: 1024 * 1024 * 1024,
  timeout: 0,
  backoff: 3000,
  verbosity: 2,
  dryRun: false,
};

/** An option taking a count/size: [names, field, missing-arg line, error text, error line, reject]. */
type NumOpt = { names: string[]; key: keyof StressOptions; missing: number; bad: string; badLine: number; rejectZero: boolean };
const NUM_OPTS: NumOpt[] = [
  { names: ['--cpu', '-c'], key: 'cpu', missing: 167, bad: 'invalid number of cpu hogs', badLine: 171, rejectZero: true },
  { names: ['--io', '-i'], key: 'io', missing: 177, bad: 'invalid number of io hogs', badLine: 181, rejectZero: true },
  { names: ['--vm', '-m'], key: 'vm', missing: 187, bad: 'invalid number of vm hogs', badLine: 191, rejectZero: true },
  { names: ['--vm-bytes'], key: 'vmBytes', missing: 197, bad: 'invalid vm byte value', badLine: 201, rejectZero: true },
  { names: ['--vm-stride'], key: 'vmStride', missing: 207, bad: 'invalid stride value', badLine: 211, rejectZero: true },
  { names: ['--vm-hang'], key: 'vmHang', missing: 217, bad: 'invalid value', badLine: 221, rejectZero: false },
  { names: ['--hdd', '-d'], key: 'hdd', missing: 231, bad: 'invalid number of hdd hogs', badLine: 235, rejectZero: true },
  { names: ['--hdd-bytes'], key: 'hddBytes', missing: 241, bad: 'invalid hdd byte value', badLine: 245, rejectZero: true },
];

/** Parses stress's arguments (argv without the program name). */
export function parseStressArgs(args: readonly string[]): StressParse {
  const o: StressOptions = { ...STRESS_DEFAULTS };
  const counts: StressCounts = { cpu: 0n, io: 0n, vm: 0n, hdd: 0n };
  const need = (i: number, name: string, line: number) => {
    if (i + 1 >= args.length) throw new StressFail(`missing argument to option '${name}'`, line);
    return args[i + 1];
  };
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--help' || a === '-?') return { kind: 'usage', stdout: STRESS_USAGE };
      if (a === '--version') return { kind: 'version', stdout: STRESS_VERSION + '\n' };
      if (a === '--verbose' || a === '-v') o.verbosity = 3;
      else if (a === '--quiet' || a === '-q') o.verbosity = 0;
      else if (a === '--dry-run' || a === '-n') o.dryRun = true;
      else if (a === '--backoff') {
        const s = need(i++, '--backoff', 142);
        const v = scanCInt(s);
        if (v === null) throw new StressFail(`invalid number: ${s}`, 145);
        // sscanf("%i") stores an int.
        const n = BigInt.asIntN(32, v);
        if (n < 0n) throw new StressFail(`invalid backoff factor: ${n}`, 150);
        o.backoff = Number(n);
      } else if (a === '--timeout' || a === '-t') {
        const v = atollS(need(i++, '--timeout', 157));
        if (v <= 0n) throw new StressFail(`invalid timeout value: ${v}s`, 161);
        o.timeout = Number(v);
      } else if (a === '--vm-keep') o.vmKeep = true;
      else {
        const opt = NUM_OPTS.find((n) => n.names.includes(a));
        if (!opt) throw new StressFail(`unrecognized option: ${a}`, 251);
        const v = atollB(need(i++, opt.names[0], opt.missing));
        if (v < 0n || (opt.rejectZero && v === 0n)) throw new StressFail(`${opt.bad}: ${asCInt(v)}`, opt.badLine);
        (o as unknown as Record<string, number>)[opt.key] = Number(v);
        if (opt.key in counts) counts[opt.key as keyof StressCounts] = v;
      }
    }
  } catch (e) {
    if (e instanceof StressFail) return { kind: 'error', message: e.message, line: e.line };
    throw e;
  }
  if (counts.cpu + counts.io + counts.vm + counts.hdd === 0n) return { kind: 'usage', stdout: STRESS_USAGE };
  const stdout = o.verbosity >= 1 ? `${dispatchLine(counts)}\n` : '';
  return { kind: 'dispatch', options: o, counts, stdout };
}

/** stress's `dispatching hogs:` line; counts print exactly, as its `%lli` does. */
export function dispatchLine(o: { cpu: bigint | number; io: bigint | number; vm: bigint | number; hdd: bigint | number }): string {
  return `dispatching hogs: ${o.cpu} cpu, ${o.io} io, ${o.vm} vm, ${o.hdd} hdd`;
}

/** Splits a workload command as a shell would for simple words, dropping a leading `stress`. */
export function splitStressCommand(command: string): string[] {
  const words = command.trim().split(/\s+/).filter(Boolean);
  if (words.length && (words[0] === 'stress' || words[0].endsWith('/stress'))) words.shift();
  return words;
}

/**
 * Hogs one workload may start: stress forks a process per hog, and Linux's default pid_max
 * (PID_MAX_DEFAULT, 0x8000) is the most processes there can be.
 */
export const MAX_WORKLOAD_HOGS = BigInt(LIMITS.stressHogs.value);

/** The options of a workload command line, or an Error with stress's message (or the hog limit's). */
export function parseStressCommand(command: string): StressOptions {
  const r = parseStressArgs(splitStressCommand(command));
  if (r.kind === 'dispatch') {
    const { cpu, io, vm, hdd } = r.counts;
    const total = cpu + io + vm + hdd;
    if (total > MAX_WORKLOAD_HOGS)
      throw new Error(`stress: ${dispatchLine(r.counts)} is ${total} hogs; a workload may start at most ${MAX_WORKLOAD_HOGS} (one process each, pid_max 32768)`);
    return r.options;
  }
  if (r.kind === 'error') throw new Error(`stress: ${r.message}`);
  throw new Error(`stress: no hogs to dispatch in '${command}' (stress would print its usage)`);
}
