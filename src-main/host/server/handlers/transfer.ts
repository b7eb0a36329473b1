import type { transferArea, ImportedGuest, TransferFile } from '../../../../src-common/bridge/areas/transfer';
import { NotFoundError, type AreaHandlers } from '../../../../src-common/bridge';
import { FieldError } from '../../../../src-common/parse/field-error';
import { describeWorkspaceError, parseWorkspace, type Guest, type Workspace } from '../../../../src-common/workspace';
import { exportWorkspaceHwloc, importHwlocXml } from '../../import/hwloc';
import { exportLibvirtXml, importLibvirtXml } from '../../import/libvirt';
import { importSynthetic } from '../../import/synthetic';
import { sanitizeName } from '../../import/topology-tree';
import type { HandlerDeps } from './deps';
import { inlineJobs } from '../../run/job-pool';
import { parseJsonText } from '../../../../src-common/parse/json';

/**
 * Import/export for the UI, with the CLI's parsers and writers (`twb import`, `twb export`),
 * so a file the UI writes is byte for byte what the CLI writes. Every failure is a FieldError
 * (a ValidationError on the wire) whose message names the field, or the line and column of
 * malformed XML/JSON. Nothing here writes anything: the renderer applies the result.
 */

/** A leading byte-order mark is not part of the document (editors on Windows add one). */
const stripBom = (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

/** Runs an importer; its plain Errors (`domain/memory/@unit: …`, `malformed XML at line 3, column 5: …`) become validation errors. */
function importing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FieldError) throw e;
    throw new FieldError('', (e as Error).message);
  }
}

export function importWorkspace(text: string): Workspace {
  const json = importing(() => parseJsonText(stripBom(text)));
  try {
    return parseWorkspace(json);
  } catch (e) {
    // What is refused in the user's words first (`guest A: …`), the document path after it, as the CLI says it.
    if (e instanceof FieldError) throw new FieldError('', describeWorkspaceError(json, e));
    throw e;
  }
}

/** `name`, or `name-2`, `name-3`, … — the first that no guest of `doc` has (and not the reserved 'host'). */
export function freeGuestName(name: string, doc: Workspace): string {
  const taken = new Set(['host', ...doc.guests.map((g) => g.name)]);
  if (!taken.has(name)) return name;
  const base = name.slice(0, 56);
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

export function importLibvirt(text: string, doc: Workspace): ImportedGuest {
  const warnings: string[] = [];
  const parsed: Guest = importing(() => importLibvirtXml(stripBom(text), doc.host, warnings));
  const name = freeGuestName(parsed.name, doc);
  const guest = { ...parsed, name };
  // The guest must fit the document as a whole (e.g. a workload's guest names), so adding it is a valid edit.
  parseWorkspace({ ...doc, guests: [...doc.guests, guest] });
  return { guest, renamedFrom: name === parsed.name ? null : parsed.name, warnings };
}

const stem = (s: string, fallback: string) => sanitizeName(s, fallback);

export function exportLibvirt(doc: Workspace, name: string): TransferFile {
  const g = doc.guests.find((x) => x.name === name);
  if (!g) throw new NotFoundError(`guest: no guest '${name}' in the workspace (guests: ${doc.guests.map((x) => x.name).join(', ') || 'none'})`);
  return { text: exportLibvirtXml(g), fileName: `${g.name}.xml` };
}

export const importHwlocText = (text: string, name?: string): Workspace => importing(() => importHwlocXml(stripBom(text), name));
export const importSyntheticText = (description: string, name?: string): Workspace => importing(() => importSynthetic(description, name));

/** Imports parse in a job thread (host/run/job-pool.ts); exports only serialise a validated document. */
export function transferHandlers({ jobs = inlineJobs }: HandlerDeps): AreaHandlers<typeof transferArea> {
  return {
    'transfer.importWorkspace': ({ text }, ctx) => jobs.run('transfer.importWorkspace', { text }, ctx.signal),
    'transfer.importHwloc': ({ text, name }, ctx) => jobs.run('transfer.importHwloc', { text, name }, ctx.signal),
    'transfer.importSynthetic': ({ description, name }, ctx) => jobs.run('transfer.importSynthetic', { description, name }, ctx.signal),
    'transfer.importLibvirt': ({ text, document }, ctx) => jobs.run('transfer.importLibvirt', { text, document }, ctx.signal),
    'transfer.exportWorkspace': ({ document }) => ({ text: JSON.stringify(document, null, 2) + '\n', fileName: `${stem(document.name, 'workspace')}.json` }),
    'transfer.exportHwloc': ({ document }) => ({ text: exportWorkspaceHwloc(document), fileName: `${stem(document.name, 'workspace')}.hwloc.xml` }),
    'transfer.exportLibvirt': ({ document, guest }) => exportLibvirt(document, guest),
  };
}
