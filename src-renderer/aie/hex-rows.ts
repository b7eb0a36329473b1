/**
 * The hex view's row model: 16 bytes a row, and which rows a scrolled viewport shows.
 * Only the visible rows are rendered, so a 16 MiB buffer (a million rows) scrolls like a
 * small one. Browsers cap an element's height (Chromium near 33.5 million px), so past
 * MAX_CONTENT_PX the scrollbar is scaled: the scroll position maps proportionally to a row.
 */
export const BYTES_PER_ROW = 16;
/** Comfortably under every browser's element-height limit. */
export const MAX_CONTENT_PX = 8_000_000;

export const rowCount = (length: number) => Math.ceil(length / BYTES_PER_ROW);
export const rowOf = (offset: number) => Math.floor(offset / BYTES_PER_ROW);

export interface RowWindow {
  /** First rendered row (inclusive) and one past the last. */
  first: number;
  end: number;
  /** Where the first rendered row is drawn, in content pixels. */
  topPx: number;
  /** Height of the scrolled content. */
  contentPx: number;
}

/** The rows to render for a viewport of `viewportPx` scrolled to `scrollTop`, with `overscan` rows either side. */
export function rowWindow(scrollTop: number, viewportPx: number, rowPx: number, totalRows: number, overscan = 4): RowWindow {
  const visible = Math.max(1, Math.ceil(viewportPx / rowPx));
  const natural = totalRows * rowPx;
  if (natural <= MAX_CONTENT_PX) {
    const top = Math.max(0, Math.floor(scrollTop / rowPx));
    const first = Math.max(0, top - overscan);
    const end = Math.min(totalRows, top + visible + overscan);
    return { first, end, topPx: first * rowPx, contentPx: natural };
  }
  // Scaled: the scroll fraction picks the top row; the rows are drawn in the viewport, top
  // aligned at the start and sliding to bottom aligned at the end, so the last row shows whole.
  const maxScroll = Math.max(1, MAX_CONTENT_PX - viewportPx);
  const frac = Math.min(1, Math.max(0, scrollTop / maxScroll));
  const top = Math.round(frac * Math.max(0, totalRows - visible));
  const overhang = Math.max(0, visible * rowPx - viewportPx);
  return { first: top, end: Math.min(totalRows, top + visible + 1), topPx: Math.min(scrollTop, maxScroll) - frac * overhang, contentPx: MAX_CONTENT_PX };
}

/** The scrollTop that brings `row` into view (kept where it is when already visible). */
export function scrollToRow(row: number, scrollTop: number, viewportPx: number, rowPx: number, totalRows: number): number {
  const visible = Math.max(1, Math.floor(viewportPx / rowPx));
  const natural = totalRows * rowPx;
  if (natural <= MAX_CONTENT_PX) {
    const top = row * rowPx;
    if (top < scrollTop) return top;
    if (top + rowPx > scrollTop + viewportPx) return top + rowPx - visible * rowPx;
    return scrollTop;
  }
  const win = rowWindow(scrollTop, viewportPx, rowPx, totalRows, 0);
  if (row >= win.first && row < win.first + visible) return scrollTop;
  const target = row < win.first ? row : row - visible + 1;
  const maxScroll = Math.max(1, MAX_CONTENT_PX - viewportPx);
  return (Math.max(0, target) / Math.max(1, totalRows - visible)) * maxScroll;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
export const hexByte = (b: number) => HEX[b];
/** A printable ASCII character, or '.' (as xxd). */
export const asciiChar = (b: number) => (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.');
/** An address as 8 hex digits (more when it needs them). */
export const formatAddress = (a: number) => a.toString(16).padStart(8, '0');
