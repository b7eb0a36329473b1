import type { RunSummary } from '../../engine/run/build';
import type { Lockup, LostIpi } from '../../engine/ipi/fabric';
import type { RunUpdate } from '../run/protocol';
import type { HistoryBatch, StoredLockup, StoredLogLine, StoredSample, Store } from '../store';
import type { NewRun } from '../store';
import { parseWorkspace, type Workspace } from '../../../src-common/workspace';
import { aieMemoryImages } from './aie-images';
import { encodeTimeline } from './timeline-codec';

export interface RecorderOptions {
  /** Wall time between flushes: a kill loses at most this much (plus one flush). */
  flushEveryMs?: number;
  /** Samples kept per run at most ≈ duration / this grid; bounded whatever the wall time. */
  maxSamples?: number;
  /** Wall clock (tests pin it). */
  wallMs?: () => number;
}

export const DEFAULT_FLUSH_MS = 2000;
export const DEFAULT_MAX_SAMPLES = 1000;
const HEARTBEAT_MS = 5000;

/**
 * Persists one run while it executes: the run pipeline hands it every live update
 * (`onUpdate`) and then the summary (`end`). Data is buffered and written in one WAL
 * transaction every `flushEveryMs` of wall time, so a crash loses at most the last flush
 * interval; a run whose process died is marked `interrupted` on the next `openStore`.
 */
export class RunRecorder {
  readonly runId: number;
  private readonly flushEveryMs: number;
  private readonly sampleEveryNs: number;
  private readonly wallMs: () => number;
  private lastFlush: number;
  private logSeq = 0;
  private lockupSeq = 0;
  private lossSeq = 0;
  private timelineSeq = 0;
  private timelineTruncatedAtNs: number | null = null;
  private lastSampleNs = -Infinity;
  private lastUpdate: RunUpdate | null = null;
  private pending: HistoryBatch;
  private beat: ReturnType<typeof setInterval> | null;
  private closed = false;

  static start(store: Store, run: NewRun & { durationNs: number }, opts: RecorderOptions = {}): RunRecorder {
    const id = store.db.transaction(() => {
      const rec = store.runs.create(run);
      store.history.claim(rec.id, run.durationNs);
      return rec.id;
    })();
    return new RunRecorder(store, id, run, opts);
  }

  private constructor(
    private readonly store: Store,
    runId: number,
    private readonly run: NewRun & { durationNs: number },
    opts: RecorderOptions,
  ) {
    const durationNs = run.durationNs;
    this.runId = runId;
    this.flushEveryMs = opts.flushEveryMs ?? DEFAULT_FLUSH_MS;
    this.sampleEveryNs = Math.max(1, Math.floor(durationNs / (opts.maxSamples ?? DEFAULT_MAX_SAMPLES)));
    this.wallMs = opts.wallMs ?? Date.now;
    this.lastFlush = this.wallMs();
    this.pending = emptyBatch(0);
    // Proof of life while paused (no updates arrive); unref so it never keeps the process up.
    this.beat = setInterval(() => {
      if (this.closed || !this.store.db.open) return this.close();
      try {
        this.store.history.heartbeat(this.runId);
      } catch {
        // Busy or failing store: a timer must not crash the process; the next flush reports it.
      }
    }, HEARTBEAT_MS);
    this.beat.unref?.();
  }

  /** Takes one live update from the run worker; flushes when the interval has passed. */
  onUpdate(u: RunUpdate): void {
    if (this.closed) return;
    this.lastUpdate = u;
    this.appendLog(u.newLog);
    if (u.newLockups) this.appendLockups(u.newLockups);
    if (u.newLosses) this.appendLosses(u.newLosses);
    if (u.timeline) this.appendTimeline(u.timeline);
    this.setProgress(u.simNs, { ...u.counters, wallSeconds: u.wallSeconds, paused: u.paused, ...(this.timelineTruncatedAtNs !== null ? { timelineTruncatedAtNs: this.timelineTruncatedAtNs } : {}) });
    // Per-chunk samples when the pipeline sends them (denser), else the update itself; thinned to the grid.
    for (const smp of u.samples?.length ? u.samples : [sampleOf(u)]) if (smp.tNs - this.lastSampleNs >= this.sampleEveryNs) this.appendSamples([smp]);
    if (this.wallMs() - this.lastFlush >= this.flushEveryMs) {
      try {
        this.flush();
      } catch (e) {
        // A busy store (another writer past busy_timeout): keep the buffer, retry next interval;
        // end() flushes once more and reports a persistent failure.
        this.lastFlush = this.wallMs();
        this.flushError = e as Error;
      }
    }
  }

  /** The last failed periodic flush, if any (its data is still buffered). */
  flushError: Error | null = null;

  appendLog(lines: readonly { t: number; text: string }[]): void {
    for (const l of lines) this.pending.log.push({ seq: this.logSeq++, tNs: Math.round(l.t * 1e9), text: l.text });
  }

  appendLockups(lockups: readonly Lockup[]): void {
    for (const l of lockups)
      this.pending.lockups.push({ seq: this.lockupSeq++, tNs: Math.round(l.t * 1e9), cpu: l.cpu, kind: l.kind, waitingOn: l.waitingOn, task: l.task ?? null, ...(l.callTrace ? { callTrace: l.callTrace } : {}) });
  }

  /** Lost IPIs with their episodes, stored as they come: a run that ends without a summary keeps them. */
  appendLosses(losses: readonly LostIpi[]): void {
    for (const l of losses) this.pending.losses!.push({ seq: this.lossSeq++, tNs: Math.round(l.t * 1e9), loss: l });
  }

  /** Per-CPU state changes (engine/run/timeline.ts), one encoded row per batch. */
  appendTimeline(b: NonNullable<RunUpdate['timeline']>): void {
    if (b.truncatedAtNs !== null) this.timelineTruncatedAtNs = b.truncatedAtNs;
    if (b.tNs.length === 0 && b.tasks.length === 0) return;
    const { baseNs, data } = encodeTimeline(b);
    this.pending.timeline!.push({ seq: this.timelineSeq++, tNs: baseNs, data });
  }

  appendSamples(samples: readonly StoredSample[]): void {
    for (const s of samples) {
      this.pending.samples.push(s);
      this.lastSampleNs = Math.max(this.lastSampleNs, s.tNs);
    }
  }

  /** AIE memory image of a touched tile (`tile` like "col,row"; `kind` data|program). */
  saveMemory(tile: string, kind: string, bytes: Uint8Array): void {
    this.pending.memories.push({ tile, kind, bytes });
  }

  setProgress(simNs: number, counters: unknown): void {
    this.pending.simNs = simNs;
    this.pending.counters = counters;
  }

  /** Writes what is buffered in one transaction. */
  flush(): void {
    if (this.closed) return;
    this.store.history.append(this.runId, this.pending);
    this.pending = emptyBatch(this.pending.simNs, this.pending.counters);
    this.lastFlush = this.wallMs();
  }

  /**
   * Closes the run with the pipeline's summary: finished, stopped-at, failed or cancelled. Lines and lockups
   * the live updates did not carry are taken from the summary, so the stored detail is complete.
   */
  end(summary: RunSummary): void {
    if (this.closed) return;
    this.appendLog(summary.log.slice(this.logSeq));
    this.appendLockups(summary.lockups.slice(this.lockupSeq));
    this.appendLosses((summary.losses ?? []).slice(this.lossSeq));
    const simNs = Math.round(summary.simulatedSeconds * 1e9);
    this.captureAie(simNs);
    if (this.lastUpdate && this.lastSampleNs < this.lastUpdate.simNs) this.appendSamples([sampleOf(this.lastUpdate)]);
    this.setProgress(simNs, { ...(this.pending.counters as object), wallSeconds: summary.wallSeconds, paused: false });
    try {
      this.store.db.transaction(() => {
        this.flush();
        if (summary.status === 'finished' || summary.status === 'stopped-at') this.store.runs.finish(this.runId, simNs, summary, summary.status === 'stopped-at' ? summary.stoppedAt : undefined);
        else this.store.runs.end(this.runId, summary.status, summary.error, summary);
      })();
    } finally {
      this.close();
    }
  }

  /** The run could not produce a summary (worker died): keep what was recorded, mark it failed. */
  fail(message: string): void {
    if (this.closed) return;
    try {
      this.store.db.transaction(() => {
        this.flush();
        this.store.runs.end(this.runId, 'failed', message);
      })();
    } finally {
      this.close();
    }
  }

  /** Final memory images of the AIE tiles the run touched (the AIE model run to the same time). */
  private captureAie(simNs: number): void {
    const ws = workspaceOf(this.run.workspace);
    if (!ws?.devices.aie) return;
    try {
      for (const m of aieMemoryImages(ws, this.run.seed, simNs)) this.saveMemory(m.tile, m.kind, m.bytes);
    } catch (e) {
      // The images are an extra; a model error must not lose the run's record.
      this.pending.counters = { ...(this.pending.counters as object), aieImagesError: (e as Error).message };
    }
  }

  private close(): void {
    this.closed = true;
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
  }
}

function workspaceOf(doc: unknown): Workspace | null {
  try {
    return parseWorkspace(doc);
  } catch {
    return null;
  }
}

function emptyBatch(simNs: number, counters: unknown = null): HistoryBatch {
  return { simNs, counters, log: [] as StoredLogLine[], samples: [] as StoredSample[], lockups: [] as StoredLockup[], losses: [], memories: [], timeline: [] };
}

function sampleOf(u: RunUpdate): StoredSample {
  const busy = u.cpus.busy.length ? u.cpus.busy.reduce((a, b) => a + b, 0) / u.cpus.busy.length : 0;
  return {
    tNs: u.simNs,
    busy: Math.round(busy * 1e6) / 1e6,
    ipisSent: u.counters.ipisSent,
    lostIpis: u.counters.lostIpis,
    lockups: u.counters.lockups,
    exits: u.guestExits ?? {},
  };
}
