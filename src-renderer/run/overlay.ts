/**
 * What the live run puts on the topology drawing, computed from the latest per-CPU state and
 * what the lockup detectors said each CPU waits on: fill colour by busy fraction, guest CPUs
 * marked, spinning CPUs and the CPU holding what they wait for, lost IPIs as edges from the
 * stuck sender to the target whose CALL_FUNCTION was lost.
 */
export type WaitTarget = { kind: 'ipi'; target: number } | { kind: 'lock'; lock: string; holder: number };

/** Parses the detectors' `waitingOn`: `csd_lock_wait(cpu 42)` or `spinlock L held by CPU 47` (also `sleeping lock …`). */
export function parseWaitingOn(s: string, cpuOfTask?: ReadonlyMap<string, number>): WaitTarget | null {
  const csd = /csd_lock_wait\(cpu (\d+)\)/.exec(s);
  if (csd) return { kind: 'ipi', target: Number(csd[1]) };
  const lock = /^(?:spinlock|sleeping lock|down_read|down_write) (.+) held by (.+)$/.exec(s);
  if (!lock) return null;
  // The detectors name the holder task (`held by worker:19558`, power9/tasks.ts describeWait);
  // older runs named its CPU. A task is drawn at the CPU it is on, when that is known.
  const byCpu = /^CPU (\d+)$/.exec(lock[2]);
  if (byCpu) return { kind: 'lock', lock: lock[1], holder: Number(byCpu[1]) };
  for (const task of lock[2].split(',')) {
    const cpu = cpuOfTask?.get(task);
    if (cpu !== undefined) return { kind: 'lock', lock: lock[1], holder: cpu };
  }
  return null;
}

/** Task label → the CPU it is on: from CPU states with tasks (a replay) and from lockup reports. */
export function cpusOfTasks(tasks: readonly (string | null)[] | undefined, lockups: Iterable<{ cpu: number; task?: string | null; kind?: string }> = []): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lockups) if (l.task && l.kind !== 'hung_task') out.set(l.task, l.cpu);
  tasks?.forEach((t, cpu) => t && out.set(t, cpu));
  return out;
}

/**
 * Busy fractions are drawn in this many shades, not one colour per value: a few shades read
 * better than a continuum, and the drawing changes only when a CPU moves to another shade.
 */
export const BUSY_LEVELS = 8;

/** Busy fraction 0..1 → shade 0 (idle) .. BUSY_LEVELS - 1 (saturated); NaN counts as idle. */
export function busyLevel(f: number): number {
  const x = Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0));
  return Math.min(BUSY_LEVELS - 1, Math.floor(x * BUSY_LEVELS));
}

export interface Overlay {
  /** Every CPU's busy fraction and its shade. */
  fills: { cpu: number; busy: number; level: number }[];
  /** CPUs running a guest's vCPU. */
  inGuest: number[];
  /** Spinning CPUs and what they wait on (when a detector said so). */
  spinning: { cpu: number; on: string | null }[];
  /** CPUs holding a lock others spin on (or a lost IPI's target). */
  holders: { cpu: number; what: string }[];
  lostIpis: { from: number; to: number }[];
  lockWaits: { from: number; to: number; lock: string }[];
}

export function overlayOf(cpus: { state: readonly string[]; busy: readonly number[] }, waiting: ReadonlyMap<number, string>, cpuOfTask?: ReadonlyMap<string, number>): Overlay {
  const out: Overlay = { fills: [], inGuest: [], spinning: [], holders: [], lostIpis: [], lockWaits: [] };
  const holders = new Map<number, string>();
  cpus.state.forEach((state, cpu) => {
    const busy = cpus.busy[cpu] ?? 0;
    out.fills.push({ cpu, busy, level: busyLevel(busy) });
    if (state === 'guest') out.inGuest.push(cpu);
    if (state !== 'spinning') return;
    const on = waiting.get(cpu) ?? null;
    out.spinning.push({ cpu, on });
    const w = on ? parseWaitingOn(on, cpuOfTask) : null;
    if (w?.kind === 'ipi') {
      out.lostIpis.push({ from: cpu, to: w.target });
      holders.set(w.target, holders.get(w.target) ?? 'lost CALL_FUNCTION');
    } else if (w?.kind === 'lock') {
      out.lockWaits.push({ from: cpu, to: w.holder, lock: w.lock });
      holders.set(w.holder, w.lock);
    }
  });
  out.holders = [...holders].sort((a, b) => a[0] - b[0]).map(([cpu, what]) => ({ cpu, what }));
  return out;
}

/** How a CPU's node is marked. */
export type CpuMark = 'guest' | 'spinning' | 'holder';

/** The mark of each marked CPU; a later kind wins (a spinning guest CPU shows as spinning, a spinning holder as holder). */
export function cpuMarks(o: Overlay): Map<number, CpuMark> {
  const out = new Map<number, CpuMark>();
  for (const cpu of o.inGuest) out.set(cpu, 'guest');
  for (const s of o.spinning) out.set(s.cpu, 'spinning');
  for (const h of o.holders) out.set(h.cpu, 'holder');
  return out;
}

/**
 * Busy shade → fill: a calm teal scale (near white → deep teal on the light theme, near black →
 * teal on the dark), so the alarm colours stand out on it; the label keeps ≥ 4.5:1 contrast.
 */
export function shadeColour(level: number, theme: 'light' | 'dark'): string {
  const x = level / (BUSY_LEVELS - 1);
  return theme === 'light' ? `hsl(185, 60%, ${Math.round(96 - 50 * x)}%)` : `hsl(185, 60%, ${Math.round(10 + 20 * x)}%)`;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where a segment from the centre of `from` toward the centre of `to` leaves box `b` (for arrow ends). */
export function exitPoint(b: Box, toward: { x: number; y: number }): { x: number; y: number } {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  const dx = toward.x - cx;
  const dy = toward.y - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const s = Math.min(dx === 0 ? Infinity : b.w / 2 / Math.abs(dx), dy === 0 ? Infinity : b.h / 2 / Math.abs(dy));
  return { x: cx + dx * Math.min(1, s), y: cy + dy * Math.min(1, s) };
}
