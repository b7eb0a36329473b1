/**
 * A deterministic stand-in for a running simulation, for the live-update benchmark: the
 * `runs` bridge events (onRunProgress, onRunUpdate) a run of the big workspace would push at
 * 10/s — per-CPU busy fractions drifting, guest CPUs, a few CPUs spinning on a lost IPI or a
 * lock (so lost-IPI and lock-wait edges come and go), log lines and guest exits.
 */
import type { RunLiveUpdate, RunProgress } from '../../../src-common/bridge/areas/runs';
import type { ClientPort, EventMessage } from '../../../src-common/bridge/protocol';

/** A bridge port that answers every request with null and lets the harness push events. */
export function fakePort(): { port: ClientPort; emit(event: string, payload: unknown): void } {
  const listeners = new Set<(msg: EventMessage) => void>();
  return {
    port: {
      request: async (req) => ({ id: req.id, ok: true, value: null }),
      onEvent: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
    emit: (event, payload) => {
      for (const l of listeners) l({ event, payload });
    },
  };
}

/** Small LCG: the same updates every time. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export class FakeRun {
  readonly runId = 1;
  #rand = lcg(7);
  #busy: number[];
  #spinning = new Map<number, string>();
  #tick = 0;
  #ipis = 0;
  #lost = 0;
  #exits: Record<string, number>;

  constructor(
    readonly cpus: number,
    readonly guests: string[],
    /** CPUs running guests' vCPUs. */
    readonly guestCpus: ReadonlySet<number>,
  ) {
    this.#busy = Array.from({ length: cpus }, () => this.#rand());
    this.#exits = Object.fromEntries(guests.map((g) => [g, 0]));
  }

  progress(): RunProgress {
    const simNs = this.#tick * 100_000_000;
    return { runId: this.runId, workspaceId: 1, state: 'running', simNs, durationNs: 3600e9, wallSeconds: this.#tick / 10, etaSeconds: 100, speed: 1 };
  }

  /** The next update (0.1 simulated s later). */
  next(): RunLiveUpdate {
    const r = this.#rand;
    this.#tick++;
    const t = this.#tick / 10;
    for (let i = 0; i < this.cpus; i++) this.#busy[i] = Math.min(1, Math.max(0, this.#busy[i] + (r() - 0.5) * 0.2));
    // Every second or so a spinner starts or stops: 4–12 spin at a time, on a lost IPI or a lock.
    const newLockups: RunLiveUpdate['newLockups'] = [];
    if (this.#tick % 10 === 0 || this.#spinning.size < 4) {
      const cpu = Math.floor(r() * this.cpus);
      const target = Math.floor(r() * this.cpus);
      const waitingOn = r() < 0.6 ? `csd_lock_wait(cpu ${target})` : `spinlock mm(vm${target % 8}).page_table_lock held by CPU ${target}`;
      if (cpu !== target) {
        this.#spinning.set(cpu, waitingOn);
        newLockups.push({ t, cpu, kind: 'soft_lockup', waitingOn });
      }
    }
    if (this.#spinning.size > 12 || (this.#tick % 17 === 0 && this.#spinning.size)) this.#spinning.delete(this.#spinning.keys().next().value!);
    const state = Array.from({ length: this.cpus }, (_, i) => (this.#spinning.has(i) ? 'spinning' : this.guestCpus.has(i) ? 'guest' : this.#busy[i] > 0.1 ? 'host' : 'idle'));
    this.#ipis += Math.floor(2000 + r() * 500);
    if (r() < 0.05) this.#lost++;
    for (const g of this.guests) this.#exits[g] += Math.floor(500 + r() * 300);
    const newLog = newLockups.map((l) => ({ t, text: `[${t.toFixed(6)}] watchdog: BUG: soft lockup - CPU#${l.cpu} stuck for 22s! [worker:${l.cpu}]` }));
    return {
      runId: this.runId,
      simNs: this.#tick * 100_000_000,
      cpus: { state, busy: [...this.#busy] },
      counters: { broadcasts: this.#tick, ipisSent: this.#ipis, lostIpis: this.#lost, lockups: this.#spinning.size, logLines: this.#tick },
      newLog,
      newLockups,
      guestExits: { ...this.#exits },
      samples: [],
    };
  }
}
