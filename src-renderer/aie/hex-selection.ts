import { hexByte } from './hex-rows';

/** A selection: the byte where it started (anchor) and the cursor (focus); inclusive both ends. */
export interface Selection {
  anchor: number;
  focus: number;
}

export const collapsed = (at: number): Selection => ({ anchor: at, focus: at });
export const selStart = (s: Selection) => Math.min(s.anchor, s.focus);
export const selEnd = (s: Selection) => Math.max(s.anchor, s.focus);
export const selLength = (s: Selection) => selEnd(s) - selStart(s) + 1;
export const isSelected = (s: Selection, offset: number) => offset >= selStart(s) && offset <= selEnd(s);

/** Moves the cursor to `to` (clamped to the buffer); with `extend` the anchor stays. */
export function moveTo(s: Selection, to: number, length: number, extend: boolean): Selection {
  const focus = Math.min(Math.max(0, to), Math.max(0, length - 1));
  return extend ? { anchor: s.anchor, focus } : collapsed(focus);
}

/** The keyboard's move for `key` from `at` (16 bytes a row, `pageRows` a page); null for other keys. */
export function keyTarget(key: string, at: number, ctrl: boolean, length: number, pageRows: number): number | null {
  const row = 16;
  switch (key) {
    case 'ArrowLeft':
      return at - 1;
    case 'ArrowRight':
      return at + 1;
    case 'ArrowUp':
      return at >= row ? at - row : at;
    case 'ArrowDown':
      return at + row < length ? at + row : at;
    case 'PageUp':
      return Math.max(at % row, at - row * pageRows);
    case 'PageDown': {
      const to = at + row * pageRows;
      return to < length ? to : at + row * Math.floor((length - 1 - at) / row);
    }
    case 'Home':
      return ctrl ? 0 : at - (at % row);
    case 'End':
      return ctrl ? length - 1 : Math.min(length - 1, at - (at % row) + row - 1);
    default:
      return null;
  }
}

/** The selected bytes as "41 49 20 45" (what Copy puts on the clipboard). */
export function selectionHex(bytes: Uint8Array, s: Selection): string {
  const out: string[] = [];
  for (let i = selStart(s); i <= selEnd(s) && i < bytes.length; i++) out.push(hexByte(bytes[i]));
  return out.join(' ');
}
