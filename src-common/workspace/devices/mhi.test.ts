import { describe, expect, it } from 'vitest';
import { emptyWorkspace, workspaceProblems } from '../index';

const ctrl = { name: 'mhi0', socket: 0, pcieGen: 3, pcieWidth: 1, ringSize: 32, mtu: 0x1000 };

function problems(c: Record<string, unknown>): string[] {
  const ws = emptyWorkspace('t');
  (ws.devices.mhi as unknown[]).push(c);
  return workspaceProblems(ws).map((e) => e.message);
}

describe('MHI controller schema', () => {
  it('accepts the seed configuration', () => {
    expect(problems(ctrl)).toEqual([]);
  });

  it('names the bad field', () => {
    expect(problems({ ...ctrl, mtu: 0x10000 })).toEqual(['devices.mhi[0].mtu: expected 64..65535, got 65536']);
    expect(problems({ ...ctrl, ringSize: 1 })).toEqual(['devices.mhi[0].ringSize: expected 2..4096, got 1']);
    expect(problems({ ...ctrl, pcieGen: 7 })).toEqual(['devices.mhi[0].pcieGen: expected 1..6, got 7']);
    expect(problems({ ...ctrl, pcieWidth: 3 })).toEqual(['devices.mhi[0].pcieWidth: expected one of 1, 2, 4, 8, 16, got 3']);
    expect(problems({ ...ctrl, name: 'a b' })).toEqual([`devices.mhi[0].name: invalid MHI controller name 'a b' (letters, digits, _ . + -; at most 64)`]);
    expect(problems({ ...ctrl, bogus: 1 })).toEqual(['devices.mhi[0].bogus: unknown field']);
  });
});
