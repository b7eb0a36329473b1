import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStressArgs, parseStressCommand, scanCInt } from './parse';
import { renderStressRaw } from './render';

/** Command lines compared against the real stress 1.0.7 (hog counts kept tiny: -n still forks). */
const TABLE: string[][] = [
  ['--cpu', '2'],
  ['-c', '2', '-i', '1', '-m', '3', '-d', '1'],
  ['--bogus'],
  ['--cpu'],
  ['-c'],
  ['--cpu', '0'],
  ['--cpu', '2x'],
  ['--cpu', 'abc'],
  ['--cpu', '-3'],
  ['--cpu', ''],
  ['--cpu', 'b'],
  ['--cpu', '1e'],
  ['--cpu', '0x3'],
  ['--cpu', '010'],
  ['--cpu', '1.5'],
  ['--cpu', ' 3'],
  ['--cpu', '+2'],
  ['--cpu', '3b'],
  ['--cpu', '0b'],
  ['--cpu', '-0'],
  ['--cpu', '1', '--cpu', '3'],
  ['--cpu', '3', '--cpu', '0'],
  ['--vm-bytes', '1Q', '--vm', '1'],
  ['--vm-bytes', '0', '--vm', '1'],
  ['--vm-bytes', '-1', '--vm', '1'],
  ['--vm', '1', '--vm-bytes', '512M', '--vm-stride', '64', '--vm-keep'],
  ['--vm-stride', '0', '--vm', '1'],
  ['--vm-hang', '-1', '--vm', '1'],
  ['--vm-hang', '-1k', '--vm', '1'],
  ['--vm-hang', '0', '--vm', '1'],
  ['--vm-hang', ''],
  ['--timeout', '0', '--cpu', '1'],
  ['--timeout', '-5', '--cpu', '1'],
  ['-t', '1x', '--cpu', '1'],
  ['-t', '2k', '--cpu', '1'],
  ['-t', '1y', '--cpu', '1'],
  ['-t', ''],
  ['-t', 's'],
  ['--timeout'],
  ['--backoff', '-1', '--cpu', '1'],
  ['--backoff', 'abc', '--cpu', '1'],
  ['--backoff', '12x', '--cpu', '1'],
  ['--backoff', ''],
  ['--backoff'],
  ['--io', '0'],
  ['--io', '2', '--io'],
  ['--vm', '0'],
  ['--vm'],
  ['--vm-bytes'],
  ['--vm-stride'],
  ['--vm-hang'],
  ['--hdd', '0'],
  ['--hdd'],
  ['--hdd-bytes'],
  ['--hdd-bytes', '0', '--hdd', '1'],
  ['--hdd-bytes', '1G', '--hdd', '1'],
  ['--cpu', '1', 'extra'],
  ['--cpu', '1', '--bogus'],
  ['--', '--cpu', '1'],
  ['-c1'],
  ['-q', '--cpu', '1'],
  ['--cpu', '1', '-v', '-q'],
  [],
  ['--vm-keep'],
  ['--help'],
  ['-?', '--bogus'],
  ['--version', '--bogus'],
];

const STRESS = '/usr/bin/stress';
const haveStress = fs.existsSync(STRESS);

describe('stress 1.0.7 command line', () => {
  it('reads the seed command lines', () => {
    expect(parseStressCommand('stress --cpu 40 --io 20 --vm 20 --vm-bytes 512M')).toMatchObject({ cpu: 40, io: 20, vm: 20, hdd: 0, vmBytes: 512 * 1024 ** 2 });
    expect(parseStressCommand('stress --cpu 4 --io 4 --vm 2 --vm-bytes 256M')).toMatchObject({ cpu: 4, io: 4, vm: 2, vmBytes: 256 * 1024 ** 2 });
  });

  it('gives stress its own messages', () => {
    expect(parseStressArgs(['--bogus'])).toEqual({ kind: 'error', message: 'unrecognized option: --bogus', line: 251 });
    expect(parseStressArgs(['--cpu', '2x'])).toMatchObject({ message: 'unrecognized suffix: x' });
    expect(parseStressArgs(['-c'])).toMatchObject({ message: "missing argument to option '--cpu'" });
    expect(parseStressArgs(['--cpu', '0'])).toMatchObject({ message: 'invalid number of cpu hogs: 0' });
    expect(parseStressArgs(['-c', '2', '-c', '5'])).toMatchObject({ kind: 'dispatch', stdout: 'dispatching hogs: 5 cpu, 0 io, 0 vm, 0 hdd\n' });
    expect(() => parseStressCommand('stress --vm 1 --vm-bytes 1X')).toThrow('stress: unrecognized suffix: X');
  });

  it('reads numbers as C %lli does', () => {
    expect(scanCInt('0x1b')).toBe(27n);
    expect(scanCInt('010')).toBe(8n);
    expect(scanCInt('  -7k')).toBe(-7n);
    expect(scanCInt('0x')).toBe(0n);
    expect(scanCInt('k')).toBeNull();
  });

  it.skipIf(!haveStress)('matches /usr/bin/stress byte for byte on a table of command lines', () => {
    for (const args of TABLE) {
      // -n (dry run) makes each forked hog exit at once; a timeout guards against a slip.
      const real = spawnSync(STRESS, ['-n', ...args], { encoding: 'utf8', timeout: 10_000 });
      const pid = Number(/\[(\d+)\]/.exec(real.stdout + real.stderr)?.[1] ?? 0);
      const ours = renderStressRaw(parseStressArgs(['-n', ...args]), pid);
      const realStdout = real.stdout
        .split('\n')
        .filter((l) => !/^stress: (dbug|info): \[\d+\] (successful run|using backoff|-->|<--)/.test(l))
        .join('\n');
      expect({ args, stdout: realStdout, stderr: real.stderr, code: real.status }).toEqual({ args, stdout: ours.stdout, stderr: ours.stderr, code: ours.exitCode });
    }
  });
});
