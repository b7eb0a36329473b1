import { z } from 'zod';
import { quote } from '../../parse/quote';
import { DAY, parseDuration } from '../../parse/duration';
import { workspaceSchema } from '../../workspace';
import { parseUntil } from '../../parse/until';
import { area, event, method } from '../define';

/**
 * The live run view's part of the bridge (src-renderer/run): start a simulation run of the open
 * workspace in the run worker, pause / resume / stop it, receive its batched updates, and read
 * past runs from the store. Handlers: src-main/host/server/handlers/runs.ts. One run at a time
 * per host process (the run view shows one).
 */

/** `stopped-at`: ended at its Run until point (stopped while paused there). */
export type RunState = 'running' | 'paused' | 'finished' | 'failed' | 'cancelled' | 'stopped-at';

/** Where a run stopped or paused for Run until: the condition (or `time`) and the simulated second. */
export interface RunStoppedAt {
  condition: string;
  t: number;
}

/** One operation of a lost IPI's episode (engine ipi/episode-record.ts). */
export interface RunEpisodeLine {
  cpu: string;
  text: string;
  mark?: 'deferred' | 'completes';
  access: 'LOAD' | 'STORE' | 'OTHER';
}

/** A lost IPI with the handshake episode that lost it. */
export interface RunLostIpi {
  t: number;
  cpu: number;
  kind: string;
  partners: string[];
  sender?: string;
  senderCpu?: number;
  episode?: {
    variant: string;
    target: number;
    senders: { cpu: string; kind: string; atNs: number }[];
    stuck: number[];
    lines: RunEpisodeLine[];
    text: string;
    deferred: string[];
    /** seedSequence 2 (the target's clear deferred) only in runs stored by builds before the demux's xchg was fully ordered. */
    witness: { command: string; index: number; reorderedOn: string[]; seedSequence: 1 | 2 | null } | null;
  };
}

/** A lockup as the detectors report it (engine `Lockup`); t in simulated seconds. */
export interface RunLockup {
  t: number;
  cpu: number;
  kind: string;
  /** e.g. `csd_lock_wait(cpu 42)` or `spinlock mm(A).page_table_lock held by CPU 47`. */
  waitingOn: string;
  task?: string | null;
  /** Soft lockup / hung task: the report's `Call Trace:` frames, innermost first (engine power9/call-trace.ts). */
  callTrace?: string[];
}

export interface RunCounters {
  broadcasts: number;
  ipisSent: number;
  lostIpis: number;
  lockups: number;
  logLines: number;
}

/** Progress of the active run: at every update and once when it ends. */
export interface RunProgress {
  runId: number;
  /** The workspace the run is of (the run view shows a run with its own workspace only). */
  workspaceId: number;
  state: RunState;
  simNs: number;
  durationNs: number;
  /** Wall seconds since start (pauses included). */
  wallSeconds: number;
  /** Wall seconds left at the current pace; null when unknown (paused, just started). */
  etaSeconds: number | null;
  /** Simulated seconds per wall second asked for; null = as fast as possible. */
  speed: number | null;
  /** Why the run failed (state failed). */
  error?: string;
  /** Paused (or stopped) at its Run until point. */
  stoppedAt?: RunStoppedAt;
}

/** One batched live update (at most 10 a second): what the drawing, console and charts need. */
export interface RunLiveUpdate {
  runId: number;
  simNs: number;
  /** Per host CPU: idle / host / guest / spinning, and the current busy fraction 0..1. */
  cpus: { state: string[]; busy: number[] };
  counters: RunCounters;
  /** Kernel-log lines printed since the previous update (t in simulated seconds). */
  newLog: { t: number; text: string }[];
  newLockups: RunLockup[];
  /** Exits so far per guest (all reasons summed). */
  guestExits: Record<string, number>;
  /**
   * The run's samples on its fixed simulated-time grid (duration / 1000) since the previous
   * update: the very points the stored run keeps, so live charts match the stored ones.
   */
  samples: RunSample[];
  /** IPIs lost since the previous update, each with its episode. */
  newLosses?: RunLostIpi[];
  /** Per-CPU state changes since the previous update (the stored timeline, for replay). */
  timeline?: RunTimelineChanges;
}

/**
 * Per-CPU state changes in columns (index i is one change): simulated ns, CPU, state
 * (index into TIMELINE_STATES), busy fraction × 255, and the task on the CPU (index into
 * `tasks`, -1 none). Replaying them in order gives every CPU's state at any time.
 */
export interface RunTimelineChanges {
  tNs: number[];
  cpu: number[];
  state: number[];
  busy: number[];
  task: number[];
  /** Task names, appended as they first occur (indices are per run). */
  tasks: string[];
}

export const TIMELINE_STATES = ['idle', 'host', 'guest', 'spinning'] as const;

/** The seed's name of each explorer sequence (the engine finds only the first now; 2 is read from older stored runs). */
const SEED_SEQUENCE = { 1: "the seed's first sequence: the sender's message store deferred", 2: "the seed's second sequence: the target's clear of host_ipi deferred" } as const;

/**
 * A lost IPI as text (`twb runs show --lost-ipis`, the HTML report, the app's interleaving view):
 * what was lost, where, when, by whom; the deferred operations; the explorer witness it matches;
 * then the episode in the seed's column style.
 */
export function lostIpiText(l: RunLostIpi, n: number, of: number): string {
  const e = l.episode;
  const from = l.senderCpu !== undefined ? ` from CPU ${l.senderCpu}` : '';
  const head = `lost IPI ${n} of ${of}: ${l.kind} to CPU ${l.cpu} at ${l.t.toFixed(9)} s${from}${l.sender ? ` [${l.sender}]` : ''}; raced ${l.partners.join(', ') || 'nothing'}`;
  if (!e) return `${head}
(no episode recorded: the run is older than episode recording)`;
  const w = e.witness;
  // The explorer calls the target 42 and the senders X and 105; say which CPUs of this run those are.
  const runName = (c: string) => ({ '42': String(e.target), X: e.senders[0]?.cpu, '105': e.senders[1]?.cpu })[c] ?? c;
  const match = w
    ? `matches \`${w.command}\` witness ${w.index} (reordering on its CPU ${w.reorderedOn.join(', ')}, this run's CPU ${w.reorderedOn.map(runName).join(', ')}${w.seedSequence ? `: ${SEED_SEQUENCE[w.seedSequence]}` : ''})`
    : 'matches no explorer witness with two senders (an episode of three or more)';
  return [
    head,
    `kernel.barriers=${e.variant}; senders: ${e.senders.map((s) => `CPU ${s.cpu} ${s.kind} at +${s.atNs} ns`).join(', ')}`,
    `deferred: ${e.deferred.join('; ') || 'none'}`,
    match,
    '',
    e.text,
  ].join('\n');
}

/**
 * A lockup's stack as the kernel prints it after the report (`Call Trace:`, then one frame a
 * line, innermost first; no addresses: the model has no kernel image). The Console, the CPU
 * diagnosis, `twb runs show` and the HTML report show this text.
 */
export function callTraceLines(frames: readonly string[]): string[] {
  return ['Call Trace:', ...frames.map((f) => ` ${f}`)];
}

/** A run as the Runs tab lists it. */
export interface PastRun {
  id: number;
  workspaceName: string;
  seed: number;
  status: 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted' | 'stopped-at';
  stoppedAt?: RunStoppedAt | null;
  barriers: string | null;
  startedAt: string;
  finishedAt: string | null;
  simulatedNs: number;
  durationNs: number | null;
  lostIpis: number | null;
  lockups: number | null;
  /** Simulated seconds of the first lockup, if any. */
  firstLockupT: number | null;
  error: string | null;
}

/** A cumulative sample of a stored run (rates are derived between samples). */
export interface RunSample {
  t: number;
  busy: number;
  ipisSent: number;
  lostIpis: number;
  lockups: number;
  exits: Record<string, number>;
}

export interface OpenedRun {
  run: PastRun;
  log: { t: number; text: string }[];
  samples: RunSample[];
  lockups: RunLockup[];
  /** Final per-CPU busy fraction, when the run stored a summary. */
  cpus: { cpu: number; busy: number; state: string }[];
  /** Every lost IPI with its episode (from the summary). */
  losses: RunLostIpi[];
  /** Every per-CPU state change recorded (`truncated`: the run outgrew the bound, changes after `truncatedAtNs` are missing). */
  timeline: RunTimelineChanges & { truncatedAtNs: number | null };
  /**
   * topologyKey() of the document the run ran: its overlay is dimmed over a workspace edited
   * since; null when that stored document cannot be read (shown as is).
   */
  topologyKey: string | null;
}

/** What `runs.report` can produce: the CLI's three formats and PDF (desktop app only). */
export const RUN_REPORT_FORMATS = ['html', 'json', 'csv', 'pdf'] as const;
export type RunReportFormat = (typeof RUN_REPORT_FORMATS)[number];

/** A rendered report, ready to be saved under `filename` (named by main, e.g. `twb-run-12.html`). */
export interface RunReportFile {
  filename: string;
  mimeType: string;
  /** `utf8`: `content` is the text itself (html, json, csv); `base64`: the bytes (pdf). */
  encoding: 'utf8' | 'base64';
  content: string;
}

/** The longest run the UI may ask for. */
export const MAX_RUN_NS = 30 * DAY;
/** Speed bounds in simulated seconds per wall second. */
export const MIN_SPEED = 0.001;
export const MAX_SPEED = 1e7;


/** A duration string within (0, MAX_RUN_NS] in ns, or undefined. */
export function runDurationNs(s: string): number | undefined {
  try {
    const ns = parseDuration(s);
    return ns > 0 && ns <= MAX_RUN_NS ? ns : undefined;
  } catch {
    return undefined;
  }
}

const runId = z.number().int('expected an integer run id').positive('expected a run id ≥ 1');
const workspaceId = z.number().int('expected an integer workspace id').positive('expected a workspace id ≥ 1');
const duration = z
  .string()
  .refine((s) => runDurationNs(s) !== undefined, { error: (iss) => `expected a duration above 0 and at most 30d such as "2h", got ${quote(iss.input)}` });
const seed = z.number().int('expected an integer seed').min(0, 'expected a seed ≥ 0').max(0xffffffff, 'expected a seed ≤ 4294967295');
const speed = z
  .number()
  .min(MIN_SPEED, `expected a speed ≥ ${MIN_SPEED} simulated seconds per second`)
  .max(MAX_SPEED, `expected a speed ≤ ${MAX_SPEED} simulated seconds per second`)
  .nullable();
const barriers = z.strictObject({ beforeSet: z.boolean(), afterClear: z.boolean() });
const until = z
  .string()
  .max(100, 'expected at most 100 characters')
  .superRefine((s, ctx) => {
    try {
      parseUntil(s);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  });
const reportIds = z
  .array(runId, { error: (iss) => `expected an array of one or two run ids, got ${quote(iss.input)}` })
  .min(1, 'expected one or two run ids, got none')
  .max(2, 'expected one or two run ids (two make a comparison)')
  .refine((ids) => new Set(ids).size === ids.length, { error: (iss) => `expected two different runs, got ${quote(iss.input)}` });
const reportFormat = z.enum(RUN_REPORT_FORMATS, { error: (iss) => `expected one of ${RUN_REPORT_FORMATS.join(', ')}, got ${quote(iss.input)}` });

export const runsArea = area({
  methods: {
    /**
     * Starts a run of workspace `workspaceId` (its stored name files the run). `doc` is the
     * renderer's current document (unsaved edits run); without it the stored one runs.
     * `barriers` overrides the document's kernel variant; `speed` null = as fast as possible.
     * `until` (Run until: a condition such as `first-lost-ipi`, or a simulated time): the run
     * pauses there (progress `paused` with `stoppedAt`); Resume goes on, Stop ends it `stopped-at`.
     */
    'runs.start': method<{ runId: number; durationNs: number }>()(
      z.strictObject({ workspaceId, doc: workspaceSchema.optional(), barriers: barriers.optional(), duration, seed, speed: speed.default(null), until: until.optional() }),
    ),
    'runs.pause': method<null>()(z.strictObject({ runId })),
    'runs.resume': method<null>()(z.strictObject({ runId })),
    /**
     * Cancels the run; it is stored as cancelled with what it simulated. `{workspaceId}` stops
     * the workspace's run while it is still being built (before runs.start has answered with a
     * run id): nothing is stored and runs.start rejects with "stopped while it was being built".
     */
    'runs.stop': method<null>()(z.union([z.strictObject({ runId }), z.strictObject({ workspaceId })])),
    /** Changes the pace of the active run. */
    'runs.setSpeed': method<null>()(z.strictObject({ runId, speed })),
    /** The active run's latest progress (a reloaded window re-attaches), or null. */
    'runs.active': method<RunProgress | null>()(z.undefined()),
    /** Past runs of a workspace (by its stored name), newest first. */
    'runs.list': method<PastRun[]>()(z.strictObject({ workspaceId, limit: z.number().int().min(1).max(1000).optional() })),
    /** One stored run: its summary, kernel log, samples and lockups. */
    'runs.open': method<OpenedRun>()(z.strictObject({ runId })),
    /**
     * The report of one run, or of two with a comparison section (as `twb report`): html is
     * self-contained, json has everything, csv the time series, pdf the html printed by the
     * desktop app (browser mode prints the html itself). An unknown id is a NotFoundError.
     */
    'runs.report': method<RunReportFile>()(z.strictObject({ ids: reportIds, format: reportFormat })),
  },
  events: {
    onRunProgress: event<RunProgress>(),
    onRunUpdate: event<RunLiveUpdate>(),
  },
});
