import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-common/**/*.test.ts', 'src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'test/unit/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
