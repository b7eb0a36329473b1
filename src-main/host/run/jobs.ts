/**
 * The heavy requests of the bridge, as plain functions of plain data: each runs in a job
 * thread (job-pool.ts) so the serving thread keeps answering other clients, with a memory and
 * a wall budget. The functions themselves live beside their handlers; this table names them.
 */
import { Piscina } from 'piscina';
import { aieDescribe, aieReadMemory, aieReadPartitionMemory } from '../server/handlers/aie';
import { devicesSnapshot } from '../server/handlers/devices';
import { importHwlocText, importLibvirt, importSyntheticText, importWorkspace } from '../server/handlers/transfer';
import { reportFile } from '../report/file';
import type { ReportRun } from '../report/data';
import type { RunReportFormat } from '../../../src-common/bridge/areas/runs';
import type { Workspace } from '../../../src-common/workspace';

export const JOBS = {
  'devices.snapshot': (a: { doc: Workspace; afterNs: number; loopbackBytes: number }) => devicesSnapshot(a.doc, a.afterNs, a.loopbackBytes),
  'aie.describe': (a: { doc: Workspace }) => aieDescribe(a.doc),
  'aie.readMemory': (a: Parameters<typeof aieReadMemory>[0]) => aieReadMemory(a),
  'aie.readPartitionMemory': (a: Parameters<typeof aieReadPartitionMemory>[0]) => aieReadPartitionMemory(a),
  'transfer.importWorkspace': (a: { text: string }) => importWorkspace(a.text),
  'transfer.importHwloc': (a: { text: string; name?: string }) => importHwlocText(a.text, a.name),
  'transfer.importSynthetic': (a: { description: string; name?: string }) => importSyntheticText(a.description, a.name),
  'transfer.importLibvirt': (a: { text: string; document: Workspace }) => importLibvirt(a.text, a.document),
  /** Text reports (html, json, csv); PDF is printed by the desktop app from the html. */
  'report.render': (a: { runs: ReportRun[]; format: Exclude<RunReportFormat, 'pdf'> }) => reportFile(a.runs, a.format),
};

export type JobName = keyof typeof JOBS;
export type JobArg<N extends JobName> = Parameters<(typeof JOBS)[N]>[0];
export type JobValue<N extends JobName> = Awaited<ReturnType<(typeof JOBS)[N]>>;

/** A job's failure as it crosses the thread boundary (an Error's class does not survive the copy). */
export interface JobFailure {
  name: string;
  message: string;
  /** A FieldError's field and detail. */
  field?: string;
  detail?: string;
  /** How many other problems the input has (FieldError.more). */
  more?: number;
}

/** A job's value, or with `encode` its JSON as UTF-8 (written in the job thread, not the serving one). */
export type JobOutcome = { ok: true; value: unknown } | { ok: true; json: Uint8Array } | { ok: false; error: JobFailure };

/** Runs one job here (the job thread's task, and the inline runner of tests). */
export async function runJobHere(name: JobName, arg: unknown, encode = false): Promise<JobOutcome> {
  try {
    const fn = JOBS[name] as (a: unknown) => unknown;
    const value = await fn(arg);
    return encode ? { ok: true, json: new TextEncoder().encode(JSON.stringify(value)) } : { ok: true, value };
  } catch (e) {
    const err = e as Error & { field?: string; detail?: string; more?: number };
    return { ok: false, error: { name: err?.name ?? 'Error', message: err?.message ?? String(e), field: err?.field, detail: err?.detail, more: err?.more } };
  }
}

/** The job thread's task (piscina calls it with each job). */
export default async function jobTask(job: { name: JobName; arg: unknown; encode?: boolean }): Promise<JobOutcome> {
  const out = await runJobHere(job.name, job.arg, job.encode);
  // JSON bytes are moved to the serving thread, not copied: 17 MB of fresh memory there cost
  // 70-160 ms (page faults) at load 7.
  if ('json' in out) {
    const movable = { [Piscina.transferableSymbol]: [out.json.buffer], [Piscina.valueSymbol]: out };
    // Piscina's worker side: a moved Transferable is posted as its value with these transfers.
    return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]) as unknown as JobOutcome;
  }
  return out;
}
