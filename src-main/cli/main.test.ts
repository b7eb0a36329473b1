import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram, whatToLoad } from './program';

const TWB = decodeURIComponent(new URL('../../bin/twb.js', import.meta.url).pathname);
const PKG = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const twb = (...args: string[]) => spawnSync(process.execPath, [TWB, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('twb', () => {
  it('--version and -V print the package version, as the CLI itself does (bin/twb.js answers them alone)', async () => {
    for (const flag of ['--version', '-V']) {
      const r = twb(flag);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${PKG.version}\n`);
    }
    expect((await createProgram('list')).version()).toBe(PKG.version);
    // With anything beside it the flag goes to the CLI (commander), which answers the same.
    const viaCli = twb('--version', '--help');
    expect(viaCli.status).toBe(0);
    expect(viaCli.stdout).toBe(`${PKG.version}\n`);
  });

  it('--help lists every command; an unknown command is a usage error (exit 2)', () => {
    const help = twb('--help');
    expect(help.status).toBe(0);
    for (const c of ['info', 'run', 'runs', 'report', 'params', 'stress-check', 'explore', 'import', 'export', 'serve', 'aie', 'dmabuf', 'mhi']) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const bad = twb('bogus');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown command 'bogus'");
  });

  it('lists the commands without loading their modules, exactly as the loaded commands list themselves', async () => {
    const listed = (await createProgram('list')).helpInformation();
    const loaded = (await createProgram('all')).helpInformation();
    expect(listed).toBe(loaded);
    expect(whatToLoad(['--help'])).toBe('list');
    expect(whatToLoad(['-V'])).toBe('list');
    expect(whatToLoad(['help', 'run'])).toBe('run');
    expect(whatToLoad(['sweeps', 'list'])).toBe('sweeps');
    expect(whatToLoad(['bogus'])).toBe('list');
  });

  it('help COMMAND and COMMAND --help show that command\'s own options', () => {
    for (const args of [['help', 'run'], ['run', '--help']]) {
      const r = twb(...args);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('--duration <time>');
    }
  });

  it('info prints the seed topology as JSON', () => {
    const r = twb('info', 'builtin:seed-power9-ipi', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      host: { sockets: 2, cores: 32, threads: 128, numaNodes: 2, memoryBytes: 2 ** 40 },
      guests: [
        { name: 'A', vcpus: 56 },
        { name: 'B', vcpus: 4 },
      ],
    });
  });

  it('info reads as a sentence: one socket is "1 socket", memory in binary units', () => {
    const seed = twb('info', 'builtin:seed-power9-ipi');
    expect(seed.stdout).toBe('host: 2 sockets, 32 cores, 128 threads, 2 NUMA nodes, 1 TiB memory\nguest A: 56 vCPUs\nguest B: 4 vCPUs\n');
    expect(twb('info', 'builtin:aie-demo').stdout).toBe('host: 1 socket, 2 cores, 8 threads, 1 NUMA node, 16 GiB memory\n');
  });

  it('info names a missing file and an invalid field', () => {
    const missing = twb('info', 'no-such-workspace.json');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^twb: cannot read workspace 'no-such-workspace\.json'/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-info-'));
    const file = path.join(dir, 'bad.json');
    const ws = JSON.parse(fs.readFileSync(new URL('../../resources/workspaces/seed-power9-ipi.json', import.meta.url), 'utf8'));
    ws.guests[1].smp.threads = 0;
    fs.writeFileSync(file, JSON.stringify(ws));
    const bad = twb('info', file);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('guests[1].smp.threads');
    // The refused thing in the user's words first, the document path after it for the record (as the app says it).
    ws.guests[1].smp.threads = 1;
    ws.guests[0].vcpupin[32].cpuset = '67-300';
    fs.writeFileSync(file, JSON.stringify(ws));
    expect(twb('info', file).stderr).toBe(`twb: ${file}: guest A, vCPU 32: CPU 300 in '67-300' is beyond the host (CPUs 0-127) (guests[0].vcpupin[32].cpuset)\n`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a reader that stops early (| head -1) ends it quietly, with no stack trace', async () => {
    const child = spawn(process.execPath, [TWB, 'params'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Closed before the first line: every write then fails with EPIPE, without a race.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
