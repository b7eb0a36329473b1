import { describe, expect, it } from 'vitest';
import { Priority, Simulation } from '../core';
import { Completion } from './completion';

describe('Completion', () => {
  it('is not a thenable, so `await` cannot take a continuation out of simulated-time order', () => {
    const c = Completion.resolved(1);
    expect('then' in c).toBe(false);
  });

  it('runs its callbacks inside the event that resolves it, in registration order', () => {
    const sim = new Simulation({ seed: 1 });
    const c = new Completion<number>();
    const seen: string[] = [];
    c.whenDone((v) => seen.push(`first ${v} at ${sim.now}`));
    c.whenDone((v) => seen.push(`second ${v} at ${sim.now}`));
    sim.at(100, Priority.DEFAULT, () => c.resolve(7));
    sim.at(100, Priority.DEFAULT, () => seen.push('next event'));
    sim.runUntil(1000);
    expect(seen).toEqual(['first 7 at 100', 'second 7 at 100', 'next event']);
    // Registered after it settled: runs at once.
    c.whenDone((v) => seen.push(`late ${v}`));
    expect(seen.at(-1)).toBe('late 7');
    expect(() => c.resolve(8)).toThrow('completion resolved twice');
  });
});
