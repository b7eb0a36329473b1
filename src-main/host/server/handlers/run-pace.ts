/**
 * Pacing and ETA of a live run (pure; wall times in seconds are passed in, so tests pin them).
 * The run worker simulates as fast as it can; a chosen speed (simulated seconds per wall
 * second) is kept by pausing it between updates whenever it got ahead of the wall clock.
 */
export class RunPace {
  /** Simulated ns and active wall seconds when the current speed took effect. */
  private baseSimNs = 0;
  private baseWall = 0;
  /** Wall seconds the run has been allowed to run (user pauses excluded). */
  private activeWall = 0;
  private lastWall: number | null = null;

  constructor(
    public speed: number | null,
    private running = true,
  ) {}

  /** Advances the active clock to `wall` (seconds since start). */
  tick(wall: number): void {
    if (this.lastWall !== null && this.running) this.activeWall += Math.max(0, wall - this.lastWall);
    this.lastWall = wall;
  }

  /** User pause/resume: time paused counts for neither pace nor ETA. */
  setRunning(running: boolean, wall: number, simNs: number): void {
    this.tick(wall);
    this.running = running;
    if (running) this.rebase(simNs);
  }

  setSpeed(speed: number | null, wall: number, simNs: number): void {
    this.tick(wall);
    this.speed = speed;
    this.rebase(simNs);
  }

  /** Wall seconds to hold the worker so that `simNs` is not ahead of the chosen speed (0: none). */
  holdFor(wall: number, simNs: number): number {
    this.tick(wall);
    if (this.speed === null) return 0;
    const due = (simNs - this.baseSimNs) / 1e9 / this.speed;
    const ahead = due - (this.activeWall - this.baseWall);
    return ahead > 0.02 ? ahead : 0;
  }

  /** Wall seconds left: at the chosen speed, or at the pace so far; null when unknown. */
  eta(wall: number, simNs: number, durationNs: number): number | null {
    this.tick(wall);
    const left = Math.max(0, durationNs - simNs) / 1e9;
    if (left === 0) return 0;
    if (!this.running) return null;
    const rate = this.activeWall > 0.05 ? simNs / 1e9 / this.activeWall : 0;
    const paced = this.speed === null ? rate : rate > 0 ? Math.min(rate, this.speed) : this.speed;
    return paced > 0 ? left / paced : null;
  }

  private rebase(simNs: number): void {
    this.baseSimNs = simNs;
    this.baseWall = this.activeWall;
  }
}
