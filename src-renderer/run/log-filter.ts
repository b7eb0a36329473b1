/** The Console tab's kernel log: filters, the CPU a line is about, Linux's timestamp format. */
export interface LogLine {
  seq: number;
  /** Simulated seconds. */
  t: number;
  text: string;
}

export const LOG_FILTERS = ['all', 'soft lockup', 'rcu', 'hung task'] as const;
export type LogFilter = (typeof LOG_FILTERS)[number];

const PATTERNS: Record<Exclude<LogFilter, 'all'>, RegExp> = {
  'soft lockup': /soft lockup/i,
  rcu: /\brcu\b|rcu_/i,
  'hung task': /hung_task|blocked for more than|INFO: task /i,
};

export function matchesFilter(text: string, filter: LogFilter): boolean {
  return filter === 'all' || PATTERNS[filter].test(text);
}

/** The CPU a kernel-log line names (`CPU#19`, `rcu: 42-....:`, `CPU: 42 PID:`, `on CPU 7`), or null. */
export function cpuOfLine(text: string): number | null {
  const m = /CPU#(\d+)/.exec(text) ?? /^rcu:\s+(\d+)-/.exec(text) ?? /\bCPU:\s*(\d+)/.exec(text) ?? /\bon CPU (\d+)/.exec(text) ?? /\bcpu (\d+)\b/i.exec(text);
  return m ? Number(m[1]) : null;
}

/** `[ 6227.067870]` as printk prints it. */
export function formatLogTime(t: number): string {
  return `[${t.toFixed(6).padStart(12)}]`;
}

/** Appends lines, keeping at most `max` (the oldest go first); returns the new array. */
export function appendCapped<T>(lines: readonly T[], more: readonly T[], max: number): T[] {
  const all = lines.concat(more);
  return all.length > max ? all.slice(all.length - max) : all;
}
