import { formatDuration, parseDuration } from './duration';

/**
 * `--until` and the toolbar's *Run until*: a run ends (CLI) or pauses (UI) at the first moment
 * something happens, or at a simulated time. The engine's table (src-main/engine/core/until.ts)
 * says which trace record meets each named condition; this is the part the renderer shares.
 */
export const UNTIL_NAMES = ['first-lost-ipi', 'first-soft-lockup', 'first-rcu-stall', 'first-hung-task'] as const;
export type UntilName = (typeof UNTIL_NAMES)[number];

/** What a user reads for each condition (toolbar, `--help`). */
export const UNTIL_LABELS: Record<UntilName, string> = {
  'first-lost-ipi': 'first lost IPI',
  'first-soft-lockup': 'first soft lockup',
  'first-rcu-stall': 'first RCU stall',
  'first-hung-task': 'first hung task',
};

export type Until = { condition: UntilName } | { timeNs: number };

/** `first-lost-ipi` … or a simulated time (`90s`, `20m`); the message names what it accepts. */
export function parseUntil(text: string): Until {
  const t = text.trim();
  if ((UNTIL_NAMES as readonly string[]).includes(t)) return { condition: t as UntilName };
  let ns: number;
  try {
    ns = parseDuration(t);
  } catch {
    throw new Error(`expected one of ${UNTIL_NAMES.join(', ')} or a simulated time such as 30m, got ${JSON.stringify(t.slice(0, 80))}`);
  }
  if (ns <= 0) throw new Error(`expected a simulated time above 0, got ${JSON.stringify(t.slice(0, 80))}`);
  return { timeNs: ns };
}

/** The text form: the condition's name or the time (`30m`). */
export function untilText(u: Until): string {
  return 'condition' in u ? u.condition : formatDuration(u.timeNs);
}
