/** One benchmark figure, as `npm run bench -- --json FILE` writes them. */
export interface Metric {
  name: string;
  value: number;
  unit: string;
}

/** Unit from a metric name's suffix, for modules that return plain `{name: value}` records. */
export function unitOf(name: string): string {
  if (name.endsWith('_ms')) return 'ms';
  if (name.endsWith('_us')) return 'us';
  if (name.endsWith('events_per_s')) return 'events/s';
  const per = /_per_([a-z_]+)$/.exec(name);
  if (per) return `per_${per[1]}`;
  if (name.endsWith('_s')) return 's';
  if (name.endsWith('_bytes') || name.endsWith('_rss')) return 'bytes';
  if (name.endsWith('_mb')) return 'MiB';
  return 'count';
}

export function toMetrics(r: Metric[] | Record<string, number>): Metric[] {
  return Array.isArray(r) ? r : Object.entries(r).map(([name, value]) => ({ name, value, unit: unitOf(name) }));
}

/** Best wall time in ms of `reps` calls of `fn`, after one warm-up call (JIT). */
export function best(reps: number, fn: () => void): number {
  fn();
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}
