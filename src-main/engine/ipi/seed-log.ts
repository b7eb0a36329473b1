/**
 * Field-by-field comparison of kernel log lines with the seed log (kvm-ppc-host-ipi-barriers.txt).
 * The seed's copy went through a web page that collapsed runs of whitespace, so a line is compared
 * as a sequence of fields: the literal words of its v5.3 format string, and each value's shape
 * (a decimal, three hex digits, a 0x-number, a task name). Whitespace is checked separately,
 * against the format string itself (`exactLayout`).
 */

/** One message of the seed log: its format string (with pr_fmt prefix) and how its values look. */
export interface LogFormat {
  kind: string;
  format: string;
}

export const SEED_LOG_FORMATS: readonly LogFormat[] = [
  { kind: 'soft_lockup', format: 'watchdog: BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]' },
  { kind: 'rcu_self_detected', format: 'rcu: INFO: %s self-detected stall on CPU' },
  { kind: 'rcu_stall_info', format: 'rcu: \t%d-%c%c%c%c: (%lu %s) idle=%03x/%ld/%#lx softirq=%u/%u fqs=%ld %s' },
  { kind: 'hung_task', format: 'INFO: task %s:%d blocked for more than %ld seconds.' },
  { kind: 'hung_task_taint', format: '      %s %s %.*s' },
  { kind: 'hung_task_echo', format: '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.' },
];

/** What each conversion may look like in the seed (the `%s` of a kind may be narrowed below). */
const SHAPES: Record<string, string> = {
  '%d': '-?\\d+',
  '%u': '\\d+',
  '%ld': '-?\\d+',
  '%lu': '\\d+',
  '%c': '\\S',
  '%03x': '[0-9a-f]{3,}',
  '%#lx': '(?:0|0x[0-9a-f]+)',
  '%s': '.*?',
  '%.*s': '\\S*',
};

/** Narrower shapes for some `%s` arguments, by kind and argument position. */
const STRING_SHAPES: Record<string, Record<number, string>> = {
  // comm: up to 15 characters, may contain spaces ("CPU 52/KVM").
  soft_lockup: { 2: '[^\\]]{1,15}' },
  hung_task: { 0: '[^:]{1,15}' },
  rcu_self_detected: { 0: 'rcu_\\w+' },
  rcu_stall_info: { 6: '(?:ticks this GP|GPs behind)', 13: '' },
  // print_tainted(): "Tainted: " + one column per flag, or "Not tainted".
  hung_task_taint: { 0: '(?:Tainted: [PG][ A-Z]*|Not tainted)', 1: '\\S+' },
};

const CONVERSION = /%#?0?\d*(?:\.\*)?l{0,2}[diuxcs]/g;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A regex for lines of this format. `collapsed`: whitespace runs of the format match any run of
 * spaces (the seed's copy) and leading/trailing whitespace is optional; otherwise whitespace must
 * be exactly the format's.
 */
export function formatRegex(f: LogFormat, collapsed: boolean): RegExp {
  // Parts: literal text, or a capture of a conversion's shape.
  const parts: { lit?: string; shape?: string }[] = [];
  let last = 0;
  let arg = 0;
  for (const m of f.format.matchAll(CONVERSION)) {
    parts.push({ lit: f.format.slice(last, m.index) });
    const shape = STRING_SHAPES[f.kind]?.[arg] ?? SHAPES[m[0]];
    if (shape === undefined) throw new Error(`no shape for ${m[0]} in ${f.kind}`);
    parts.push({ shape });
    arg++;
    last = m.index! + m[0].length;
  }
  parts.push({ lit: f.format.slice(last) });
  const lit = (s: string) => (collapsed ? s.split(/\s+/).map(escape).join('\\s+') : escape(s));
  let src = parts.map((p) => (p.shape !== undefined ? `(${p.shape})` : lit(p.lit!))).join('');
  if (collapsed) {
    // The copy lost leading and trailing whitespace, and with it what printed as nothing there.
    src = src.replace(/^(\\s\+)+/, '\\s*');
    src = src.replace(/(?:\\s\+|\(\))+$/, (tail) => '\\s*' + '()'.repeat((tail.match(/\(\)/g) ?? []).length));
  }
  return new RegExp(`^${src}$`);
}

export interface ParsedLine {
  kind: string;
  /** The values, in the format's argument order. */
  fields: string[];
}

/** Which seed message a line is, and its values; null when it is none of them. */
export function parseLogLine(text: string, collapsed: boolean): ParsedLine | null {
  for (const f of SEED_LOG_FORMATS) {
    const m = formatRegex(f, collapsed).exec(text);
    if (m) return { kind: f.kind, fields: m.slice(1) };
  }
  return null;
}

/** The seed's log lines (`[ 1253.183290] text`), with their timestamps in seconds. */
export function seedLogLines(seedText: string): { t: number; text: string }[] {
  const out: { t: number; text: string }[] = [];
  for (const l of seedText.split('\n')) {
    const m = /^\[\s*(\d+\.\d{6})\] (.*)$/.exec(l);
    if (m) out.push({ t: Number(m[1]), text: m[2] });
  }
  return out;
}
