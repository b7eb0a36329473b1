/**
 * The kernel's own log lines, from the Linux v5.3 format strings (the seed's kernel,
 * 5.3.0-rc5): each message is the format string copied from its source file with its pr_fmt
 * prefix, filled in by a printf that follows the kernel's vsnprintf for the conversions used.
 * The seed log's copy went through a web page that collapsed whitespace; these keep the tab,
 * the padding and the trailing space the kernel prints.
 */

export type PrintfArg = number | bigint | string;

/**
 * printf for the conversions the messages below use: %d %i %u %ld %lu %x %03x %#lx %c %s %.*s
 * and %%. Numbers may be bigints (for 64-bit values such as 0x4000000000000002).
 */
export function kprintf(format: string, ...args: PrintfArg[]): string {
  let out = '';
  let ai = 0;
  const next = (): PrintfArg => {
    if (ai >= args.length) throw new Error(`kprintf: too few arguments for ${JSON.stringify(format)}`);
    return args[ai++];
  };
  const re = /%(#?)(0?)(\d*)(?:\.(\*))?(l{0,2})([diuxcs%])/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, alt, zero, widthText, precStar, , conv] = m;
    if (conv === '%') {
      out += '%';
      continue;
    }
    const precision = precStar ? Number(next()) : undefined;
    const arg = next();
    let s: string;
    switch (conv) {
      case 'd':
      case 'i':
      case 'u':
        s = BigInt(arg).toString();
        break;
      case 'x': {
        const v = BigInt(arg);
        if (v < 0n) throw new Error('kprintf: %x of a negative value');
        // The kernel's "#" flag adds 0x except for zero.
        s = (alt && v !== 0n ? '0x' : '') + v.toString(16);
        break;
      }
      case 'c':
        s = typeof arg === 'number' ? String.fromCharCode(arg) : String(arg).slice(0, 1);
        break;
      default:
        s = String(arg);
        if (precision !== undefined) s = s.slice(0, precision);
    }
    const width = widthText ? Number(widthText) : 0;
    if (s.length < width) s = zero && conv !== 's' && conv !== 'c' ? s.padStart(width, '0') : s.padStart(width, ' ');
    out += s;
  }
  out += format.slice(last);
  if (ai !== args.length) throw new Error(`kprintf: ${args.length - ai} unused argument(s) for ${JSON.stringify(format)}`);
  return out;
}

/** A line as the console shows it: the format's trailing newline is the line break, not part of the text. */
function line(prefix: string, format: string, ...args: PrintfArg[]): string {
  const text = kprintf(prefix + format, ...args);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

// ---- kernel/watchdog.c (pr_fmt "watchdog: ") -----------------------------------------------------

/**
 * watchdog_timer_fn: pr_emerg("BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]\n", ...).
 * `stuck` is is_softlockup()'s duration: get_timestamp() = running_clock() >> 30 units, not
 * seconds (one unit is 1.074 s).
 */
export function softLockupLine(cpu: number, stuck: number, comm: string, pid: number): string {
  return line('watchdog: ', 'BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]\n', cpu, stuck, comm, pid);
}

/** get_timestamp(): running_clock() >> 30 (running_clock() is local_clock() on powerpc). */
export function watchdogTimestamp(clockNs: number): number {
  return Math.floor(clockNs / 2 ** 30);
}

// ---- kernel/rcu/tree_stall.h (pr_fmt "rcu: ", from tree.c) ------------------------------------------

/** print_cpu_stall: pr_err("INFO: %s self-detected stall on CPU\n", rcu_state.name). */
export function rcuSelfDetectedLine(flavor = 'rcu_sched'): string {
  return line('rcu: ', 'INFO: %s self-detected stall on CPU\n', flavor);
}

/** What print_cpu_stall_info reads of one CPU's rcu_data (and the stall's rcu_state counters). */
export interface RcuStallInfo {
  cpu: number;
  online: boolean;
  /** rdp->grpmask & rnp->qsmaskinit / qsmaskinitnext: the CPU is in the grace period's masks. */
  inQsmaskinit: boolean;
  inQsmaskinitnext: boolean;
  /** rcu_iw_pending and the GPs since the irq_work last ran (rcu_seq_ctr(mynode->gp_seq - rcu_iw_gp_seq)). */
  irqWorkPending: boolean;
  irqWorkDelta: number;
  /** rcu_seq_ctr(rcu_state.gp_seq - rdp->gp_seq): grace periods the CPU has not noticed yet. */
  gpsBehind: number;
  /** rdp->ticks_this_gp: scheduling-clock interrupts the CPU took in this grace period. */
  ticksThisGp: number;
  /** rcu_dynticks_snap(rdp): the dynticks counter. */
  dynticks: number;
  dynticksNesting: number;
  dynticksNmiNesting: bigint;
  softirqSnap: number;
  softirqNow: number;
  /** rcu_state.n_force_qs - rcu_state.n_force_qs_gpstart. */
  fqs: number;
  /** print_cpu_stall_fast_no_hz: empty without CONFIG_RCU_FAST_NO_HZ. */
  fastNoHz: string;
}

/** print_cpu_stall_info: pr_err("\t%d-%c%c%c%c: (%lu %s) idle=%03x/%ld/%#lx softirq=%u/%u fqs=%ld %s\n", ...). */
export function rcuStallInfoLine(s: RcuStallInfo): string {
  const iw = s.irqWorkPending ? String.fromCharCode(48 + Math.min(s.irqWorkDelta, 9)) : s.irqWorkDelta === 0 ? '.' : '!';
  const [ticksValue, ticksTitle] = s.gpsBehind ? [s.gpsBehind, 'GPs behind'] : [s.ticksThisGp, 'ticks this GP'];
  return line(
    'rcu: ',
    '\t%d-%c%c%c%c: (%lu %s) idle=%03x/%ld/%#lx softirq=%u/%u fqs=%ld %s\n',
    s.cpu,
    s.online ? '.' : 'O',
    s.inQsmaskinit ? '.' : 'o',
    s.inQsmaskinitnext ? '.' : 'N',
    iw,
    ticksValue,
    ticksTitle,
    s.dynticks & 0xfff,
    s.dynticksNesting,
    s.dynticksNmiNesting,
    s.softirqSnap,
    s.softirqNow,
    s.fqs,
    s.fastNoHz,
  );
}

/** DYNTICK_IRQ_NONIDLE (LONG_MAX / 2 + 1): dynticks_nmi_nesting of a non-idle CPU outside any irq. */
export const DYNTICK_IRQ_NONIDLE = 0x4000000000000000n;

// ---- kernel/hung_task.c (no pr_fmt) ------------------------------------------------------------------

/** check_hung_task: pr_err("INFO: task %s:%d blocked for more than %ld seconds.\n", ...). */
export function hungTaskLine(comm: string, pid: number, seconds: number): string {
  return line('', 'INFO: task %s:%d blocked for more than %ld seconds.\n', comm, pid, seconds);
}

/** check_hung_task: pr_err("      %s %s %.*s\n", print_tainted(), release, version up to its first space). */
export function hungTaskTaintLine(tainted: ReadonlySet<TaintFlag>, release: string, version: string): string {
  const firstWord = version.indexOf(' ') < 0 ? version.length : version.indexOf(' ');
  return line('', '      %s %s %.*s\n', printTainted(tainted), release, firstWord, version);
}

/** check_hung_task: the third line, a fixed string. */
export function hungTaskEchoLine(): string {
  return line('', '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.\n');
}

// ---- kernel/panic.c ------------------------------------------------------------------------------------

/** taint_flags[] of v5.3, in bit order: the letter when set, and when not ('G' for bit 0, else ' '). */
export const TAINT_FLAGS = [
  ['PROPRIETARY_MODULE', 'P', 'G'],
  ['FORCED_MODULE', 'F', ' '],
  ['CPU_OUT_OF_SPEC', 'S', ' '],
  ['FORCED_RMMOD', 'R', ' '],
  ['MACHINE_CHECK', 'M', ' '],
  ['BAD_PAGE', 'B', ' '],
  ['USER', 'U', ' '],
  ['DIE', 'D', ' '],
  ['OVERRIDDEN_ACPI_TABLE', 'A', ' '],
  ['WARN', 'W', ' '],
  ['CRAP', 'C', ' '],
  ['FIRMWARE_WORKAROUND', 'I', ' '],
  ['OOT_MODULE', 'O', ' '],
  ['UNSIGNED_MODULE', 'E', ' '],
  ['SOFTLOCKUP', 'L', ' '],
  ['LIVEPATCH', 'K', ' '],
  ['AUX', 'X', ' '],
  ['RANDSTRUCT', 'T', ' '],
] as const;
export type TaintFlag = (typeof TAINT_FLAGS)[number][0];

/** print_tainted(): "Tainted: " and one column per flag, or "Not tainted". */
export function printTainted(tainted: ReadonlySet<TaintFlag>): string {
  if (tainted.size === 0) return 'Not tainted';
  return 'Tainted: ' + TAINT_FLAGS.map(([name, on, off]) => (tainted.has(name) ? on : off)).join('');
}
