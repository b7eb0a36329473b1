import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatXxd } from '../../../src-common/hex/xxd';
import { loadWorkspace } from '../../host/workspace/load';
import { aieDumpBytes } from './aie';

const XXD = '/usr/bin/xxd';
const haveXxd = fs.existsSync(XXD);
const TWB = fileURLToPath(new URL('../../../bin/twb.js', import.meta.url));

const demo = () => loadWorkspace('builtin:aie-demo');

describe('twb aie dump', () => {
  it('dumps tile (2,1) of builtin:aie-demo with non-zero data after the default 1 ms', () => {
    const bytes = aieDumpBytes(demo(), 'builtin:aie-demo', { tile: '2,1', mem: 'data' });
    expect(bytes).toHaveLength(32 * 1024);
    expect(bytes.some((b) => b !== 0)).toBe(true);
    expect(aieDumpBytes(demo(), 'builtin:aie-demo', { tile: '2,1', mem: 'data', after: '0ns' }).subarray(0, 0x300).every((b) => b === 0)).toBe(true);
    expect(aieDumpBytes(demo(), 'builtin:aie-demo', { tile: '1,1', mem: 'program' })).toHaveLength(16 * 1024);
  });

  it.skipIf(!haveXxd)('prints exactly what xxd prints for the same bytes', () => {
    const bytes = aieDumpBytes(demo(), 'builtin:aie-demo', { tile: '2,1', mem: 'data' });
    expect(formatXxd(bytes)).toBe(execFileSync(XXD, { input: bytes }).toString('latin1'));
  });

  it('names a SHIM tile, a tile outside the array and bad options', () => {
    const dump = (tile: string, mem = 'data', after?: string) => () => aieDumpBytes(demo(), 'builtin:aie-demo', { tile, mem, after });
    expect(dump('2,0')).toThrow('--tile 2,0: tile (2,0) is a SHIMNOC tile: SHIM tiles have no memory');
    expect(dump('0,0')).toThrow('--tile 0,0: tile (0,0) is a SHIMPL tile: SHIM tiles have no memory');
    expect(dump('4,1')).toThrow('--tile 4,1: tile (4,1) is outside the 4×3 array (columns 0..3, rows 0..2)');
    expect(dump('1,3')).toThrow('tile (1,3) is outside');
    expect(dump('1;1')).toThrow("--tile: expected C,R (column,row, e.g. 2,1), got '1;1'");
    expect(dump('1,1', 'code')).toThrow("--mem: expected data or program, got 'code'");
    expect(dump('1,1', 'data', 'later')).toThrow(/^--after: invalid duration 'later'/);
    expect(() => aieDumpBytes(loadWorkspace('builtin:seed-power9-ipi'), 'builtin:seed-power9-ipi', { tile: '1,1', mem: 'data' })).toThrow(
      'builtin:seed-power9-ipi: the workspace has no AI Engine array (devices.aie is null)',
    );
  });

  it.skipIf(!haveXxd)('end to end: stdout equals xxd of the --raw file; errors exit 1', () => {
    const raw = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'twb-aie-')), 'tile.bin');
    const ok = spawnSync(process.execPath, [TWB, 'aie', 'dump', 'builtin:aie-demo', '--tile', '2,1', '--mem', 'data', '--after', '1ms', '--raw', raw], { encoding: 'latin1' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(execFileSync(XXD, [raw]).toString('latin1'));
    const bad = spawnSync(process.execPath, [TWB, 'aie', 'dump', 'builtin:aie-demo', '--tile', '3,0', '--mem', 'data'], { encoding: 'utf8' });
    expect([bad.status, bad.stderr]).toEqual([1, 'twb: --tile 3,0: tile (3,0) is a SHIMNOC tile: SHIM tiles have no memory\n']);
  }, 30_000);
});
