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
    await expect(twb('dmabuf', 'stress', '--set', 'dmabuf.writeFraction=2')).rejects.toThrow('--set: dmabuf.writeFraction: expected a number from 0 to 1 (fraction), got "2"');
    await expect(twb('dmabuf', 'stress', '--json', path.join(dir, 'no/such/dir.json'), '--jobs', '1')).rejects.toThrow(/^--json: cannot write /);
  });
});

describe('twb dmabuf show', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-dmabuf-show-'));
  let files = 0;
  const workspace = (dmabuf: unknown, aie: unknown = { columns: 4, rows: 3, partitions: [{ name: 'p0', startCol: 1, numCols: 2 }] }) => {
    const file = path.join(dir, `ws-${files++}.json`);
    const ws = {
      schemaVersion: 1,
      name: 'dmabuf',
      host: { name: 'h', model: 'POWER9', threadsPerCore: 4, sockets: [{ cores: 2, memoryBytes: 8589934592 }] },
      guests: [],
      devices: { mhi: [], aie, dmabuf },
      workloads: [],
      kernel: { barriers: { beforeSet: false, afterClear: false } },
      params: {},
    };
    fs.writeFileSync(file, JSON.stringify(ws));
    return file;
  };

  it('shows buffers, imports, camera frames and the AIE map warning', async () => {
    const file = workspace({
      exporters: [
        { name: 'cam', kind: 'camera', sizeBytes: 65536 },
        { name: 'aie-data', kind: 'aie', partition: 'p0', memory: 'data' },
      ],
      importers: [
        { name: 'lcd', kind: 'display', source: 'cam' },
        { name: 'gpu0', kind: 'gpu', source: 'aie-data' },
      ],
    });
    const json = path.join(dir, 'show.json');
    const text = await twb('dmabuf', 'show', file, '--after', '50ms', '--json', json);
    expect(text).toMatch(/^lcd +display +cam +mapped \(1 segment\), 2 frames$/m);
    expect(text).toMatch(/^gpu0 +gpu +aie-data +failed: ENOMEM/m);
    expect(text).toContain('] gpu0: AI engine memory map dma buf is not implemented.');
    const out = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(out.buffers.map((b: { name: string; size: number }) => [b.name, b.size])).toEqual([
      ['cam', 65536],
      ['aie-data', 131072],
    ]);
  });

  it('names the field of an aie exporter without its partition, and a bad --after', async () => {
    const file = workspace({ exporters: [{ name: 'x', kind: 'aie', partition: 'p9', memory: 'data' }], importers: [] });
    await expect(twb('dmabuf', 'show', file)).rejects.toThrow(/dma-buf exporter x: no partition named 'p9' in devices\.aie \(devices\.dmabuf\.exporters\[0\]\.partition\)/);
    await expect(twb('dmabuf', 'show', file, '--after', 'soon')).rejects.toThrow(/^--after: /);
  });
});
