import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWorkspace } from '../../../src-common/workspace';
import { buildRun } from './build';
import { runProblems } from './validate';
import { SEC } from '../core';

// Only the run builder is imported here, as in the CLI's `twb run` and the run worker: the
// device models' parameters must be known to it all the same.
const aieDemo = () => parseWorkspace(JSON.parse(fs.readFileSync(new URL('../../../resources/workspaces/aie-demo.json', import.meta.url), 'utf8')));

describe('a run of a workspace whose params set device parameters', () => {
  it('accepts aie.*, mhi.* and dmabuf.* overrides (workspace params and --set)', () => {
    const ws = { ...aieDemo(), params: { 'aie.clockHz': 2e9, 'mhi.dev.treNs': 100, 'dmabuf.pageBytes': 4096 } };
    expect(runProblems(ws)).toEqual([]);
    const run = buildRun(ws, { seed: 1, set: { 'aie.kernel.chunkWords': '32' } });
    run.sim.runUntil(SEC / 1000);
    expect(run.summary({ wallSeconds: 0 }).params).toMatchObject({ 'aie.clockHz': 2e9, 'aie.kernel.chunkWords': 32 });
  });

  it('still refuses an unknown device parameter, naming it', () => {
    expect(runProblems({ ...aieDemo(), params: { 'aie.bogus': 1 } }).map(String)).toEqual([expect.stringContaining("params.aie.bogus: unknown parameter 'aie.bogus'")]);
  });
});
