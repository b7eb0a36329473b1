/// <reference types="svelte" />
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOTTOM, MIN_BOTTOM, PanelSize } from './panel-size.svelte';

const memory = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
};

describe('PanelSize', () => {
  it('clamps, remembers, and maximises without forgetting the height', () => {
    const storage = memory();
    const a = new PanelSize(storage);
    expect(a.height).toBe(DEFAULT_BOTTOM);
    a.set(10, 700);
    expect(a.height).toBe(MIN_BOTTOM);
    a.set(900, 700);
    expect(a.height).toBe(700);
    a.set(333.4, 700);
    a.toggleMaximised();
    expect(a.maximised).toBe(true);
    expect(new PanelSize(storage).height).toBe(333);
    a.set(300, 700);
    expect(a.maximised).toBe(false);
  });
});
