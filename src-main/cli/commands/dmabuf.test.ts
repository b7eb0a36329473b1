import { Command } from 'commander';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerDmabuf } from './dmabuf';

async function twb(...args: string[]): Promise<string> {
  const program = new Command('twb').exitOverride();
  registerDmabuf(program);
  const out: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
  try {
    await program.parseAsync(['node', 'twb', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out.join('\n');
}

describe('twb dmabuf stress', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-dmabuf-'));
  afterEach(() => vi.restoreAllMocks());

  it('prints a summary and writes exactly the five JSON fields', async () => {
    const file = path.join(dir, 'out.json');
    const text = await twb('dmabuf', 'stress', '--buffers', '4', '--workers', '3', '--jobs', '200', '--mode', 'wound-wait', '--seed', '9', '--json', file);
    expect(text).toMatch(/^dmabuf stress: 4 buffers, 3 workers, 200 jobs, wound-wait, seed 9\ncompleted jobs +200\ndeadlocks +0\norder violations +0/);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(json)).toEqual(['completedJobs', 'deadlocks', 'orderViolations', 'backoffs', 'jobsPerSimulatedSecond']);
    expect(json).toMatchObject({ completedJobs: 200, deadlocks: 0, orderViolations: 0 });
  });

  it('names the flag of every bad argument', async () => {
    await expect(twb('dmabuf', 'stress', '--buffers', 'many')).rejects.toThrow("--buffers: expected an integer 1..4096, got 'many'");
    await expect(twb('dmabuf', 'stress', '--workers', '0')).rejects.toThrow("--workers: expected an integer 1..1024, got '0'");
    await expect(twb('dmabuf', 'stress', '--jobs', '-3')).rejects.toThrow("--jobs: expected an integer 0..10000000, got '-3'");
    await expect(twb('dmabuf', 'stress', '--seed', '1e3')).rejects.toThrow("--seed: expected an integer 0..4294967295, got '1e3'");
    await expect(twb('dmabuf', 'stress', '--mode', 'unordered')).rejects.toThrow("--mode: expected one of wound-wait, wait-die, got 'unordered'");
    await expect(twb('dmabuf', 'stress', '--set', 'dmabuf.writeFraction=2')).rejects.toThrow('--set: dmabuf.writeFraction: expected at most 1');
    await expect(twb('dmabuf', 'stress', '--json', path.join(dir, 'no/such/dir.json'), '--jobs', '1')).rejects.toThrow(/^--json: cannot write /);
  });
});
