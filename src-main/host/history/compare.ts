import type { ReportRun } from '../report/data';

export interface Pair<T> {
  a: T;
  b: T;
}

/** What differs between two runs and how their outcomes compare (`twb runs compare`, reports). */
export interface RunComparison {
  a: number;
  b: number;
  /** Inputs that differ: seed, duration, `--set` overrides, and every workspace field by path. */
  parameters: { key: string; a: unknown; b: unknown }[];
  firstLockupSeconds: Pair<number | null>;
  lockups: Pair<number>;
  lostIpis: Pair<number>;
  exits: { guest: string; a: number | null; b: number | null }[];
  throughput: {
    /** Simulated seconds per wall second. */
    simSecondsPerWallSecond: Pair<number | null>;
    /** IPIs sent per simulated second. */
    ipisPerSimSecond: Pair<number | null>;
    /** Mean per-CPU busy fraction over the run, %. */
    meanBusyPct: Pair<number | null>;
  };
}

/** Workspace fields that say nothing about the simulation. */
const IGNORED_PATHS = [/^name$/, /^view(\.|$)/];

export function compareRuns(a: ReportRun, b: ReportRun): RunComparison {
  const parameters: RunComparison['parameters'] = [];
  const add = (key: string, x: unknown, y: unknown) => {
    if (JSON.stringify(x) !== JSON.stringify(y)) parameters.push({ key, a: x ?? null, b: y ?? null });
  };
  add('seed', a.seed, b.seed);
  add('duration_s', a.requestedSeconds, b.requestedSeconds);
  for (const k of keysOf(a.params, b.params)) add(`set.${k}`, a.params[k], b.params[k]);
  const fa = flatten(a.workspace);
  const fb = flatten(b.workspace);
  for (const k of keysOf(fa, fb)) if (!IGNORED_PATHS.some((re) => re.test(k))) add(`workspace.${k}`, fa[k], fb[k]);
  const guests = [...new Set([...a.exits.map((g) => g.name), ...b.exits.map((g) => g.name)])];
  const per = (r: ReportRun, n: (r: ReportRun) => number) => (r.simulatedSeconds > 0 ? n(r) / r.simulatedSeconds : null);
  return {
    a: a.id,
    b: b.id,
    parameters,
    firstLockupSeconds: { a: firstLockup(a), b: firstLockup(b) },
    lockups: { a: a.lockups.length, b: b.lockups.length },
    lostIpis: { a: a.lostIpis, b: b.lostIpis },
    exits: guests.map((g) => ({ guest: g, a: a.exits.find((x) => x.name === g)?.total ?? null, b: b.exits.find((x) => x.name === g)?.total ?? null })),
    throughput: {
      simSecondsPerWallSecond: { a: speed(a), b: speed(b) },
      ipisPerSimSecond: { a: per(a, (r) => r.ipisSent), b: per(b, (r) => r.ipisSent) },
      meanBusyPct: { a: meanBusy(a), b: meanBusy(b) },
    },
  };
}

function firstLockup(r: ReportRun): number | null {
  return r.lockups.length ? Math.min(...r.lockups.map((l) => l.t)) : null;
}

function speed(r: ReportRun): number | null {
  return r.wallSeconds && r.wallSeconds > 0 ? r.simulatedSeconds / r.wallSeconds : null;
}

function meanBusy(r: ReportRun): number | null {
  return r.cpus.length ? Math.round((10000 * r.cpus.reduce((s, c) => s + c.busy, 0)) / r.cpus.length) / 100 : null;
}

function keysOf(...objs: Record<string, unknown>[]): string[] {
  return [...new Set(objs.flatMap((o) => Object.keys(o ?? {})))].sort();
}

/** `{host: {sockets: [{cores: 16}]}}` → `{'host.sockets[0].cores': 16}`; empty containers leave no path. */
export function flatten(v: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(v)) {
    v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = v;
  return out;
}
