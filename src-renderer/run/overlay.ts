/**
 * What the live run puts on the topology drawing, computed from the latest per-CPU state and
 * what the lockup detectors said each CPU waits on: fill colour by busy fraction, guest CPUs
 * marked, spinning CPUs and the CPU holding what they wait for, lost IPIs as edges from the
 * stuck sender to the target whose CALL_FUNCTION was lost.
 */
export type WaitTarget = { kind: 'ipi'; target: number } | { kind: 'lock'; lock: string; holder: number };

/** Parses the detectors' `waitingOn`: `csd_lock_wait(cpu 42)` or `spinlock L held by CPU 47` (also `sleeping lock …`). */
export function parseWaitingOn(s: string): WaitTarget | null {
  const csd = /csd_lock_wait\(cpu (\d+)\)/.exec(s);
  if (csd) return { kind: 'ipi', target: Number(csd[1]) };
  const lock = /^(?:spinlock|sleeping lock) (.+) held by CPU (\d+)$/.exec(s);
  if (lock) return { kind: 'lock', lock: lock[1], holder: Number(lock[2]) };
  return null;
}

/**
 * Busy fraction 0..1 → a colour from near white (idle) to deep teal (saturated). A calm scale,
 * so the alarm colours (red lost IPIs, orange spinners, purple holders) stand out on it.
 */
export function busyColour(f: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0));
  const light = Math.round(96 - 50 * x);
  return `hsl(185, 60%, ${light}%)`;
}

export interface Overlay {
  fills: { cpu: number; colour: string; busy: number }[];
  /** CPUs running a guest's vCPU. */
  inGuest: number[];
  /** Spinning CPUs and what they wait on (when a detector said so). */
  spinning: { cpu: number; on: string | null }[];
  /** CPUs holding a lock others spin on (or a lost IPI's target). */
  holders: { cpu: number; what: string }[];
  lostIpis: { from: number; to: number }[];
  lockWaits: { from: number; to: number; lock: string }[];
}

export function overlayOf(cpus: { state: readonly string[]; busy: readonly number[] }, waiting: ReadonlyMap<number, string>): Overlay {
  const out: Overlay = { fills: [], inGuest: [], spinning: [], holders: [], lostIpis: [], lockWaits: [] };
  const holders = new Map<number, string>();
  cpus.state.forEach((state, cpu) => {
    const busy = cpus.busy[cpu] ?? 0;
    out.fills.push({ cpu, colour: busyColour(busy), busy });
    if (state === 'guest') out.inGuest.push(cpu);
    if (state !== 'spinning') return;
    const on = waiting.get(cpu) ?? null;
    out.spinning.push({ cpu, on });
    const w = on ? parseWaitingOn(on) : null;
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
