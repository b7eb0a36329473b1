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

/** Soft lockups and hung tasks as the detectors reported them, with the stack each report printed. */
interface TracedLockup {
  t: number;
  cpu: number;
  kind: string;
  task?: string | null;
  callTrace?: string[];
}

/**
 * The `Call Trace:` printed after a log line (dmesg has it at the default level, which the
 * seed's quiet console hides): a soft lockup's line names its CPU (`CPU#105`), a hung task's its
 * task (`INFO: task worker:19907 blocked`); each is matched to the lockup reported at that instant.
 */
export function callTraceIndex(lockups: readonly TracedLockup[]): (line: { t: number; text: string }) => string[] | null {
  const byKey = new Map<string, string[]>();
  const at = (t: number) => Math.round(t * 1e6);
  for (const l of lockups) {
    if (!l.callTrace?.length) continue;
    if (l.kind === 'soft_lockup') byKey.set(`s ${at(l.t)} ${l.cpu}`, l.callTrace);
    else if (l.kind === 'hung_task' && l.task) byKey.set(`h ${at(l.t)} ${l.task}`, l.callTrace);
  }
  return (line) => {
    if (byKey.size === 0) return null;
    const soft = /soft lockup - CPU#(\d+)/.exec(line.text);
    if (soft) return byKey.get(`s ${at(line.t)} ${soft[1]}`) ?? null;
    const hung = /^INFO: task (.+) blocked for more than/.exec(line.text);
    return hung ? (byKey.get(`h ${at(line.t)} ${hung[1]}`) ?? null) : null;
  };
}
