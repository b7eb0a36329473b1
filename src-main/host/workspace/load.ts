import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJsonText } from '../../../src-common/parse/json';
import { LIMITS, atMost } from '../../../src-common/parse/limits';
import { describeWorkspaceError, parseWorkspace, type Workspace } from '../../../src-common/workspace';

const BUILTIN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../resources/workspaces');

/** Names of the built-in example workspaces (`builtin:NAME`). */
export function builtinNames(): string[] {
  return fs
    .readdirSync(BUILTIN_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A text file of at most LIMITS.fileBytes (checked before reading it); errors say `cannot read WHAT: ENOENT`. */
export function readTextFile(file: string, what: string): string {
  try {
    const size = fs.statSync(file).size;
    if (size > LIMITS.fileBytes.value) throw new Error(`cannot read ${what}: it is ${size} bytes; ${atMost('fileBytes')}`);
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (!(e as NodeJS.ErrnoException).code) throw e;
    throw new Error(`cannot read ${what}: ${(e as NodeJS.ErrnoException).code}`, { cause: e });
  }
}

/** Reads `builtin:NAME` or a workspace JSON file; every problem names its field. */
export function loadWorkspace(ref: string): Workspace {
  let file = ref;
  if (ref.startsWith('builtin:')) {
    const name = ref.slice('builtin:'.length);
    if (!builtinNames().includes(name)) throw new Error(`no built-in workspace '${name}' (have: ${builtinNames().join(', ')})`);
    file = path.join(BUILTIN_DIR, `${name}.json`);
  }
  const text = readTextFile(file, `workspace '${ref}'`);
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (e) {
    throw new Error(`${ref}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return parseWorkspace(json);
  } catch (e) {
    // What is refused in the user's words first (`guest A, vCPU 32: …`), the document path after it, as the app says it.
    throw new Error(`${ref}: ${describeWorkspaceError(json, e)}`, { cause: e });
  }
}
