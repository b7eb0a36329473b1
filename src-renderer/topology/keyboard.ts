/**
 * Moving through the drawing by keyboard: from the focused element, an arrow goes to the
 * nearest element in that direction (spatial navigation, as a TV remote does): candidates lie
 * in the half-plane the arrow points to, and the nearest wins, with sideways distance counting
 * double so that ↓ from a CPU goes to the CPU below rather than to one diagonally nearer.
 */
export interface NavBox {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Direction = 'left' | 'right' | 'up' | 'down';

export const DIRECTIONS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

/** The box the arrow goes to from `from`, or null when there is nothing that way. */
export function nextInDirection(from: NavBox, dir: Direction, boxes: readonly NavBox[]): NavBox | null {
  let best: NavBox | null = null;
  let bestScore = Infinity;
  for (const b of boxes) {
    if (b.id === from.id) continue;
    const dx = b.x - from.x;
    const dy = b.y - from.y;
    const along = dir === 'left' ? -dx : dir === 'right' ? dx : dir === 'up' ? -dy : dy;
    const side = dir === 'left' || dir === 'right' ? Math.abs(dy) : Math.abs(dx);
    if (along <= 0.5) continue;
    const score = along + 2 * side;
    if (score < bestScore) {
      bestScore = score;
      best = b;
    }
  }
  return best;
}
