import { z } from 'zod';
import { LIMITS } from '../../parse/limits';
import { workspaceSchema, type Guest, type Workspace } from '../../workspace';
import { area, method } from '../define';

/**
 * Import and export from the UI (src-renderer/shell/ImportExport.svelte). The renderer is
 * untrusted: it sends a file's text and gets back a validated workspace or guest, or it sends
 * its document and gets back the exported text. All parsing (JSON, hwloc XML, libvirt XML)
 * happens in main, with the CLI's code (`twb import` / `twb export`). Handler:
 * src-main/host/server/handlers/transfer.ts.
 */

/** The largest file the UI may import: far above any real lstopo or libvirt file, well under the socket's 16 MiB message limit. */
export const TRANSFER_MAX_BYTES = LIMITS.fileBytes.value;

/** UTF-8 length of a string without copying it (the limit is in bytes, as the file's size). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Control characters XML 1.0 and JSON both forbid (everything below U+0020 but tab, LF, CR):
 * finding one means a binary file was picked. Refusing it early also keeps the request small
 * (JSON would send each as a 6-byte escape).
 */
function firstControl(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
  }
  return -1;
}

/** `line L, column C` of offset `i` in `s` (1-based, as the XML and JSON errors give it). */
export function lineColumn(s: string, i: number): string {
  const before = s.slice(0, i);
  const line = before.split('\n').length;
  return `line ${line}, column ${i - (before.lastIndexOf('\n') + 1) + 1}`;
}

/** Why `text` cannot be an imported file, or null. */
export function fileTextProblem(text: string): string | null {
  if (text.length > TRANSFER_MAX_BYTES || utf8Length(text) > TRANSFER_MAX_BYTES)
    return `the file is ${mib(utf8Length(text))}; at most ${mib(TRANSFER_MAX_BYTES)} can be imported`;
  const at = firstControl(text);
  if (at >= 0) return `not a text file: control character U+${text.charCodeAt(at).toString(16).padStart(4, '0').toUpperCase()} at ${lineColumn(text, at)}`;
  return null;
}

/** A file's text: at most TRANSFER_MAX_BYTES of UTF-8, no control characters. */
export const fileText = z
  .string({ error: (iss) => `expected the file's text, got ${iss.input === undefined ? 'nothing' : typeof iss.input}` })
  .superRefine((s, ctx) => {
    const problem = fileTextProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** What an export returns: the file's text and a suggested file name. */
export interface TransferFile {
  text: string;
  fileName: string;
}

const workspaceName = z.string().trim().min(1, 'expected a non-empty name').max(200);

export interface ImportedGuest {
  guest: Guest;
  /** The name in the XML when it was taken in the workspace and the guest got a free one instead. */
  renamedFrom: string | null;
  /** What the domain has that the model does not use, one line per element (`domain/devices: not modelled; …`). */
  warnings: string[];
}

export const transferArea = area({
  methods: {
    /** A workspace JSON file (what "Export workspace" and `twb import hwloc -o` write) → a validated document. */
    'transfer.importWorkspace': method<Workspace>()(z.strictObject({ text: fileText })),
    /** hwloc XML (`lstopo --of xml`) → a new workspace around that host, named `name` (default: the host name). */
    'transfer.importHwloc': method<Workspace>()(z.strictObject({ text: fileText, name: workspaceName.optional() })),
    /** An hwloc synthetic description (`pack:2 core:16 pu:4`, as `lstopo --input`) → a new workspace around that host. */
    'transfer.importSynthetic': method<Workspace>()(
      z.strictObject({ description: z.string().trim().min(1, 'expected a description such as "pack:2 core:16 pu:4"').max(1000), name: workspaceName.optional() }),
    ),
    /**
     * libvirt domain XML → a guest that fits `document` (cpusets checked against its host; a
     * name already taken gets a free one), so adding it to the document is a valid edit.
     */
    'transfer.importLibvirt': method<ImportedGuest>()(z.strictObject({ text: fileText, document: workspaceSchema })),
    /** The document as workspace JSON (as `twb import … -o FILE` writes it). */
    'transfer.exportWorkspace': method<TransferFile>()(z.strictObject({ document: workspaceSchema })),
    /** The document's host as hwloc 2 XML (as `twb export hwloc`). */
    'transfer.exportHwloc': method<TransferFile>()(z.strictObject({ document: workspaceSchema })),
    /** One guest as libvirt domain XML (as `twb export libvirt WORKSPACE GUEST`). */
    'transfer.exportLibvirt': method<TransferFile>()(z.strictObject({ document: workspaceSchema, guest: z.string().min(1, 'expected a guest name').max(64) })),
  },
  events: {},
});
