/**
 * The kernel log (dmesg): lines carry the simulated time as Linux prints it,
 * `[ 1256.287426] watchdog: BUG: soft lockup - CPU#105 stuck for 23s! [CPU 52/KVM:19709]`.
 */
export interface LogLine {
  /** Simulated time in ns. */
  timeNs: number;
  text: string;
}

/** `[%5lu.%06lu] ` as printk does, from integer ns (microseconds truncated). */
export function formatLogTime(timeNs: number): string {
  const us = Math.floor(timeNs / 1000);
  const sec = Math.floor(us / 1_000_000);
  const frac = String(us % 1_000_000).padStart(6, '0');
  return `[${String(sec).padStart(5, ' ')}.${frac}]`;
}

export class KernelLog {
  readonly lines: LogLine[] = [];
  private listeners: ((line: LogLine) => void)[] = [];

  constructor(private readonly maxLines = 100_000) {}

  printk(timeNs: number, text: string): void {
    const line = { timeNs, text };
    if (this.lines.length < this.maxLines) this.lines.push(line);
    for (const l of this.listeners) l(line);
  }

  onLine(listener: (line: LogLine) => void): void {
    this.listeners.push(listener);
  }

  /** The log as dmesg prints it. */
  format(): string {
    return this.lines.map((l) => `${formatLogTime(l.timeNs)} ${l.text}`).join('\n');
  }
}
