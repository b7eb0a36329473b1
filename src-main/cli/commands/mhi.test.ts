import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loopbackReport, type LoopbackCliOptions } from './mhi';

const base: LoopbackCliOptions = { bytes: '256K', mtu: '0x1000', ring: '32', seed: '1', pcieGen: '3', pcieWidth: '1', controller: 'mhi0' };

describe('twb mhi loopback', () => {
  it('hashes what was written and read', () => {
    const r = loopbackReport(base);
    expect(r.bytesWritten).toBe(256 * 1024);
    expect(r.bytesRead).toBe(256 * 1024);
    expect(r.sha256Read).toBe(r.sha256Written);
    expect(r.sha256Read).toMatch(/^[0-9a-f]{64}$/);
    expect(r.enodevSeen).toBe(false);
    expect(r.readMatchesWrittenPrefix).toBe(true);
  });

  it('is deterministic: same options and seed, same trace digest and figures', () => {
    const a = loopbackReport({ ...base, bytes: '64K', mtu: '512', ring: '4' });
    const b = loopbackReport({ ...base, bytes: '64K', mtu: '512', ring: '4' });
    expect(b.traceDigest).toBe(a.traceDigest);
    expect([b.throughputMBps, b.ringFullStalls]).toEqual([a.throughputMBps, a.ringFullStalls]);
    expect(a.kernelLog).toContain('mhi_uci mhi0_LOOPBACK: probed uci dev: minor 0');
  });

  it('with --remove-at: ENODEV, and the read data is the written prefix', () => {
    const r = loopbackReport({ ...base, removeAt: '0.25' });
    expect(r.enodevSeen).toBe(true);
    expect(r.bytesRead).toBeLessThan(r.bytesWritten);
    expect(r.readMatchesWrittenPrefix).toBe(true);
  });

  it('names the bad option', () => {
    expect(() => loopbackReport({ ...base, bytes: '12X' })).toThrow(/^--bytes: invalid size '12X'/);
    expect(() => loopbackReport({ ...base, bytes: '0' })).toThrow(/^--bytes: expected at least 1 byte/);
    expect(() => loopbackReport({ ...base, bytes: '2G' })).toThrow("--bytes: expected at most 1G (the payload is held in memory), got '2G'");
    expect(() => loopbackReport({ ...base, mtu: '32' })).toThrow("--mtu: expected an integer 64..65535, got '32'");
    expect(() => loopbackReport({ ...base, ring: '1' })).toThrow("--ring: expected an integer 2..4096, got '1'");
    expect(() => loopbackReport({ ...base, removeAt: '1.5' })).toThrow("--remove-at: expected a fraction 0..1, got '1.5'");
    expect(() => loopbackReport({ ...base, pcieWidth: '3' })).toThrow("--pcie-width: expected one of 1, 2, 4, 8, 16, got '3'");
    expect(() => loopbackReport({ ...base, set: ['mhi.host.syscallNs=-1'] })).toThrow(/^--set: mhi.host.syscallNs: expected a number from 0 to 1000000 \(ns\), got "-1"$/);
  });

  it('writes the JSON file through the real command line', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'twb-mhi-')), 'r.json');
    const bin = path.resolve(__dirname, '../../../bin/twb.js');
    execFileSync(process.execPath, [bin, 'mhi', 'loopback', '--bytes', '64K', '--ring', '8', '--json', out], { encoding: 'utf8' });
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    for (const k of ['bytesWritten', 'bytesRead', 'sha256Written', 'sha256Read', 'throughputMBps', 'ringFullStalls', 'enodevSeen']) expect(j).toHaveProperty(k);
    expect(j.bytesRead).toBe(65536);
  });
});

describe('twb mhi loopback --workspace', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-mhi-ws-'));
  const file = path.join(dir, 'ws.json');
  const seed = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../resources/workspaces/seed-power9-ipi.json'), 'utf8'));
  seed.devices.mhi = [{ name: 'sdx55', socket: 0, pcieGen: 2, pcieWidth: 2, ringSize: 16, mtu: 2048 }];
  fs.writeFileSync(file, JSON.stringify(seed));

  it('takes link, ring and MTU from the named controller; explicit options win', () => {
    const r = loopbackReport({ ...base, bytes: '64K', workspace: file, controller: 'sdx55' });
    expect([r.pcieGen, r.pcieWidth, r.ring, r.mtu, r.path]).toEqual([2, 2, 16, 2048, '/dev/mhi_sdx55_LOOPBACK']);
    const o = loopbackReport({ ...base, bytes: '64K', workspace: file, controller: 'sdx55', ring: '8', explicit: new Set(['ring']) });
    expect([o.ring, o.mtu]).toEqual([8, 2048]);
  });

  it('names a missing controller', () => {
    expect(() => loopbackReport({ ...base, workspace: file, controller: 'mhi9' })).toThrow(`--controller: no MHI controller named 'mhi9' in ${file} (have: sdx55)`);
  });
});

describe('twb mhi loopback --fault sys_err', () => {
  it('the client sees ENODEV and the read data is the written prefix', () => {
    const r = loopbackReport({ ...base, removeAt: '0.5', fault: 'sys_err' });
    expect(r.enodevSeen).toBe(true);
    expect(r.bytesRead).toBeLessThan(r.bytesWritten);
    expect(r.readMatchesWrittenPrefix).toBe(true);
  });

  it('checks the fault kind and that it has a time', () => {
    expect(() => loopbackReport({ ...base, removeAt: '0.5', fault: 'boom' })).toThrow("--fault: expected remove or sys_err, got 'boom'");
    expect(() => loopbackReport({ ...base, fault: 'sys_err' })).toThrow('--fault: needs --remove-at FRACTION (when to inject it)');
  });
});
