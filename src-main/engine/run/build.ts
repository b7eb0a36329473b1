import { llcDomains, type Workload, type Workspace } from '../../../src-common/workspace';
import { parseStressCommand } from '../stress/parse';
import { Simulation, type ParamValues } from '../core';
import { resolveParams } from '../params';
import { type Barriers, type FabricFactory, type IpiFabric, type Lockup, type LostIpi } from '../ipi/fabric';
import { createPowerFabric, PowerIpiFabric } from '../ipi/power-fabric';
import { HostKernel } from '../power9/host-kernel';
import { describeWait } from '../power9/tasks';
import { callTrace } from '../power9/call-trace';
import { CpuStates } from '../power9/cpus';
import { HostTopology } from '../power9/topology';
import { lineDistance, SpinHandover } from '../power9/spin-handover';
import { mmuWarnings, placementWarnings } from '../kvm/guest';
import { Machine } from './machine';
import { runProblems } from './validate';

/** `kernel.barriers` on the command line: the seed's barrier sets (docs/architecture.md §3.4). */
export const BARRIER_SETS: Record<string, Barriers> = {
  none: { beforeSet: false, afterClear: false },
  set: { beforeSet: true, afterClear: false },
  clear: { beforeSet: false, afterClear: true },
  both: { beforeSet: true, afterClear: true },
};

export function barriersName(b: Barriers): string {
  return Object.entries(BARRIER_SETS).find(([, v]) => v.beforeSet === b.beforeSet && v.afterClear === b.afterClear)![0];
}

export interface RunOptions {
  seed: number;
  /** `--set KEY=VALUE` overrides (checked against the registry; `kernel.barriers` handled here). */
  set?: ParamValues;
  /** The IPI model: default the POWER handshake fabric (ipi/power-fabric.ts); the placeholder always delivers. */
  fabric?: FabricFactory;
}

/** The run summary (`twb run --json`); see README "Run summary JSON". */
export interface RunSummary {
  workspace: string;
  seed: number;
  barriers: string;
  simulatedSeconds: number;
  wallSeconds: number;
  /** `stopped-at`: ended at its `--until` condition or time (`stoppedAt` says which and when). */
  status: 'finished' | 'failed' | 'cancelled' | 'stopped-at';
  error?: string;
  /** Status `stopped-at`: the condition (or `time`) and the simulated second it was met. */
  stoppedAt?: { condition: string; t: number };
  lostIpis: number;
  ipis: { sent: number; delivered: number; broadcasts: number };
  log: { t: number; text: string }[];
  cpus: { cpu: number; busy: number; state: string }[];
  /** Exit counts per reason, and the same as mean rates per simulated second. */
  guests: { name: string; mmu: string; exits: Record<string, number>; exitsPerSecond?: Record<string, number> }[];
  lockups: Lockup[];
  /** Every lost IPI: when, where, its kind, the kinds it raced, whose it was (absent in summaries of older runs). */
  losses?: LostIpi[];
  /** Lost IPIs by the kind of the IPI or kick they raced. */
  lostByPartner?: Record<(typeof PARTNER_KINDS)[number], number>;
  /** Tasks stuck at the end of the run: spinning, blocked (D state) or waking. */
  stuckTasks?: { task: string; state: string; waitingOn: string; since: number; callTrace?: string[] }[];
  warnings: string[];
  params: ParamValues;
  trace: { digest: string; events: number };
}

/** The partner kinds the summary counts losses by. */
export const PARTNER_KINDS = ['KICK', 'RESCHEDULE', 'CALL_FUNCTION', 'CALL_FUNCTION_SINGLE'] as const;

export interface BuiltRun {
  sim: Simulation;
  cpus: CpuStates;
  fabric: IpiFabric;
  machine: Machine;
  kernel: HostKernel;
  topo: HostTopology;
  warnings: string[];
  summary(extra: { wallSeconds: number; status?: RunSummary['status']; error?: string; stoppedAt?: RunSummary['stoppedAt'] }): RunSummary;
}

/** `--set workloads.TARGET=…`: replaces the stress command line(s) of a guest or the host; `none` removes them. */
export const WORKLOAD_OVERRIDE_PREFIX = 'workloads.';

/** The workloads with TARGET's command replaced (in place of its first one) or, for `none`/empty, removed. */
function overrideWorkload(ws: Workspace, workloads: Workload[], key: string, value: unknown): Workload[] {
  const target = key.slice(WORKLOAD_OVERRIDE_PREFIX.length);
  if (target !== 'host' && !ws.guests.some((g) => g.name === target))
    throw new Error(`${key}: no guest named '${target}' (expected 'host' or one of: ${ws.guests.map((g) => g.name).join(', ')})`);
  const command = String(value).trim();
  const idle = command === '' || command === 'none';
  if (!idle) {
    try {
      parseStressCommand(command);
    } catch (e) {
      throw new Error(`${key}: ${(e as Error).message}`, { cause: e });
    }
  }
  const at = workloads.findIndex((w) => w.target === target);
  const rest = workloads.filter((w) => w.target !== target);
  if (idle) return rest;
  rest.splice(at < 0 ? rest.length : at, 0, { target, command });
  return rest;
}

/**
 * Splits run overrides into model parameters and workspace changes: the kernel variant
 * (`kernel.barriers`) and workload command lines (`workloads.TARGET`).
 */
export function applyOverrides(ws: Workspace, set: ParamValues = {}): { ws: Workspace; params: ParamValues } {
  const params: ParamValues = {};
  let kernel = ws.kernel;
  let workloads = ws.workloads;
  for (const [k, v] of Object.entries(set)) {
    if (k === 'kernel.barriers') {
      const b = BARRIER_SETS[String(v)];
      if (!b) throw new Error(`kernel.barriers: expected one of ${Object.keys(BARRIER_SETS).join(', ')}, got ${JSON.stringify(v)}`);
      kernel = { barriers: { ...b } };
    } else if (k.startsWith(WORKLOAD_OVERRIDE_PREFIX)) workloads = overrideWorkload(ws, workloads, k, v);
    else params[k] = v;
  }
  return { ws: { ...ws, kernel, workloads }, params };
}

/** Who takes a released spinlock: the race for its line on this host's cache topology. */
function spinHandover(sim: Simulation, ws: Workspace, topo: HostTopology): SpinHandover {
  const p = sim.params;
  const sockets = Array.from({ length: topo.cpuCount }, (_, cpu) => topo.place(cpu).socket);
  const distance = lineDistance(llcDomains(ws.host, p.values), sockets, {
    slice: p.get('host.cache.llc_transfer_ns'),
    chip: p.get('host.cache.chip_transfer_ns'),
    remote: p.get('host.cache.remote_transfer_ns'),
  });
  return new SpinHandover(distance, p.get('host.spinlock.poll_ns'), sim.rng('kernel.spinlock'));
}

export function buildRun(workspace: Workspace, opts: RunOptions): BuiltRun {
  const problems = runProblems(workspace);
  if (problems.length) throw new Error(problems[0].message + (problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''));
  const { ws, params: runParams } = applyOverrides(workspace, opts.set);
  const params = resolveParams(ws.params, runParams);
  const sim = new Simulation({ seed: opts.seed, params });
  const topo = new HostTopology(ws.host);
  const cpus = new CpuStates(topo.cpuCount);
  const kernel = new HostKernel(cpus, () => sim.now, spinHandover(sim, ws, topo));
  const fabric = (opts.fabric ?? createPowerFabric)({ sim, cpus, kernel, barriers: ws.kernel.barriers });
  const machine = new Machine(sim, ws, topo, cpus, kernel, fabric);
  if (fabric instanceof PowerIpiFabric)
    fabric.detectors.history = { idleEntries: (c) => machine.history(c).idleEntries, rcuSoftirqs: (c) => machine.history(c).rcuSoftirqs };
  const warnings = ws.guests.flatMap((g) => [...placementWarnings(g, topo), ...mmuWarnings(g)]);
  sim.add(machine);
  sim.add(fabric);
  for (const w of warnings) sim.printk(`KVM: ${w}`);
  // What this run changed: model parameters (from the workspace or --set) and workload command lines.
  const changed = {
    ...Object.fromEntries(Object.entries(params.values).filter(([k]) => k in workspace.params || k in runParams)),
    ...Object.fromEntries(Object.entries(opts.set ?? {}).filter(([k]) => k.startsWith(WORKLOAD_OVERRIDE_PREFIX))),
  };
  return {
    sim,
    cpus,
    fabric,
    machine,
    kernel,
    topo,
    warnings,
    summary: ({ wallSeconds, status = 'finished', error, stoppedAt }) => {
      const busy = machine.busy();
      fabric.settle();
      const st = fabric.stats();
      return {
        workspace: ws.name,
        seed: opts.seed,
        barriers: barriersName(ws.kernel.barriers),
        simulatedSeconds: sim.now / 1e9,
        wallSeconds,
        status,
        ...(error ? { error } : {}),
        ...(stoppedAt ? { stoppedAt } : {}),
        lostIpis: st.lost,
        ipis: { sent: st.sent, delivered: st.delivered, broadcasts: st.broadcasts },
        log: sim.log.lines.map((l) => ({ t: l.timeNs / 1e9, text: l.text })),
        cpus: busy.map((b, cpu) => ({ cpu, busy: Math.round(b * 1e6) / 1e6, state: cpus.get(cpu).kind })),
        guests: machine.exitCounts().map((g) => ({
          ...g,
          exitsPerSecond: Object.fromEntries(Object.entries(g.exits).map(([k, v]) => [k, sim.now > 0 ? Math.round((v / (sim.now / 1e9)) * 10) / 10 : 0])),
        })),
        lockups: fabric.lockups(),
        losses: fabric.losses(),
        lostByPartner: Object.fromEntries(PARTNER_KINDS.map((k) => [k, fabric.losses().filter((l) => l.partners.includes(k)).length])) as NonNullable<RunSummary['lostByPartner']>,
        stuckTasks: machine
          .taskEntities()
          .filter((t) => t.state.kind !== 'active')
          .map((t) => {
            const st = t.state;
            const run = kernel.runOf(t);
            const trace = run ? callTrace(t, run) : null;
            return { task: t.label, state: st.kind, waitingOn: st.kind === 'spinning' || st.kind === 'blocked' ? describeWait(st.on) : st.kind === 'waking' ? `wake_list of cpu ${st.cpu}` : '', since: st.kind === 'active' ? 0 : st.since / 1e9, ...(trace ? { callTrace: trace } : {}) };
          }),
        warnings,
        params: changed,
        trace: { digest: sim.trace.digest, events: sim.trace.count },
      };
    },
  };
}
