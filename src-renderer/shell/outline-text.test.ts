import { describe, expect, it } from 'vitest';
import { GiB } from '../../src-common/parse/size';
import { coreCpus, socketSummary } from './outline-text';

describe('outline rows read as sentences', () => {
  it('one core is "1 core"; several are "cores"', () => {
    expect(socketSummary(1, 16 * GiB)).toBe('1 core, 16 GiB');
    expect(socketSummary(16, 512 * GiB)).toBe('16 cores, 512 GiB');
  });

  it('a core of an SMT1 host has one CPU, not the range "CPUs 5–5"', () => {
    expect(coreCpus(5, 1)).toBe('CPU 5');
    expect(coreCpus(1, 4)).toBe('CPUs 4–7');
    expect(coreCpus(3, 2)).toBe('CPUs 6–7');
  });
});
