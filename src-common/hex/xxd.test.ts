import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatXxd, xxdLine, xxdLines } from './xxd';

const XXD = '/usr/bin/xxd';
const haveXxd = fs.existsSync(XXD);
const realXxd = (bytes: Uint8Array, args: string[] = []) => execFileSync(XXD, args, { input: bytes }).toString('latin1');

/** Inputs that exercise partial lines, every byte value, zero runs and long dumps. */
function samples(): [string, Uint8Array][] {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const text = new TextEncoder().encode('Hello, xxd! The AI Engine tile (2,1) says hi.\n');
  const pseudo = new Uint8Array(5000);
  let x = 12345;
  for (let i = 0; i < pseudo.length; i++) pseudo[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
  return [
    ['empty', new Uint8Array(0)],
    ['one byte', Uint8Array.of(0x41)],
    ['every byte value', all],
    ['text, partial last line', text],
    ['zeros (no autoskip)', new Uint8Array(100)],
    ['pseudo-random 5000 bytes', pseudo],
    ['32 KiB data memory size', new Uint8Array(32 * 1024).map((_, i) => (i * 7) & 0xff)],
  ];
}

describe('formatXxd', () => {
  it('formats a known line exactly', () => {
    const bytes = new TextEncoder().encode('Hello, xxd!\x00\x01');
    expect(formatXxd(bytes)).toBe('00000000: 4865 6c6c 6f2c 2078 7864 2100 01         Hello, xxd!..\n');
    expect(formatXxd(new Uint8Array(0))).toBe('');
  });

  it('widens the offset past 32 bits as xxd does', () => {
    expect(xxdLine(Uint8Array.of(0x61, 0x62, 0x63), 0, { offset: 0x100000000 })).toBe('100000000: 6162 63                                  abc');
  });

  it('refuses a group that does not divide the line', () => {
    expect(() => formatXxd(Uint8Array.of(1), { cols: 10, group: 4 })).toThrow(/group/);
  });

  it('gives one line per 16 bytes', () => {
    expect(xxdLines(new Uint8Array(33))).toHaveLength(3);
  });

  describe.skipIf(!haveXxd)('byte-identical to /usr/bin/xxd', () => {
    for (const [name, bytes] of samples()) {
      it(`default format: ${name}`, () => {
        expect(formatXxd(bytes)).toBe(realXxd(bytes));
      });
    }
    it.each([
      [{ cols: 8, group: 1 }, ['-c', '8', '-g', '1']],
      [{ cols: 32, group: 4 }, ['-c', '32', '-g', '4']],
      [{ cols: 16, group: 16 }, ['-g', '16']],
      [{ offset: 0x20000 }, ['-o', String(0x20000)]],
    ])('options %j match xxd %j', (opts, args) => {
      for (const [, bytes] of samples().slice(1, 4)) expect(formatXxd(bytes, opts)).toBe(realXxd(bytes, args));
    });
  });
});
