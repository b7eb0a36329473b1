/**
 * The hex view's visible rows, written straight into the DOM. Scrolling a big memory replaces
 * every visible byte each frame; through the Svelte template that was ~8 reactive bindings a
 * byte (≈7,000 a frame) and new row elements each time, 20–85 ms frames. Here row elements are
 * kept per row while it stays in view and reused for rows coming into view, and a cell is
 * touched only where its text, offset or classes changed.
 *
 * The markup is the grid's: `div.row[role=row]` > `span.addr[role=rowheader]`, `span.bytes` >
 * `span.b[role=gridcell][data-offset]` (the cursor's also has the id aria-activedescendant
 * points at), `span.ascii[role=gridcell]` > `span[data-offset]` a byte, or one text run with
 * `data-row-start` on the `span.ascii` while nothing in the row is marked.
 */
import { BYTES_PER_ROW, asciiChar } from './hex-rows';
import { cellClass, cellText, type RowsState } from './hex-cells';
import { selEnd, selStart } from './hex-selection';

interface Cell {
  el: HTMLSpanElement;
  text: string;
  cls: string;
  offset: number;
}

interface Row {
  el: HTMLDivElement;
  addr: HTMLSpanElement;
  hexBox: HTMLSpanElement;
  asciiBox: HTMLSpanElement;
  hex: Cell[];
  /** The ASCII column: one text node while no byte of the row is marked, else a span a byte. */
  ascii: Cell[] | { text: Text; value: string; start: number };
  row: number;
  address: string;
}

const span = (cls: string) => {
  const el = document.createElement('span');
  if (cls) el.className = cls;
  return el;
};

function cell(parent: HTMLElement, hex: boolean): Cell {
  const el = span(hex ? 'b' : '');
  if (hex) {
    el.setAttribute('role', 'gridcell');
    el.setAttribute('aria-selected', 'false');
  }
  parent.appendChild(el);
  return { el, text: '', cls: hex ? 'b' : '', offset: -1 };
}

function makeRow(): Row {
  const el = document.createElement('div');
  el.className = 'row';
  el.setAttribute('role', 'row');
  const addr = span('addr');
  addr.setAttribute('role', 'rowheader');
  const hexBox = span('bytes');
  const asciiBox = span('ascii');
  asciiBox.setAttribute('role', 'gridcell');
  el.append(addr, hexBox, asciiBox);
  const text = document.createTextNode('');
  asciiBox.appendChild(text);
  return { el, addr, hexBox, asciiBox, hex: [], ascii: { text, value: '', start: -1 }, row: -1, address: '' };
}

function update(c: Cell, o: number, text: string, cls: string, hex: boolean, s: RowsState): void {
  if (c.offset !== o) {
    c.el.setAttribute('data-offset', String(o));
    c.offset = o;
  }
  if (c.text !== text) {
    // Rewrite the cell's one text node rather than replacing it.
    const t = c.el.firstChild;
    if (t) t.nodeValue = text;
    else c.el.textContent = text;
    c.text = text;
  }
  if (c.cls !== cls) {
    c.el.className = c.cls = cls;
    if (hex) c.el.setAttribute('aria-selected', String(cls.includes('sel')));
  }
  if (hex) {
    if (o === s.cursor) {
      const id = s.cellId(o);
      if (c.el.id !== id) c.el.id = id;
    } else if (c.el.id) c.el.removeAttribute('id');
  }
}

/**
 * Keeps `root`'s children equal to the rows of `state` (call it whenever the state changes).
 * Row elements are keyed by row number: a row still in view keeps its element (and its text),
 * and the elements of rows that left are reused for the rows that came in, so a wheel step
 * rewrites a few rows, not all of them. DOM order stays row order (screen readers read it).
 */
export class HexRowsDom {
  #byRow = new Map<number, Row>();

  constructor(private readonly root: HTMLElement) {}

  render(s: RowsState): void {
    const free: Row[] = [];
    for (const [row, r] of this.#byRow) {
      if (row >= s.first && row < s.end) continue;
      this.#byRow.delete(row);
      r.el.remove();
      free.push(r);
    }
    // The rows kept are contiguous and already in order: new rows go before or after them.
    const keptFirst = this.#byRow.size ? Math.min(...this.#byRow.keys()) : Infinity;
    const before = this.#byRow.get(keptFirst)?.el ?? null;
    for (let row = s.first; row < s.end; row++) {
      let r = this.#byRow.get(row);
      if (!r) {
        r = free.pop() ?? makeRow();
        this.#byRow.set(row, r);
        if (row < keptFirst && before) this.root.insertBefore(r.el, before);
        else this.root.appendChild(r.el);
      }
      this.#row(r, row, s);
    }
  }

  #row(r: Row, row: number, s: RowsState): void {
    const start = row * BYTES_PER_ROW;
    const n = Math.max(0, Math.min(BYTES_PER_ROW, s.bytes.length - start));
    if (r.row !== row) {
      r.el.setAttribute('aria-rowindex', String(row + 1));
      r.row = row;
    }
    const address = s.address(row);
    if (r.address !== address) r.addr.textContent = r.address = address;
    // A short last row has fewer cells.
    while (r.hex.length < n) r.hex.push(cell(r.hexBox, true));
    while (r.hex.length > n) r.hex.pop()!.el.remove();
    for (let i = 0; i < n; i++) update(r.hex[i], start + i, cellText(s, start + i), cellClass(s, start + i), true, s);
    this.#ascii(r, start, n, s);
  }

  /**
   * The ASCII column. Most rows have nothing marked there: one text node (half the text runs
   * to lay out while scrolling); HexView maps a pointer on it to a byte by its x position
   * (`data-row-start`). A row with a selected or changed byte gets a span a byte.
   */
  #ascii(r: Row, start: number, n: number, s: RowsState): void {
    let marked = selStart(s.sel) < start + n && selEnd(s.sel) >= start;
    for (let i = 0; !marked && s.changed && i < n; i++) marked = s.changed[start + i] === 1;
    if (!marked) {
      if (Array.isArray(r.ascii)) {
        r.asciiBox.textContent = '';
        r.ascii = { text: r.asciiBox.appendChild(document.createTextNode('')), value: '', start: -1 };
      }
      let value = '';
      for (let i = 0; i < n; i++) value += asciiChar(s.bytes[start + i]);
      if (r.ascii.value !== value) r.ascii.text.nodeValue = r.ascii.value = value;
      if (r.ascii.start !== start) r.asciiBox.setAttribute('data-row-start', String((r.ascii.start = start)));
      return;
    }
    if (!Array.isArray(r.ascii)) {
      r.asciiBox.textContent = '';
      r.asciiBox.removeAttribute('data-row-start');
      r.ascii = [];
    }
    const cells = r.ascii;
    while (cells.length < n) cells.push(cell(r.asciiBox, false));
    while (cells.length > n) cells.pop()!.el.remove();
    for (let i = 0; i < n; i++) update(cells[i], start + i, asciiChar(s.bytes[start + i]), cellClass(s, start + i, true), false, s);
  }

  destroy(): void {
    for (const r of this.#byRow.values()) r.el.remove();
    this.#byRow.clear();
  }
}
