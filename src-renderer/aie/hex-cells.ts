/** What each visible byte of the hex view shows (text and classes); hex-dom.ts writes it into the DOM. */
import { hexByte } from './hex-rows';
import { isSelected, type Selection } from './hex-selection';

export interface RowsState {
  bytes: Uint8Array;
  first: number;
  end: number;
  /** Address column text of a row. */
  address: (row: number) => string;
  sel: Selection;
  cursor: number;
  /** First hex digit typed at the cursor, shown until the second. */
  nibble: number | null;
  hit: { at: number; length: number } | null;
  changed: Uint8Array | null;
  /** The element id of a byte's cell (only the cursor's cell carries it). */
  cellId: (offset: number) => string;
}

/** Class list of a hex cell (`b …`) or, with `ascii`, of an ASCII character. */
export function cellClass(s: Pick<RowsState, 'sel' | 'cursor' | 'hit' | 'changed'>, o: number, ascii = false): string {
  let c = ascii ? '' : 'b';
  if (isSelected(s.sel, o)) c += ' sel';
  if (!ascii && o === s.cursor) c += ' cur';
  if (s.changed?.[o] === 1) c += ' chg';
  if (!ascii && s.hit && o >= s.hit.at && o < s.hit.at + s.hit.length) c += ' hit';
  return c.trim();
}

/** What a hex cell shows: the byte, or the half-typed digit at the cursor. */
export const cellText = (s: Pick<RowsState, 'bytes' | 'cursor' | 'nibble'>, o: number) => (o === s.cursor && s.nibble !== null ? `${s.nibble.toString(16)}_` : hexByte(s.bytes[o]));
