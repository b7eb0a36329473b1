/**
 * The app's sweep (the Sweeps tab): one at a time per host process, on this machine's thread
 * pool, so the serving thread only stores results as they arrive. Progress goes to every
 * renderer as `onSweepProgress`, at most a few times a second and once at the end.
 */
import { ConflictError, NotFoundError, type CallContext } from '../../../src-common/bridge';
import type { SweepProgress } from '../../../src-common/bridge/areas/sweeps';
import type { Store, SweepRecord } from '../store';
import { createSweep, runSweep, type SweepExecutor, type SweepProgress as RunProgress, type SweepRequest } from './coordinator';
import { LocalExecutor, SweepAborted } from './local-executor';

const PROGRESS_EVERY_MS = 250;

interface Active {
  sweepId: number;
  abort: AbortController;
  executor: SweepExecutor;
  last: SweepProgress;
  lastEmit: number;
  done: Promise<void>;
}

export class LiveSweeps {
  private active: Active | null = null;

  constructor(
    private readonly store: Store,
    /** The executor for each sweep (tests pass a small pool). */
    private readonly executor: () => SweepExecutor = () => new LocalExecutor(),
  ) {}

  /** Stores the checked request as a new sweep and runs it. */
  start(req: SweepRequest, emit: CallContext['emit']): { sweepId: number; total: number } {
    this.refuseIfBusy();
    const executor = this.executor();
    let sweep: SweepRecord;
    try {
      sweep = createSweep(this.store, req, executor.label);
    } catch (e) {
      void executor.close();
      throw e;
    }
    this.run(sweep, executor, emit);
    return { sweepId: sweep.id, total: sweep.totalRuns };
  }

  /** Continues a stopped or interrupted sweep. */
  resume(sweepId: number, emit: CallContext['emit']): { sweepId: number; total: number } {
    this.refuseIfBusy();
    const stored = this.store.sweeps.get(sweepId);
    if (stored.status === 'finished') throw new ConflictError(`sweep ${sweepId} is already finished`);
    if (stored.queue) throw new ConflictError(`sweep ${sweepId} ran on the queue ${stored.queue}; resume it with twb sweep --resume ${sweepId} --queue URL`);
    const sweep = this.store.sweeps.claim(sweepId);
    this.run(sweep, this.executor(), emit);
    return { sweepId, total: sweep.totalRuns };
  }

  stop(sweepId: number): void {
    if (this.active?.sweepId !== sweepId) throw new NotFoundError(`sweep ${sweepId} is not running`);
    this.active.abort.abort();
  }

  current(): SweepProgress | null {
    return this.active?.last ?? null;
  }

  /** Resolves once the running sweep (if any) has ended and its pool is closed. */
  async settled(): Promise<void> {
    await this.active?.done;
  }

  private refuseIfBusy(): void {
    if (this.active) throw new ConflictError(`sweep ${this.active.sweepId} is still running; stop it first`);
  }

  private run(sweep: SweepRecord, executor: SweepExecutor, emit: CallContext['emit']): void {
    const abort = new AbortController();
    const a: Active = {
      sweepId: sweep.id,
      abort,
      executor,
      last: { sweepId: sweep.id, state: 'running', done: sweep.done, total: sweep.totalRuns, lockups: 0, wallSeconds: 0, etaSeconds: null },
      lastEmit: 0,
      done: Promise.resolve(),
    };
    this.active = a;
    const onProgress = (p: RunProgress) => {
      a.last = { sweepId: sweep.id, state: 'running', done: p.done, total: p.total, lockups: p.lockups, wallSeconds: p.wallSeconds, etaSeconds: p.etaSeconds };
      const now = performance.now();
      if (now - a.lastEmit < PROGRESS_EVERY_MS) return;
      a.lastEmit = now;
      emit('onSweepProgress', a.last);
    };
    const end = (state: SweepProgress['state'], error?: string) => {
      const s = this.store.sweeps.get(sweep.id);
      a.last = { ...a.last, state, done: s.done, etaSeconds: null, ...(error ? { error } : {}) };
      if (this.active === a) this.active = null;
      emit('onSweepProgress', a.last);
    };
    emit('onSweepProgress', a.last);
    a.done = runSweep(this.store, sweep, executor, { onProgress, signal: abort.signal })
      .then(
        (s) => end(s.status === 'finished' ? 'finished' : 'stopped'),
        (e: unknown) => (e instanceof SweepAborted ? end('stopped') : end('failed', (e as Error).message)),
      )
      .finally(() => executor.close());
  }
}
