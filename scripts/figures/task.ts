/**
 * One simulation for `npm run figures`, on a worker thread (piscina): a run of a workspace (as is,
 * or with one guest's libvirt placement changed), a sweep's run, an MHI loopback transfer, a
 * batch of IPI episodes (one cell of the "why" tables), or the explorer on one pair of IPIs (an
 * entry of the fabric's pair-verdict table), boiled down to the figures the tables show. Pure: same
 * spec, same result.
 */
import { createHash } from 'node:crypto';
import { loadWorkspace } from '../../src-main/host/workspace/load';
import { buildRun, PARTNER_KINDS } from '../../src-main/engine/run/build';
import { runLoopback } from '../../src-main/engine/mhi/loopback-run';
import { parseWorkspace, type Guest } from '../../src-common/workspace';
import { Rng, type ParamValues } from '../../src-main/engine/core';
import { runEpisode } from '../../src-main/engine/ipi/episode';
import { barriersOf, type BarrierVariant, type SenderKind } from '../../src-main/engine/ipi/handshake';
import { explorePair } from '../../src-main/engine/ipi/pair-verdicts';
import { episodeTiming, interactionWindow } from '../../src-main/engine/ipi/power-fabric';
import { resolveParams } from '../../src-main/engine/params';
import { runSweepJob, type SweepRunResult } from '../../src-main/host/sweep/job';
import { recordTimeline } from '../../src-main/host/history/timeline-sample';

export type FigureJob =
  | { kind: 'run'; workspace: string; seed: number; set: ParamValues; hours: number }
  | { kind: 'loopback'; bytes: number; mtu: number; ring: number; seed: number; pcieGen: number; pcieWidth: number }
  | { kind: 'placement'; workspace: string; seed: number; set: ParamValues; hours: number; guest: string; placement: Partial<Pick<Guest, 'emulatorpin' | 'iothreads' | 'iothreadpin' | 'numatune'>> }
  | { kind: 'episodes'; set: Record<string, string>; partner: EpisodePartner; variant: BarrierVariant; episodes: number }
  | { kind: 'sweep-run'; workspace: string; set: ParamValues; seed: number; hours: number; until: string | null }
  | { kind: 'timeline'; workspace: string; seed: number; set: Record<string, string>; hours: number }
  | { kind: 'pair-verdict'; variant: BarrierVariant; kinds: [SenderKind, SenderKind] };

/** The IPI a CALL_FUNCTION meets in an episode batch. */
export type EpisodePartner = 'RESCHEDULE' | 'RESCHEDULE_WAKE' | 'KICK';

export interface EpisodeFigures {
  /** Episodes in which an IPI was lost (work left queued on the target). */
  lost: number;
}

export interface RunFigures {
  firstSoftLockup: number | null;
  lostIpis: number;
  ipisSent: number;
  broadcasts: number;
  softLockups: number;
  hungTasks: number;
  /** Lost IPIs by the kind of IPI they raced (run summary `lostByPartner`). */
  lostByPartner: Record<(typeof PARTNER_KINDS)[number], number>;
  /** Tasks still spinning or blocked at the end. */
  stuckTasks: number;
  trace: string;
}

export interface LoopbackFigures {
  throughputMBps: number;
  bytesRead: number;
  intact: boolean;
  trace: string;
}

/** Host IPIs (not KVM's kicks) reaching the guest's vCPU CPUs, and its doorbell exits, per simulated second. */
export interface PlacementFigures {
  hostIpisPerSec: number;
  doorbellExitsPerSec: number;
  trace: string;
}

/** A run's stored per-CPU timeline: encoded bytes and state changes. */
export interface TimelineFigures {
  bytes: number;
  changes: number;
}

/** The explorer's verdict on one pair of IPIs to a target (pair-verdicts.ts). */
export interface PairVerdictFigures {
  canLose: boolean;
}

export type Figures = RunFigures | LoopbackFigures | PlacementFigures | EpisodeFigures | SweepRunResult | TimelineFigures | PairVerdictFigures;

/**
 * `episodes` IPI episodes: one CALL_FUNCTION and one `partner` IPI to the same target, either
 * first, the second at an offset uniform in the interaction window; each batch has its own random
 * stream, so cells can run in parallel and still give the same figures.
 */
function runEpisodes(job: Extract<FigureJob, { kind: 'episodes' }>): EpisodeFigures {
  const p = resolveParams(job.set);
  const t = episodeTiming(p);
  const w = interactionWindow(t, p.get('ipi.store_stall_ns'));
  const rng = new Rng(11, `why:${job.partner}:${job.variant}`);
  const barriers = barriersOf(job.variant);
  let lost = 0;
  for (let i = 0; i < job.episodes; i++) {
    const at = rng.float() * w;
    const senders = rng.chance(0.5) ? [{ kind: job.partner, at: 0 }, { kind: 'CALL_FUNCTION' as const, at }] : [{ kind: 'CALL_FUNCTION' as const, at: 0 }, { kind: job.partner, at }];
    if (runEpisode(barriers, senders, t, rng).stuck.length) lost++;
  }
  return { lost };
}

export function runFigureJob(job: FigureJob): Figures {
  if (job.kind === 'episodes') return runEpisodes(job);
  if (job.kind === 'pair-verdict') return { canLose: explorePair(barriersOf(job.variant), ...job.kinds) };
  // One run of a sweep, exactly as `twb sweep` runs it (its deterministic result; no wall time).
  if (job.kind === 'sweep-run') return runSweepJob({ workspace: loadWorkspace(job.workspace), set: job.set, seed: job.seed, durationNs: job.hours * 3600e9, until: job.until }).result;
  if (job.kind === 'timeline') {
    const { bytes, tl } = recordTimeline(job.workspace, job.seed, job.set, job.hours);
    return { bytes, changes: tl.count };
  }
  if (job.kind === 'loopback') {
    const read = createHash('sha256');
    const r = runLoopback({ bytes: job.bytes, mtu: job.mtu, ring: job.ring, seed: job.seed, pcieGen: job.pcieGen, pcieWidth: job.pcieWidth, onRead: (c) => read.update(c) });
    // Intact: every byte written was read back, identical and in order.
    const intact = r.bytesRead === job.bytes && r.errors.length === 0 && read.digest('hex') === createHash('sha256').update(r.data).digest('hex');
    return { throughputMBps: r.throughputMBps, bytesRead: r.bytesRead, intact, trace: r.traceDigest };
  }
  if (job.kind === 'placement') {
    const ws = structuredClone(loadWorkspace(job.workspace));
    const i = ws.guests.findIndex((g) => g.name === job.guest);
    ws.guests[i] = { ...ws.guests[i], ...job.placement };
    const run = buildRun(parseWorkspace(ws), { seed: job.seed, set: job.set });
    run.sim.runUntil(job.hours * 3600e9);
    const s = run.summary({ wallSeconds: 0 });
    const sec = job.hours * 3600;
    return { hostIpisPerSec: run.machine.hostIpisToVcpus()[job.guest] / sec, doorbellExitsPerSec: s.guests[i].exits.doorbell / sec, trace: s.trace.digest };
  }
  const run = buildRun(loadWorkspace(job.workspace), { seed: job.seed, set: job.set });
  run.sim.runUntil(job.hours * 3600e9);
  const s = run.summary({ wallSeconds: 0 });
  const soft = s.lockups.filter((l) => l.kind === 'soft_lockup');
  return {
    firstSoftLockup: soft.length ? soft[0].t : null,
    lostIpis: s.lostIpis,
    ipisSent: s.ipis.sent,
    broadcasts: s.ipis.broadcasts,
    softLockups: soft.length,
    hungTasks: s.lockups.filter((l) => l.kind === 'hung_task').length,
    lostByPartner: s.lostByPartner ?? Object.fromEntries(PARTNER_KINDS.map((k) => [k, 0])) as RunFigures['lostByPartner'],
    stuckTasks: s.stuckTasks?.length ?? 0,
    trace: s.trace.digest,
  };
}

export default runFigureJob;
