import { describe, expect, it } from 'vitest';
import { MAX_CONTENT_PX, asciiChar, formatAddress, rowCount, rowWindow, scrollToRow } from './hex-rows';
import { partitionLayout, tileLayout } from './mem-layout';
import { parseAddress, parseHexBytes, parseSearch } from './hex-input';
import { findBytes } from './hex-search';
import { collapsed, isSelected, keyTarget, moveTo, selLength, selectionHex } from './hex-selection';
import { changedMask, decodeBase64 } from './hex-changes';

const MiB = 1024 * 1024;

describe('row model', () => {
  it('renders only the visible rows plus overscan', () => {
    expect(rowCount(32 * 1024)).toBe(2048);
    expect(rowCount(17)).toBe(2);
    expect(rowWindow(0, 400, 20, 2048, 4)).toEqual({ first: 0, end: 24, topPx: 0, contentPx: 2048 * 20 });
    expect(rowWindow(1000, 400, 20, 2048, 4)).toEqual({ first: 46, end: 74, topPx: 920, contentPx: 40960 });
    expect(rowWindow(40960, 400, 20, 2048, 4).end).toBe(2048);
  });

  it('scales the scrollbar for a 16 MiB buffer and still reaches the first and last rows', () => {
    const rows = rowCount(16 * MiB);
    const top = rowWindow(0, 600, 20, rows);
    expect(top.contentPx).toBe(MAX_CONTENT_PX);
    expect(top.first).toBe(0);
    expect(top.end - top.first).toBeLessThanOrEqual(32);
    const bottom = rowWindow(MAX_CONTENT_PX - 610, 610, 20, rows);
    expect(bottom.end).toBe(rows);
    // The last row's bottom edge is the viewport's bottom edge.
    expect(bottom.topPx + (bottom.end - bottom.first) * 20).toBe(MAX_CONTENT_PX);
    const mid = rowWindow((MAX_CONTENT_PX - 600) / 2, 600, 20, rows);
    expect(Math.abs(mid.first - rows / 2)).toBeLessThan(40);
  });

  it('scrolls a row into view, in both modes', () => {
    expect(scrollToRow(0, 100, 400, 20, 2048)).toBe(0);
    expect(scrollToRow(10, 100, 400, 20, 2048)).toBe(100);
    expect(scrollToRow(100, 0, 400, 20, 2048)).toBe(1620);
    const rows = rowCount(16 * MiB);
    const st = scrollToRow(700_000, 0, 600, 20, rows);
    const w = rowWindow(st, 600, 20, rows, 0);
    expect(700_000).toBeGreaterThanOrEqual(w.first);
    expect(700_000).toBeLessThan(w.end);
  });

  it('formats addresses and ASCII as xxd does', () => {
    expect(formatAddress(0x1040300)).toBe('01040300');
    expect(formatAddress(0x1_0000_0000)).toBe('100000000');
    expect([0x1f, 0x20, 0x41, 0x7e, 0x7f, 0xff].map(asciiChar).join('')).toBe('. A~..');
  });
});

describe('input parsing', () => {
  it('parses hex bytes in common spellings and says what is wrong', () => {
    expect(parseHexBytes('41 49')).toEqual({ ok: true, value: Uint8Array.of(0x41, 0x49) });
    expect(parseHexBytes('0x41,0x49')).toEqual({ ok: true, value: Uint8Array.of(0x41, 0x49) });
    expect(parseHexBytes('4149ff')).toEqual({ ok: true, value: Uint8Array.of(0x41, 0x49, 0xff) });
    expect(parseHexBytes('')).toMatchObject({ ok: false, error: /expected hex bytes/ });
    expect(parseHexBytes('4g')).toMatchObject({ ok: false, error: /'g' is not a hex digit/ });
    expect(parseHexBytes('414')).toMatchObject({ ok: false, error: /whole bytes/ });
  });

  it('parses absolute addresses and offsets', () => {
    const tile = tileLayout(2, 1, 0, 0x8000);
    expect(parseAddress('0x1040300', tile)).toEqual({ ok: true, value: 0x300 });
    expect(parseAddress('300', tile)).toEqual({ ok: true, value: 0x300 });
    expect(parseAddress('300h', tile)).toEqual({ ok: true, value: 0x300 });
    expect(parseAddress('#16', tile)).toEqual({ ok: true, value: 16 });
    expect(parseAddress('0x8000', tile)).toMatchObject({ ok: false, error: /outside this memory \(addresses 0x1040000\.\.0x1047fff/ });
    expect(parseAddress('zz', tile)).toMatchObject({ ok: false, error: /expected a hex address/ });
    expect(parseAddress('', tile).ok).toBe(false);
    const part = partitionLayout({ startCol: 1, numCols: 3, startRow: 1, numRows: 2 }, 0x20000, 0x4000);
    expect(parseAddress('0x1060010', part)).toEqual({ ok: true, value: 2 * 0x4000 + 0x10 }); // tile (2,1) is the third
  });

  it('parses search terms as hex or text', () => {
    expect(parseSearch('AI', 'text')).toEqual({ ok: true, value: Uint8Array.of(0x41, 0x49) });
    expect(parseSearch('41 49', 'hex')).toEqual({ ok: true, value: Uint8Array.of(0x41, 0x49) });
    expect(parseSearch('', 'text').ok).toBe(false);
  });
});

describe('search', () => {
  const bytes = new TextEncoder().encode('abcabcabc');
  const p = (s: string) => new TextEncoder().encode(s);
  it('finds forward and backward, wrapping once', () => {
    expect(findBytes(bytes, p('abc'), 0)).toBe(0);
    expect(findBytes(bytes, p('abc'), 1)).toBe(3);
    expect(findBytes(bytes, p('abc'), 7)).toBe(0);
    expect(findBytes(bytes, p('abc'), 5, 'backward')).toBe(3);
    expect(findBytes(bytes, p('abc'), 2, 'backward')).toBe(0);
    expect(findBytes(bytes, p('cab'), 0, 'backward')).toBe(5);
    expect(findBytes(bytes, p('zz'), 0)).toBe(-1);
    expect(findBytes(bytes, p(''), 0)).toBe(-1);
  });
  it('finds a pattern near the end of 16 MiB', () => {
    const big = new Uint8Array(16 * MiB);
    big.set([1, 2, 3], big.length - 3);
    expect(findBytes(big, Uint8Array.of(1, 2, 3), 0)).toBe(big.length - 3);
  });
});

describe('selection', () => {
  it('moves, extends and copies as hex', () => {
    let s = collapsed(4);
    s = moveTo(s, 7, 32, true);
    expect(selLength(s)).toBe(4);
    expect(isSelected(s, 6)).toBe(true);
    expect(isSelected(s, 8)).toBe(false);
    s = moveTo(s, 2, 32, true);
    expect([s.anchor, s.focus]).toEqual([4, 2]);
    expect(selectionHex(Uint8Array.from({ length: 32 }, (_, i) => i), s)).toBe('02 03 04');
    expect(moveTo(s, 99, 32, false)).toEqual(collapsed(31));
    expect(moveTo(s, -5, 32, false)).toEqual(collapsed(0));
  });
  it('maps keys to cursor moves', () => {
    expect(keyTarget('ArrowDown', 5, false, 64, 2)).toBe(21);
    expect(keyTarget('ArrowDown', 60, false, 64, 2)).toBe(60);
    expect(keyTarget('ArrowUp', 5, false, 64, 2)).toBe(5);
    expect(keyTarget('Home', 21, false, 64, 2)).toBe(16);
    expect(keyTarget('End', 21, false, 64, 2)).toBe(31);
    expect(keyTarget('End', 21, true, 64, 2)).toBe(63);
    expect(keyTarget('PageDown', 5, false, 64, 2)).toBe(37);
    expect(keyTarget('PageDown', 40, false, 64, 2)).toBe(56);
    expect(keyTarget('PageUp', 40, false, 64, 2)).toBe(8);
    expect(keyTarget('x', 1, false, 64, 2)).toBeNull();
  });
});

describe('changes since the previous run', () => {
  it('marks changed bytes, or nothing without a previous run', () => {
    expect(changedMask(null, Uint8Array.of(1))).toBeNull();
    expect(changedMask(Uint8Array.of(1, 2), Uint8Array.of(1))).toBeNull();
    const c = changedMask(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 9, 4))!;
    expect(Array.from(c.mask)).toEqual([0, 1, 1]);
    expect(c.count).toBe(2);
  });
  it('decodes base64', () => {
    expect(Array.from(decodeBase64('QUlF'))).toEqual([0x41, 0x49, 0x45]);
  });
});

describe('memory layouts', () => {
  it('maps a tile memory linearly from its array address', () => {
    const l = tileLayout(2, 1, 0x20000, 0x4000);
    expect(l.addressOf(0)).toBe((2 << 23) + (1 << 18) + 0x20000);
    expect(l.offsetOf(l.addressOf(0x3fff))).toBe(0x3fff);
    expect(l.offsetOf(l.addressOf(0) - 1)).toBeNull();
    expect(l.tileOf(0x10)).toEqual({ col: 2, row: 1, offset: 0x10, left: 0x3ff0 });
  });
  it('walks a partition memory by columns, then rows, and back', () => {
    const l = partitionLayout({ startCol: 1, numCols: 3, startRow: 1, numRows: 2 }, 0, 0x8000);
    expect(l.size).toBe(6 * 0x8000);
    expect(l.tileOf(0x8000 + 5)).toMatchObject({ col: 1, row: 2, offset: 5 });
    expect(l.tileOf(2 * 0x8000)).toMatchObject({ col: 2, row: 1, offset: 0 });
    expect(l.addressOf(5 * 0x8000 + 0x10)).toBe((3 << 23) + (2 << 18) + 0x10);
    for (const o of [0, 0x7fff, 0x8000, 3 * 0x8000 + 7, 6 * 0x8000 - 1]) expect(l.offsetOf(l.addressOf(o))).toBe(o);
    expect(l.offsetOf((0 << 23) + (1 << 18))).toBeNull();
    expect(l.offsetOf((1 << 23) + (3 << 18))).toBeNull();
  });
});

describe('hex cells: classes and text', async () => {
  const { cellClass, cellText } = await import('./hex-cells');
  const changed = new Uint8Array(8);
  changed[5] = 1;
  const s = { sel: { anchor: 2, focus: 4 }, cursor: 4, hit: { at: 3, length: 2 }, changed, bytes: Uint8Array.of(0, 1, 2, 0xab, 4, 5, 6, 7), nibble: null as number | null };
  it('marks selection, cursor, changed bytes and search hits (the ASCII side only selection and changes)', () => {
    expect(cellClass(s, 0)).toBe('b');
    expect(cellClass(s, 2)).toBe('b sel');
    expect(cellClass(s, 3)).toBe('b sel hit');
    expect(cellClass(s, 4)).toBe('b sel cur hit');
    expect(cellClass(s, 5)).toBe('b chg');
    expect(cellClass(s, 4, true)).toBe('sel');
    expect(cellClass(s, 5, true)).toBe('chg');
    expect(cellClass(s, 0, true)).toBe('');
  });
  it('shows the byte, or the half-typed digit at the cursor', () => {
    expect(cellText(s, 3)).toBe('ab');
    expect(cellText({ ...s, nibble: 0xc }, 4)).toBe('c_');
    expect(cellText({ ...s, nibble: 0xc }, 3)).toBe('ab');
  });
});
