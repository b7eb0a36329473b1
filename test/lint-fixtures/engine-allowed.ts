// lint-as: src-main/engine/run/fixture.ts
// expect: nothing
import { parseDuration } from '../../../src-common/parse/duration';
import { Priority } from '../core';
import type { ModelParams } from '../params';

export const f = (p: ModelParams) => parseDuration('1ms') + Priority.DEFAULT + p.get('host.hz');
