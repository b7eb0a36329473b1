import { describe, expect, it } from 'vitest';
import { runLoopback } from './loopback-run';
import { linkBytesPerNs } from './pcie';

function collect(opts: Parameters<typeof runLoopback>[0]) {
  const chunks: Uint8Array[] = [];
  const r = runLoopback({ ...opts, onRead: (c) => chunks.push(c.slice()) });
  return { r, read: Buffer.concat(chunks) };
}

describe('twb mhi loopback scenario', () => {
  it('reads back every byte written, in order', () => {
    const { r, read } = collect({ bytes: 300_001, mtu: 0x1000, ring: 16, seed: 3 });
    expect(r.errors).toEqual([]);
    expect([r.bytesWritten, r.bytesRead, r.bytesEchoed]).toEqual([300_001, 300_001, 300_001]);
    expect(Buffer.compare(read, Buffer.from(r.data))).toBe(0);
    expect(r.enodevSeen).toBe(false);
    expect(r.throughputMBps).toBeGreaterThan(0);
    expect(r.kernelLog).toContain('mhi_uci mhi0_LOOPBACK: probed uci dev: minor 0');
  });

  it('is deterministic per seed', () => {
    const a = runLoopback({ bytes: 100_000, mtu: 512, ring: 8, seed: 9 });
    const b = runLoopback({ bytes: 100_000, mtu: 512, ring: 8, seed: 9 });
    const c = runLoopback({ bytes: 100_000, mtu: 512, ring: 8, seed: 10 });
    expect(b.traceDigest).toBe(a.traceDigest);
    expect(b.transferNs).toBe(a.transferNs);
    expect(Buffer.compare(Buffer.from(b.data), Buffer.from(a.data))).toBe(0);
    expect(Buffer.compare(Buffer.from(c.data), Buffer.from(a.data))).not.toBe(0);
  });

  it('with removal the client sees -ENODEV and what it read is a prefix of what it wrote', () => {
    const { r, read } = collect({ bytes: 1 << 20, mtu: 0x1000, ring: 32, seed: 1, removeAt: 0.5 });
    expect(r.enodevSeen).toBe(true);
    expect(r.bytesWritten).toBeGreaterThanOrEqual(1 << 19);
    expect(r.bytesRead).toBeLessThan(r.bytesWritten);
    expect(Buffer.compare(read, Buffer.from(r.data.subarray(0, r.bytesRead)))).toBe(0);
    // nothing echoed is lost: read + still unread = the first bytesEchoed bytes
    expect(Buffer.compare(Buffer.concat([read, ...r.unread]), Buffer.from(r.data.subarray(0, r.bytesEchoed)))).toBe(0);
  });

  it('removal at 0 fails the first calls', () => {
    const r = runLoopback({ bytes: 10_000, mtu: 0x1000, ring: 8, seed: 1, removeAt: 0 });
    expect(r.enodevSeen).toBe(true);
    expect(r.bytesRead).toBe(0);
  });

  it('never beats the link and gets faster with bigger rings and a faster link', () => {
    const bw = linkBytesPerNs(3, 1, 256, 24) * 1000;
    const small = runLoopback({ bytes: 1 << 20, mtu: 512, ring: 4, seed: 1 });
    const big = runLoopback({ bytes: 1 << 20, mtu: 512, ring: 128, seed: 1 });
    expect(big.throughputMBps).toBeGreaterThan(small.throughputMBps);
    expect(big.throughputMBps).toBeLessThan(bw);
    const gen1 = runLoopback({ bytes: 1 << 20, mtu: 0x1000, ring: 64, seed: 1, pcieGen: 1 });
    const gen3 = runLoopback({ bytes: 1 << 20, mtu: 0x1000, ring: 64, seed: 1, pcieGen: 3 });
    expect(gen1.throughputMBps).toBeLessThan(linkBytesPerNs(1, 1, 256, 24) * 1000);
    expect(gen3.throughputMBps).toBeGreaterThan(gen1.throughputMBps);
  });
});
