/**
 * Replaying a run on the drawing (issue 16): the per-CPU state changes a run stores
 * (engine/run/timeline.ts), the lockups and the lost IPIs, turned into the overlay's input as it
 * was at any simulated time, and the timeline's markers. What a CPU waits on at time t is what
 * the detectors had reported by t for a CPU still spinning then — the live overlay's rule.
 */
import { TIMELINE_STATES, type RunLockup, type RunLostIpi, type RunTimelineChanges } from '../../src-common/bridge/areas/runs';

export interface Replay {
  timeline: RunTimelineChanges;
  lockups: readonly RunLockup[];
  losses: readonly RunLostIpi[];
  /** The run's simulated end (ns). */
  endNs: number;
  /** Changes after this time are missing (the run outgrew the timeline's bound). */
  truncatedAtNs: number | null;
}

export interface CpuAt {
  state: string[];
  busy: number[];
  task: (string | null)[];
}

/** Index of the first change later than tNs (changes are in time order). */
function upperBound(t: readonly number[], tNs: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] <= tNs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every CPU's state, busy fraction and task at `tNs` (CPUs never mentioned yet are idle). */
export function cpusAt(r: Replay, tNs: number): CpuAt {
  const tl = r.timeline;
  const n = tl.cpu.reduce((m, c) => Math.max(m, c + 1), 0);
  const out: CpuAt = { state: new Array<string>(n).fill('idle'), busy: new Array<number>(n).fill(0), task: new Array<string | null>(n).fill(null) };
  const end = upperBound(tl.tNs, tNs);
  for (let i = 0; i < end; i++) {
    const c = tl.cpu[i];
    out.state[c] = TIMELINE_STATES[tl.state[i]] ?? 'idle';
    out.busy[c] = tl.busy[i] / 255;
    out.task[c] = tl.task[i] >= 0 ? (tl.tasks[tl.task[i]] ?? null) : null;
  }
  return out;
}

/** What each spinning CPU waits on at `tNs`, as reported by then. */
export function waitingAt(r: Replay, tNs: number, state: readonly string[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of r.lockups) if (l.kind !== 'hung_task' && Math.round(l.t * 1e9) <= tNs) out.set(l.cpu, l.waitingOn);
  for (const cpu of [...out.keys()]) if (state[cpu] !== 'spinning') out.delete(cpu);
  return out;
}

export type MarkerKind = 'lost-ipi' | 'soft-lockup' | 'rcu-stall' | 'hung-task';

export interface Marker {
  tNs: number;
  kind: MarkerKind;
  label: string;
  /** For a lost IPI: its index in `losses`. */
  loss?: number;
}

const FIRST: Record<string, [MarkerKind, string]> = { soft_lockup: ['soft-lockup', 'first soft lockup'], rcu_stall: ['rcu-stall', 'first RCU stall'], hung_task: ['hung-task', 'first hung task'] };

/** Each lost IPI, and the first soft lockup, RCU stall and hung task, in time order. */
export function markersOf(r: Replay): Marker[] {
  const out: Marker[] = r.losses.map((l, i) => ({ tNs: Math.round(l.t * 1e9), kind: 'lost-ipi', label: `lost ${l.kind} to CPU ${l.cpu}`, loss: i }));
  const seen = new Set<string>();
  for (const l of r.lockups) {
    const f = FIRST[l.kind];
    if (!f || seen.has(l.kind)) continue;
    seen.add(l.kind);
    out.push({ tNs: Math.round(l.t * 1e9), kind: f[0], label: `${f[1]}: CPU ${l.cpu}${l.task ? ` [${l.task}]` : ''}` });
  }
  return out.sort((a, b) => a.tNs - b.tNs || a.kind.localeCompare(b.kind));
}

/** The marker after (dir 1) or before (dir −1) `tNs`; null at the ends. */
export function stepMarker(markers: readonly Marker[], tNs: number, dir: 1 | -1): Marker | null {
  if (dir === 1) return markers.find((m) => m.tNs > tNs) ?? null;
  for (let i = markers.length - 1; i >= 0; i--) if (markers[i].tNs < tNs) return markers[i];
  return null;
}

/** The lost IPI an arrow from `from` to `to` stands for at `tNs`: the latest loss to `to` by then (its sender's CPU preferred). */
export function lossForArrow(r: Replay, from: number, to: number, tNs: number): number | null {
  let best: number | null = null;
  r.losses.forEach((l, i) => {
    if (l.cpu !== to || Math.round(l.t * 1e9) > tNs) return;
    if (best === null || l.senderCpu === from || r.losses[best].senderCpu !== from) best = i;
  });
  return best;
}

export interface CpuStrip {
  /** Segments of one state: [fromNs, toNs). */
  segments: { fromNs: number; toNs: number; state: string }[];
  /** Mean busy fraction over [0, tNs]. */
  meanBusy: number;
}

/** One CPU's states over the run up to `endNs` (for the diagnosis strip), and its mean busy fraction up to `tNs`. */
export function cpuStrip(r: Replay, cpu: number, tNs: number): CpuStrip {
  const tl = r.timeline;
  const segments: CpuStrip['segments'] = [];
  let busyNs = 0;
  let last: { t: number; busy: number } | null = null;
  for (let i = 0; i < tl.tNs.length; i++) {
    if (tl.cpu[i] !== cpu) continue;
    const t = tl.tNs[i];
    const state = TIMELINE_STATES[tl.state[i]] ?? 'idle';
    const prev = segments.at(-1);
    if (prev) prev.toNs = t;
    if (last && t > last.t) busyNs += (Math.min(t, tNs) - Math.min(last.t, tNs)) * last.busy;
    last = { t, busy: tl.busy[i] / 255 };
    if (prev && prev.state === state) prev.toNs = r.endNs;
    else segments.push({ fromNs: t, toNs: r.endNs, state });
  }
  if (last && tNs > last.t) busyNs += (tNs - last.t) * last.busy;
  return { segments: segments.filter((s) => s.toNs > s.fromNs), meanBusy: tNs > 0 ? busyNs / tNs : 0 };
}

/**
 * The `Call Trace:` of a CPU stuck at `tNs`: the latest soft-lockup report for it at or before
 * then, while the CPU has spun without a break since before that report (the kernel printed it
 * for this very spin); null when it is not spinning or not reported yet.
 */
export function callTraceAt(r: Replay, cpu: number, tNs: number): { frames: string[]; report: RunLockup } | null {
  let report: RunLockup | null = null;
  for (const l of r.lockups) if (l.cpu === cpu && l.kind === 'soft_lockup' && l.callTrace?.length && Math.round(l.t * 1e9) <= tNs) report = l;
  if (!report) return null;
  // The CPU's last change at or before tNs must be a spin that began no later than the report.
  const tl = r.timeline;
  const end = upperBound(tl.tNs, tNs);
  let since: number | null = null;
  for (let i = end - 1; i >= 0; i--) {
    if (tl.cpu[i] !== cpu) continue;
    if (TIMELINE_STATES[tl.state[i]] !== 'spinning') break;
    since = tl.tNs[i];
  }
  if (since === null || since > Math.round(report.t * 1e9)) return null;
  return { frames: report.callTrace!, report };
}
