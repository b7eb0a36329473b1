import os from 'node:os';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles the renderer's rune classes (*.svelte.ts) for tests such as test/unit/workspace-store.test.ts.
  plugins: [svelte()],
  test: {
    include: ['src-common/**/*.test.ts', 'src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'test/unit/**/*.test.ts'],
    testTimeout: 60_000,
    // The CLI tests run the built `twb`: build it first if the sources are newer.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // One fork per core. Vitest's default in `run` is cores − 1: a single fork on CI's 2 cores, which ran
    // the 130 files one after another while the second core idled.
    maxWorkers: os.availableParallelism(),
  },
});
