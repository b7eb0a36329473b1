import type { Host } from '../../../src-common/workspace';

/**
 * Linux CPU numbering of a POWER9 host (docs/architecture.md §3.1): the threads of a core are consecutive,
 * cpu = globalCore × threadsPerCore + thread; cores are numbered socket by socket; one NUMA node
 * per socket.
 */
export interface CpuPlace {
  cpu: number;
  socket: number;
  /** Core number across the whole host. */
  core: number;
  thread: number;
}

export class HostTopology {
  readonly threadsPerCore: number;
  readonly cores: number;
  readonly cpuCount: number;
  private readonly coreSocket: number[] = [];

  constructor(host: Pick<Host, 'threadsPerCore' | 'sockets'>) {
    this.threadsPerCore = host.threadsPerCore;
    host.sockets.forEach((s, i) => {
      for (let c = 0; c < s.cores; c++) this.coreSocket.push(i);
    });
    this.cores = this.coreSocket.length;
    this.cpuCount = this.cores * this.threadsPerCore;
  }

  cpu(core: number, thread: number): number {
    if (core < 0 || core >= this.cores) throw new Error(`core ${core} does not exist (host has cores 0-${this.cores - 1})`);
    if (thread < 0 || thread >= this.threadsPerCore) throw new Error(`thread ${thread} does not exist (SMT${this.threadsPerCore})`);
    return core * this.threadsPerCore + thread;
  }

  place(cpu: number): CpuPlace {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpuCount) throw new Error(`CPU ${cpu} does not exist (host has CPUs 0-${this.cpuCount - 1})`);
    const core = Math.floor(cpu / this.threadsPerCore);
    return { cpu, socket: this.coreSocket[core], core, thread: cpu % this.threadsPerCore };
  }

  coreOf(cpu: number): number {
    return this.place(cpu).core;
  }

  /** The CPUs of a socket (its NUMA node), ascending. */
  socketCpus(socket: number): number[] {
    const out: number[] = [];
    for (let cpu = 0; cpu < this.cpuCount; cpu++) if (this.coreSocket[Math.floor(cpu / this.threadsPerCore)] === socket) out.push(cpu);
    return out;
  }
}
