import { FieldError } from '../../../src-common/parse/field-error';
import type { Workspace } from '../../../src-common/workspace';
import { ParamError } from '../core';
import { checkParam } from '../params';
import { parseStressCommand } from '../stress/parse';

/**
 * What a schema-valid workspace can still get wrong for a run, each naming its field:
 * stress command lines stress would reject, and parameter overrides the models do not know
 * or whose values are out of range (the registry's message names the key and its range).
 */
export function runProblems(ws: Workspace): FieldError[] {
  const out: FieldError[] = [];
  ws.workloads.forEach((w, i) => {
    try {
      parseStressCommand(w.command);
    } catch (e) {
      out.push(new FieldError(`workloads[${i}].command`, (e as Error).message));
    }
  });
  for (const [k, v] of Object.entries(ws.params)) {
    try {
      checkParam(k, v);
    } catch (e) {
      out.push(new FieldError(`params.${k}`, e instanceof ParamError ? e.reason : (e as Error).message));
    }
  }
  return out;
}
