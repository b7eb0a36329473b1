import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DYNTICK_IRQ_NONIDLE,
  hungTaskEchoLine,
  hungTaskLine,
  hungTaskTaintLine,
  kprintf,
  printTainted,
  rcuSelfDetectedLine,
  rcuStallInfoLine,
  softLockupLine,
  watchdogTimestamp,
} from './printk';
import { formatRegex, parseLogLine, SEED_LOG_FORMATS, seedLogLines } from './seed-log';

export const SEED_FILE = new URL('../../../../shared/seeds/kvm-ppc-host-ipi-barriers.txt', import.meta.url);

describe('kprintf (the kernel vsnprintf conversions the messages use)', () => {
  it('pads, prefixes and truncates as the kernel does', () => {
    expect(kprintf('%03x|%03x|%#lx|%#lx', 0x10a, 0xa, DYNTICK_IRQ_NONIDLE + 2n, 0)).toBe('10a|00a|0x4000000000000002|0');
    expect(kprintf('%.*s|%c%c|%lu %%', 2, '#1 SMP Tue', '.', 79, 5250)).toBe('#1|.O|5250 %');
    expect(() => kprintf('%d %d', 1)).toThrow(/too few/);
    expect(() => kprintf('%d', 1, 2)).toThrow(/unused/);
  });
});

describe('log lines in the bytes Linux v5.3 prints', () => {
  const tainted = new Set(['SOFTLOCKUP'] as const);

  it('keeps the whitespace of the format strings (tab, padding, trailing space)', () => {
    const info = rcuStallInfoLine({
      cpu: 124, online: true, inQsmaskinit: true, inQsmaskinitnext: true, irqWorkPending: false, irqWorkDelta: 0, gpsBehind: 0,
      ticksThisGp: 5250, dynticks: 0x10a, dynticksNesting: 1, dynticksNmiNesting: DYNTICK_IRQ_NONIDLE + 2n, softirqSnap: 5408, softirqNow: 5408, fqs: 1941, fastNoHz: '',
    });
    expect(info).toBe('rcu: \t124-....: (5250 ticks this GP) idle=10a/1/0x4000000000000002 softirq=5408/5408 fqs=1941 ');
    expect(hungTaskTaintLine(tainted, '5.3.0-rc5-mdr-vanilla+', '#1 SMP Mon Aug 19 2019')).toBe('      Tainted: G             L    5.3.0-rc5-mdr-vanilla+ #1');
    expect(printTainted(new Set())).toBe('Not tainted');
    expect(softLockupLine(105, 23, 'CPU 52/KVM', 19709)).toBe('watchdog: BUG: soft lockup - CPU#105 stuck for 23s! [CPU 52/KVM:19709]');
    // Every generated line matches its format with the format's exact whitespace.
    const lines = [info, hungTaskTaintLine(tainted, '5.3.0-rc5-mdr-vanilla+', '#1'), softLockupLine(1, 22, 'ksmd', 791), rcuSelfDetectedLine(), hungTaskLine('worker', 19907, 120), hungTaskEchoLine()];
    for (const l of lines) expect(SEED_LOG_FORMATS.some((f) => formatRegex(f, false).test(l)), l).toBe(true);
  });

  it('counts "stuck for" in running_clock() >> 30 units: 24 s of 4 s watchdog samples read 22 or 23', () => {
    // The watchdog touches at one 4 s sample and reports at the first sample more than 20 units later.
    const stuck = (touchNs: number, samplesLater: number) => watchdogTimestamp(touchNs + samplesLater * 4e9) - watchdogTimestamp(touchNs);
    expect(stuck(1_000e9, 5)).toBeLessThanOrEqual(20);
    const seen = new Set(Array.from({ length: 100 }, (_, i) => stuck(i * 37.3e9, 6)));
    expect([...seen].sort()).toEqual([22, 23]);
  });

  it('match the seed log field by field: literal words equal, values of the same shape', () => {
    const seed = seedLogLines(fs.readFileSync(SEED_FILE, 'utf8'));
    expect(seed.length).toBe(39);
    const kinds = new Map<string, string[][]>();
    for (const l of seed) {
      const p = parseLogLine(l.text, true);
      expect(p, `seed line not recognised: ${l.text}`).not.toBeNull();
      kinds.set(p!.kind, [...(kinds.get(p!.kind) ?? []), p!.fields]);
    }
    expect([...kinds.keys()].sort()).toEqual(SEED_LOG_FORMATS.map((f) => f.kind).sort());
    // The generated lines, collapsed as the web page did, parse as the same kinds with the same literals.
    const generated = {
      soft_lockup: softLockupLine(124, 22, 'ksmd', 791),
      rcu_self_detected: rcuSelfDetectedLine(),
      rcu_stall_info: rcuStallInfoLine({
        cpu: 27, online: true, inQsmaskinit: true, inQsmaskinitnext: true, irqWorkPending: false, irqWorkDelta: 0, gpsBehind: 0,
        ticksThisGp: 21003, dynticks: 0x2f6, dynticksNesting: 1, dynticksNmiNesting: DYNTICK_IRQ_NONIDLE + 2n, softirqSnap: 77, softirqNow: 77, fqs: 10501, fastNoHz: '',
      }),
      hung_task: hungTaskLine('worker', 19561, 120),
      hung_task_taint: hungTaskTaintLine(new Set(['SOFTLOCKUP']), '5.3.0-rc5-mdr-vanilla+', '#1'),
      hung_task_echo: hungTaskEchoLine(),
    };
    for (const [kind, text] of Object.entries(generated)) {
      const collapsed = text.replace(/\s+/g, ' ').trim();
      const p = parseLogLine(collapsed, true)!;
      expect(p.kind).toBe(kind);
      const seedFields = kinds.get(kind)![0];
      expect(p.fields.length).toBe(seedFields.length);
      // Fields that are constants of the mechanism equal the seed's.
      if (kind === 'rcu_stall_info') {
        expect(p.fields.slice(1, 5)).toEqual(seedFields.slice(1, 5)); // "...."
        expect(p.fields[6]).toBe(seedFields[6]); // ticks this GP
        expect(p.fields.slice(8, 10)).toEqual(seedFields.slice(8, 10)); // /1/0x4000000000000002
      }
      if (kind === 'hung_task_taint') expect(p.fields).toEqual(seedFields);
      if (kind === 'hung_task') expect(p.fields[2]).toBe(seedFields[2]); // 120
    }
  });
});
