/** Frame times while something runs: requestAnimationFrame deltas and long tasks (> 50 ms). */
export interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  longTasks: number;
  longTaskMs: number;
}

const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
const round = (x: number) => Math.round(x * 10) / 10;

/** Records frame deltas until `stop()`; the stats come back rounded to 0.1 ms. */
export function recordFrames(): { stop(): FrameStats } {
  const deltas: number[] = [];
  let long = 0;
  let longMs = 0;
  let last = performance.now();
  let running = true;
  const tick = (now: number) => {
    deltas.push(now - last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame((now) => {
    last = now;
    requestAnimationFrame(tick);
  });
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      long++;
      longMs += e.duration;
    }
  });
  try {
    observer.observe({ type: 'longtask' });
  } catch {
    // no long-task timing in this browser: the frame deltas still count
  }
  return {
    stop() {
      running = false;
      observer.disconnect();
      const sorted = [...deltas].sort((a, b) => a - b);
      return { frames: sorted.length, p50: round(at(sorted, 0.5)), p95: round(at(sorted, 0.95)), max: round(sorted.at(-1) ?? 0), longTasks: long, longTaskMs: Math.round(longMs) };
    },
  };
}
