import { describe, expect, it } from 'vitest';
import type { Host } from './host';
import { describeCpus } from './rehost';

// The seed's host shape: 2 sockets × 16 SMT4 cores (CPUs 0-63, Cores L#0-15 on socket 0; CPUs 64-127, Cores L#16-31 on socket 1).
const host = { threadsPerCore: 4, sockets: [{ cores: 16 }, { cores: 16 }] } as unknown as Host;

describe('describeCpus names CPUs as the drawing labels them', () => {
  it('one CPU: its socket, Core L# and thread', () => {
    expect(describeCpus(host, [67])).toBe('CPU 67 (socket 1, Core L#16, thread 3)');
  });
  it('a whole core: the core, not one thread of it', () => {
    expect(describeCpus(host, [120, 121, 122, 123])).toBe('CPUs 120-123 (socket 1, Core L#30)');
  });
  it('part of a core: its threads', () => {
    expect(describeCpus(host, [126, 124, 125])).toBe('CPUs 124-126 (socket 1, Core L#31, threads 0-2)');
  });
  it('whole cores of one socket; cores and threads of several sockets', () => {
    expect(describeCpus(host, [64, 65, 66, 67, 68, 69, 70, 71])).toBe('CPUs 64-71 (socket 1, Cores L#16-17)');
    expect(describeCpus(host, [60, 61, 62, 63, 64])).toBe('CPUs 60-64 (socket 0, Core L#15; socket 1, Core L#16, thread 0)');
    expect(describeCpus(host, [58, 59, 60, 61, 62, 63])).toBe('CPUs 58-63 (socket 0, Core L#14 threads 2-3, Core L#15)');
  });
  it('a CPU past the host: the number alone', () => {
    expect(describeCpus(host, [128, 129])).toBe('CPUs 128-129');
  });
});
