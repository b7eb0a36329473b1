import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { resolveParams } from '../../engine/params';
import { MHI_MAX_MTU, runLoopback } from '../../engine/mhi';
import { formatSize, parseSize } from '../../../src-common/parse/size';
import { CliError } from '../errors';
import { loadWorkspace } from '../../host/workspace/load';
import { COMMANDS } from '../command-list';

export interface LoopbackCliOptions {
  bytes: string;
  mtu: string;
  ring: string;
  seed: string;
  removeAt?: string;
  /** remove (default) or sys_err. */
  fault?: string;
  pcieGen: string;
  pcieWidth: string;
  controller: string;
  set?: string[];
  /** Take pcieGen/pcieWidth/ringSize/mtu from this workspace's controller named `controller`. */
  workspace?: string;
  /** Options given explicitly on the command line; they win over the workspace. */
  explicit?: ReadonlySet<string>;
}

/** The JSON `twb mhi loopback --json FILE` writes. */
export interface LoopbackReport {
  bytesWritten: number;
  bytesRead: number;
  sha256Written: string;
  sha256Read: string;
  throughputMBps: number;
  ringFullStalls: number;
  enodevSeen: boolean;
  /** sha256 of the first bytesRead written bytes equals sha256Read. */
  readMatchesWrittenPrefix: boolean;
  bytesEchoed: number;
  transferNs: number;
  path: string;
  mtu: number;
  ring: number;
  seed: number;
  pcieGen: number;
  pcieWidth: number;
  errors: string[];
  /** Digest of the model's trace: equal for equal inputs and seed. */
  traceDigest: string;
  /** The simulated kernel log (dmesg format). */
  kernelLog: string;
}

function intOption(flag: string, text: string, lo: number, hi: number): number {
  const t = text.trim();
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < lo || n > hi) throw new CliError(`${flag}: expected an integer ${lo}..${hi}, got '${text}'`);
  return n;
}

/** Fills mtu, ring, pcieGen and pcieWidth from the workspace controller unless given explicitly. */
function fromWorkspace(o: LoopbackCliOptions): LoopbackCliOptions {
  let ws;
  try {
    ws = loadWorkspace(o.workspace!);
  } catch (e) {
    throw new CliError(`--workspace: ${(e as Error).message}`);
  }
  const c = ws.devices.mhi.find((m) => m.name === o.controller);
  if (!c) {
    const have = ws.devices.mhi.map((m) => m.name);
    throw new CliError(`--controller: no MHI controller named '${o.controller}' in ${o.workspace} (have: ${have.length ? have.join(', ') : 'none'})`);
  }
  const keep = (k: string, v: string, w: number) => (o.explicit?.has(k) ? v : String(w));
  return { ...o, mtu: keep('mtu', o.mtu, c.mtu), ring: keep('ring', o.ring, c.ringSize), pcieGen: keep('pcieGen', o.pcieGen, c.pcieGen), pcieWidth: keep('pcieWidth', o.pcieWidth, c.pcieWidth) };
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Runs the loopback scenario and hashes what was written and read (node:crypto; the engine is pure). */
export function loopbackReport(opts: LoopbackCliOptions): LoopbackReport {
  const o = opts.workspace ? fromWorkspace(opts) : opts;
  let bytes: number;
  try {
    bytes = parseSize(o.bytes);
  } catch (e) {
    throw new CliError(`--bytes: ${(e as Error).message}`);
  }
  if (bytes < 1) throw new CliError(`--bytes: expected at least 1 byte, got '${o.bytes}'`);
  if (bytes > 1024 ** 3) throw new CliError(`--bytes: expected at most 1G (the payload is held in memory), got '${o.bytes}'`);
  const mtu = intOption('--mtu', o.mtu, 64, MHI_MAX_MTU);
  const ring = intOption('--ring', o.ring, 2, 4096);
  const seed = intOption('--seed', o.seed, 0, 2 ** 32 - 1);
  const pcieGen = intOption('--pcie-gen', o.pcieGen, 1, 6);
  const pcieWidth = intOption('--pcie-width', o.pcieWidth, 1, 16);
  if (![1, 2, 4, 8, 16].includes(pcieWidth)) throw new CliError(`--pcie-width: expected one of 1, 2, 4, 8, 16, got '${o.pcieWidth}'`);
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/.test(o.controller)) throw new CliError(`--controller: invalid controller name '${o.controller}' (letters, digits, _ . + -; at most 64)`);
  let removeAt: number | undefined;
  if (o.removeAt !== undefined) {
    removeAt = Number(o.removeAt);
    if (o.removeAt.trim() === '' || !Number.isFinite(removeAt) || removeAt < 0 || removeAt > 1)
      throw new CliError(`--remove-at: expected a fraction 0..1, got '${o.removeAt}'`);
  }
  const fault = o.fault ?? 'remove';
  if (fault !== 'remove' && fault !== 'sys_err') throw new CliError(`--fault: expected remove or sys_err, got '${o.fault}'`);
  if (o.fault !== undefined && removeAt === undefined) throw new CliError('--fault: needs --remove-at FRACTION (when to inject it)');
  const overrides: Record<string, string> = {};
  for (const kv of o.set ?? []) {
    const eq = kv.indexOf('=');
    if (eq < 1) throw new CliError(`--set: expected KEY=VALUE, got '${kv}'`);
    overrides[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  let params;
  try {
    params = resolveParams(overrides);
  } catch (e) {
    throw new CliError(`--set: ${(e as Error).message}`);
  }

  const readHash = createHash('sha256');
  const r = runLoopback({ bytes, mtu, ring, seed, removeAt, fault, pcieGen, pcieWidth, controller: o.controller, params, onRead: (c) => readHash.update(c) });
  const sha256Read = readHash.digest('hex');
  const sha256Written = sha256(r.data.subarray(0, r.bytesWritten));
  const prefix = r.bytesRead === r.bytesWritten ? sha256Written : sha256(r.data.subarray(0, r.bytesRead));
  return {
    bytesWritten: r.bytesWritten,
    bytesRead: r.bytesRead,
    sha256Written,
    sha256Read,
    throughputMBps: Math.round(r.throughputMBps * 10) / 10,
    ringFullStalls: r.ringFullStalls,
    enodevSeen: r.enodevSeen,
    readMatchesWrittenPrefix: prefix === sha256Read,
    bytesEchoed: r.bytesEchoed,
    transferNs: r.transferNs,
    path: r.path,
    mtu,
    ring,
    seed,
    pcieGen,
    pcieWidth,
    errors: r.errors,
    traceDigest: r.traceDigest,
    kernelLog: r.kernelLog,
  };
}

export function registerMhi(program: Command): void {
  const mhi = program.command('mhi').description(COMMANDS.mhi.description);
  mhi
    .command('loopback')
    .description('write SIZE pseudo-random bytes to /dev/mhi_<controller>_LOOPBACK and read them back concurrently, in simulated time')
    .requiredOption('--bytes <SIZE>', 'bytes to write, with K/M/G suffixes (powers of 1024)')
    .option('--mtu <BYTES>', 'LOOPBACK MTU (driver_data; decimal or 0x hex; inbound buffers are MTU - 32)', '0x1000')
    .option('--ring <N>', 'descriptors per transfer ring', '32')
    .option('--seed <S>', 'seed of the pseudo-random payload and every model stream', '1')
    .option('--remove-at <FRACTION>', 'remove the device once the writes have passed this fraction of SIZE')
    .option('--fault <KIND>', 'what happens at --remove-at: remove (hot removal, default) or sys_err (device SYS_ERR)')
    .option('--pcie-gen <G>', 'PCIe generation 1..6', '3')
    .option('--pcie-width <W>', 'PCIe lanes: 1, 2, 4, 8 or 16', '1')
    .option('--controller <NAME>', 'controller name (the node is /dev/mhi_<NAME>_LOOPBACK)', 'mhi0')
    .option('--set <KEY=VALUE>', 'override a model parameter (repeatable; see mhi.* in src-main/engine/mhi/params.ts)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--workspace <FILE>', 'take the PCIe link, ring size and MTU from this workspace\'s MHI controller --controller (explicit options win)')
    .option('--dmesg', 'print the simulated kernel log after the summary')
    .option('--json <FILE>', "write {bytesWritten, bytesRead, sha256Written, sha256Read, throughputMBps, ringFullStalls, enodevSeen, ...} to FILE ('-' for stdout)")
    .action((opts: LoopbackCliOptions & { json?: string; dmesg?: boolean }, cmd: Command) => {
      const explicit = new Set(['mtu', 'ring', 'pcieGen', 'pcieWidth'].filter((k) => cmd.getOptionValueSource(k) === 'cli'));
      const rep = loopbackReport({ ...opts, explicit });
      if (opts.json) {
        const text = JSON.stringify(rep, null, 2) + '\n';
        if (opts.json === '-') process.stdout.write(text);
        else fs.writeFileSync(opts.json, text);
      }
      if (opts.json !== '-') {
        console.log(`${rep.path}: wrote ${formatSize(rep.bytesWritten)}, read ${formatSize(rep.bytesRead)} back at ${rep.throughputMBps} MB/s (simulated), ${rep.ringFullStalls} ring-full stalls`);
        if (rep.enodevSeen) console.log(`device ${opts.fault === 'sys_err' ? 'in SYS_ERR' : 'removed'}: client saw -ENODEV; ${rep.bytesEchoed} bytes echoed, ${rep.bytesRead} read`);
        console.log(`sha256 written ${rep.sha256Written}`);
        console.log(`sha256 read    ${rep.sha256Read}`);
        if (opts.dmesg) console.log(rep.kernelLog);
      }
      if (!rep.readMatchesWrittenPrefix) throw new CliError('read data does not match the written prefix');
      if (!rep.enodevSeen && rep.bytesRead !== rep.bytesWritten) throw new CliError(`read ${rep.bytesRead} of ${rep.bytesWritten} bytes without a device error (${rep.errors.join(', ')})`);
    });
}
