import { describe, expect, it } from 'vitest';
import { TransferRing } from './ring';
import { isLegalTransition, legalTargets, MHI_STATES } from './state';
import { linkBytesPerNs } from './pcie';

describe('TransferRing', () => {
  it('is empty when RP == WP and full when WP + 1 == RP', () => {
    const r = new TransferRing<number>(4);
    expect(r.empty).toBe(true);
    expect(r.free).toBe(3);
    r.push(1);
    r.push(2);
    r.push(3);
    expect(r.full).toBe(true);
    expect((r.wp + 1) % 4).toBe(r.rp);
    expect(r.free).toBe(0);
    expect(() => r.push(4)).toThrow(/full/);
    expect(r.shift()).toBe(1);
    expect(r.free).toBe(1);
    r.push(4);
    expect(r.wp).toBe(0);
    expect([r.shift(), r.shift(), r.shift()]).toEqual([2, 3, 4]);
    expect(r.empty).toBe(true);
    expect(r.rp).toBe(r.wp);
    expect(() => r.shift()).toThrow(/empty/);
  });

  it('drain returns the outstanding elements and rewinds', () => {
    const r = new TransferRing<string>(3);
    r.push('a');
    r.shift();
    r.push('b');
    r.push('c');
    expect(r.drain()).toEqual(['b', 'c']);
    expect([r.rp, r.wp, r.free]).toEqual([0, 0, 2]);
  });

  it('rejects sizes below 2', () => {
    expect(() => new TransferRing(1)).toThrow(/ring size/);
  });
});

describe('MHI state machine', () => {
  it('has exactly the documented transitions', () => {
    const table = Object.fromEntries(MHI_STATES.map((s) => [s, [...legalTargets(s)]]));
    expect(table).toEqual({
      RESET: ['READY', 'SYS_ERR'],
      READY: ['M0', 'RESET', 'SYS_ERR'],
      M0: ['M1', 'M3', 'RESET', 'SYS_ERR'],
      M1: ['M0', 'M2', 'RESET', 'SYS_ERR'],
      M2: ['M0', 'RESET', 'SYS_ERR'],
      M3: ['M0', 'RESET', 'SYS_ERR'],
      SYS_ERR: ['RESET'],
    });
    expect(isLegalTransition('RESET', 'M0')).toBe(false);
    expect(isLegalTransition('SYS_ERR', 'M0')).toBe(false);
    expect(isLegalTransition('M2', 'M3')).toBe(false);
  });
});

describe('PCIe bandwidth', () => {
  it('follows generation, width, encoding and TLP overhead', () => {
    // Gen1 x1: 2.5 GT/s × 8/10 = 2 Gbit/s = 0.25 byte/ns before TLP overhead.
    expect(linkBytesPerNs(1, 1, 256, 0)).toBeCloseTo(0.25, 10);
    expect(linkBytesPerNs(2, 4, 256, 0)).toBeCloseTo(2, 10);
    expect(linkBytesPerNs(3, 1, 256, 0)).toBeCloseTo((8 * 128) / 130 / 8, 10);
    expect(linkBytesPerNs(4, 16, 256, 0)).toBeCloseTo((16 * 128) / 130 / 8 * 16, 10);
    expect(linkBytesPerNs(6, 1, 256, 0)).toBeCloseTo((64 * 236) / 256 / 8, 10);
    expect(linkBytesPerNs(3, 1, 256, 24)).toBeCloseTo(((8 * 128) / 130 / 8) * (256 / 280), 10);
    expect(() => linkBytesPerNs(7, 1, 256, 24)).toThrow(/pcieGen/);
    expect(() => linkBytesPerNs(3, 3, 256, 24)).toThrow(/pcieWidth/);
  });
});
