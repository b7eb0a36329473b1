// vitest globalSetup: tests that spawn `twb` run the built CLI (bin/twb.js → out/main/cli.js), so
// build it first when it is missing or older than the sources — once, before any test file runs.
import { ensureBuilt } from '../scripts/ensure-built.mjs';

export default function setup(): void {
  ensureBuilt('vitest');
}
