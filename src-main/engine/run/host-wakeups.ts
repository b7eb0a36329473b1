/**
 * Host scheduler wakeups that land on CPUs running vCPUs (docs/architecture.md §3.3–3.4). A host task
 * that sleeps and wakes (a QEMU io worker on each block completion, a host stress io worker
 * when its writeback completes, ksmd every sleep_millisecs) is placed by select_task_rq_fair;
 * usually on an idle CPU, but a fraction lands on a busy CPU, and if that CPU runs a vCPU the
 * waker sends it a RESCHEDULE IPI — a host IPI with host_ipi set, which is what the seed's
 * second reordering (and the `set` variant's remaining race) needs next to a CALL_FUNCTION.
 */
import type { IpiStream } from '../ipi/fabric';
import type { CpuState } from '../power9/cpus';
import type { HostTopology } from '../power9/topology';

/** Host wakeups at a rate, issued from CPU `from` (the IRQ or timer CPU that wakes the task). */
export interface WakeSource {
  from: number;
  ratePerSec: number;
  why: string;
}

/**
 * RESCHEDULE streams to CPUs in guest mode: each source's wakeups × `fraction`, spread evenly
 * over the CPUs in guest mode on the waker's socket (other than the waker). Wakeups landing on
 * idle or host CPUs are not streamed: a target in the host handles every doorbell.
 */
export function wakeupStreams(sources: readonly WakeSource[], states: readonly CpuState[], topo: HostTopology, fraction: number): IpiStream[] {
  if (fraction <= 0) return [];
  const guestCpus = new Map<number, number[]>();
  const inGuest = (socket: number): number[] => {
    let list = guestCpus.get(socket);
    if (!list) guestCpus.set(socket, (list = topo.socketCpus(socket).filter((c) => states[c].kind === 'guest')));
    return list;
  };
  const out: IpiStream[] = [];
  for (const s of sources) {
    if (s.ratePerSec <= 0) continue;
    const targets = inGuest(topo.place(s.from).socket).filter((c) => c !== s.from);
    for (const to of targets) out.push({ kind: 'reschedule', from: s.from, to, ratePerSec: (s.ratePerSec * fraction) / targets.length, why: `${s.why} woken onto a CPU running a vCPU` });
  }
  return out;
}
