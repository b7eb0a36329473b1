/**
 * Which pairs of IPIs to one target can strand anything, per kernel variant — what the fabric
 * asks before it runs a timed episode for a pair (power-fabric.ts). The answer is the explorer's
 * (explore-ipi.ts: every execution POWER allows, stopped at the first loss); running it costs
 * seconds per variant, so `npm run figures` writes every answer to `pair-verdicts.generated.ts`
 * and a run only reads it. pair-verdicts.test.ts reruns the explorer for every entry and
 * `npm run figures:check` compares the file, so a handshake change cannot leave it stale.
 */
import type { Barriers } from './fabric';
import { exploreIpi } from './explore-ipi';
import { type MessagesEncoding, RUN_MESSAGES, SENDER_KINDS, variantOf, type SenderKind } from './handshake';
import { PAIR_VERDICTS } from './pair-verdicts.generated';

/** The table's key of an unordered pair of kinds: the two in SENDER_KINDS order, joined by '+'. */
export function pairKey(a: SenderKind, c: SenderKind): string {
  const [x, y] = SENDER_KINDS.indexOf(a) <= SENDER_KINDS.indexOf(c) ? [a, c] : [c, a];
  return `${x}+${y}`;
}

/** Every unordered pair of sender kinds (same-kind pairs included), in table order. */
export const SENDER_PAIRS: readonly (readonly [SenderKind, SenderKind])[] = SENDER_KINDS.flatMap((a, i) => SENDER_KINDS.slice(i).map((c) => [a, c] as const));

/** The explorer's verdict on one pair: can a target with two senders of these kinds end with work stranded? */
export function explorePair(b: Barriers, a: SenderKind, c: SenderKind, messages: MessagesEncoding = RUN_MESSAGES): boolean {
  const [x, y] = pairKey(a, c).split('+') as SenderKind[];
  return exploreIpi(b, { target: 'T', senders: [{ cpu: 'S0', kind: x }, { cpu: 'S1', kind: y }] }, { witnessText: false, firstLoss: true, messages }).lostIpiReachable;
}

/** The generated verdict (pair-verdicts.generated.ts): whether two IPIs of these kinds to one target can strand anything in this variant. */
export function pairCanLose(b: Barriers, a: SenderKind, c: SenderKind): boolean {
  const v = PAIR_VERDICTS[variantOf(b)]?.[pairKey(a, c)];
  if (v === undefined) throw new Error(`pair-verdicts.generated.ts has no verdict for ${variantOf(b)} ${pairKey(a, c)}: run \`npm run figures\``);
  return v;
}
