// lint-as: src-common/workspace/fixture.ts
// expect: src-common is shared by every runtime: it may not import src-main
// expect: src-common is shared by every runtime: it may not import src-main
import { Simulation } from '../../src-main/engine/core';
import type { ModelParams } from '../../src-main/engine/params';

export const make = (p: ModelParams) => new Simulation({ seed: 1, params: p });
