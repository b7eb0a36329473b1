import { describe, expect, it } from 'vitest';
import { RUN_BUDGET } from '../run/runner';
import { MIN_RUN_HEAP_MB, threadHeapMb } from './pool';

const GiB = 2 ** 30;

describe('sweep thread heap', () => {
  it("gives each thread a run's whole budget while the machine has room for all of them", () => {
    expect(threadHeapMb(2, 'jobs', 24 * GiB)).toBe(RUN_BUDGET.memoryMb);
    expect(threadHeapMb(9, 'jobs', 24 * GiB)).toBe(RUN_BUDGET.memoryMb); // 9 × 2048 MB ≤ 18 GiB
  });

  it('shares three quarters of the memory out when the threads would not fit at full budget', () => {
    expect(threadHeapMb(12, 'jobs', 24 * GiB)).toBe(Math.floor((24 * 1024 * 0.75) / 12));
    expect(threadHeapMb(36, 'jobs', 24 * GiB)).toBeGreaterThanOrEqual(MIN_RUN_HEAP_MB);
  });

  it('refuses, naming the field and the most threads that fit, when a share falls below what a run needs', () => {
    expect(() => threadHeapMb(64, '--jobs', 24 * GiB)).toThrow(/^--jobs: 64 threads would leave each run 288 MB .* 24\.0 GiB .*; at most 36$/);
    expect(() => threadHeapMb(2, '--concurrency', 1 * GiB)).toThrow(/^--concurrency: .*at most 1$/);
  });
});
