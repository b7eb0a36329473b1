// Browser end-to-end tests (test/e2e/*.e2e.mjs) in Debian's Chromium with @playwright/test.
// The global setup builds the app if the sources are newer than out/; each test file then gets its own `twb serve`
// and store (test/e2e/fixtures.mjs). Results: test-results/e2e.json (read by
// scripts/count-results.mjs), traces of failed tests under test-results/e2e-artifacts/.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: /\.e2e\.mjs$/,
  globalSetup: './test/e2e/global-setup.mjs',
  outputDir: 'test-results/e2e-artifacts',
  // Two files at a time (CI has 2 cores): each test waits on a browser and a server in turn, so one worker left
  // a core idle much of the time. Each file keeps its own server, store and browser context (fixtures.mjs).
  // E2E_WORKERS=1 runs one file at a time.
  workers: Number(process.env.E2E_WORKERS ?? 2),
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    // No action waits without end: a click on a control that stays disabled (a Stop after the run already
    // finished) fails in 60 s with its reason instead of eating the whole test's budget.
    actionTimeout: 60_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
