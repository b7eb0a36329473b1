import { z } from 'zod';
import { quote } from '../parse/quote';
import { FieldError, formatPath } from '../parse/field-error';
import { NODES, parseCpuset } from '../parse/cpuset';
import { bool, name } from './fields';
import { LIMITS, atMost, type LimitName } from '../parse/limits';
import { hostSchema } from './host';
import { guestSchema, vcpuCount } from './guest';
import { workloadSchema } from './workload';
import { mhiControllerSchema, mhiPciBusId } from './devices/mhi';
import { pciFunctions } from './host-io';
import { aieArraySchema } from './devices/aie';
import { dmabufAieProblems, dmabufSchema } from './devices/dmabuf';

export const SCHEMA_VERSION = 1;

/** Kernel variant: each barrier of seed kvm-ppc-host-ipi-barriers is an independent toggle. */
export const kernelSchema = z.strictObject({
  barriers: z.strictObject({
    /** smp_mb() before kvmppc_set_host_ipi(cpu, 1). */
    beforeSet: bool(),
    /** smp_mb() after kvmppc_set_host_ipi(cpu, 0). */
    afterClear: bool(),
  }),
});

export const paramValueSchema = z.union([z.number(), z.boolean(), z.string().max(256)]);

/** Characters of the host cpusets and nodesets a guest names (what the workspace check parses for it). */
function guestCpusetChars(g: z.infer<typeof guestSchema>): number {
  const len = (s: string | undefined) => s?.length ?? 0;
  let n = len(g.emulatorpin) + len(g.numatune?.memory?.nodeset);
  for (const p of g.vcpupin) n += p.cpuset.length;
  for (const p of g.iothreadpin ?? []) n += p.cpuset.length;
  for (const m of g.numatune?.memnode ?? []) n += m.nodeset.length;
  return n;
}

/** `expected at most 256 guests`. */
const tooMany = (name: LimitName) => `expected ${atMost(name)}`;

export const workspaceSchema = z
  .strictObject({
    schemaVersion: z.literal(SCHEMA_VERSION, { error: (iss) => `expected ${SCHEMA_VERSION}, got ${quote(iss.input)}` }),
    name: z.string().min(1).max(200),
    host: hostSchema,
    guests: z.array(guestSchema).max(LIMITS.guests.value, { error: tooMany('guests') }),
    devices: z.strictObject({
      mhi: z.array(mhiControllerSchema).max(LIMITS.mhiControllers.value, { error: tooMany('mhiControllers') }),
      aie: aieArraySchema.nullable(),
      dmabuf: dmabufSchema,
    }),
    workloads: z.array(workloadSchema).max(LIMITS.workloads.value, { error: tooMany('workloads') }),
    kernel: kernelSchema,
    /** Overrides of documented model parameters, by key (validated against the engine's registry). */
    params: z.record(z.string().max(128), paramValueSchema).refine((p) => Object.keys(p).length <= LIMITS.paramEntries.value, { error: `expected ${atMost('paramEntries')}` }),
    /** Node positions of the drawing: a view model kept apart from the topology it draws. */
    view: z
      .strictObject({
        positions: z
          .record(z.string().max(256), z.strictObject({ x: z.number(), y: z.number() }))
          .refine((p) => Object.keys(p).length <= LIMITS.viewPositions.value, { error: `expected ${atMost('viewPositions')}` }),
      })
      .optional(),
  })
  .superRefine((ws, ctx) => {
    const hostCpus = ws.host.sockets.reduce((n, s) => n + s.cores, 0) * ws.host.threadsPerCore;
    const vcpus = ws.guests.reduce((n, g) => n + vcpuCount(g), 0);
    if (vcpus > LIMITS.vcpusTotal.value) ctx.addIssue({ code: 'custom', path: ['guests'], message: `${vcpus} vCPUs in all; ${atMost('vcpusTotal')} over all guests` });
    // Bounded before any is parsed: parsing is linear, but 56 cpusets at their own length limit
    // held the serving thread for 0.9 s at load 20.
    const cpusetChars = ws.guests.reduce((n, g) => n + guestCpusetChars(g), 0);
    if (cpusetChars > LIMITS.cpusetCharsTotal.value) {
      ctx.addIssue({ code: 'custom', path: ['guests'], message: `${cpusetChars} characters of cpusets and nodesets in all; ${atMost('cpusetCharsTotal')}` });
      return;
    }
    const seen = new Set<string>();
    ws.guests.forEach((g, gi) => {
      if (g.name === 'host') ctx.addIssue({ code: 'custom', path: ['guests', gi, 'name'], message: `'host' is reserved` });
      if (seen.has(g.name)) ctx.addIssue({ code: 'custom', path: ['guests', gi, 'name'], message: `duplicate guest name '${g.name}'` });
      seen.add(g.name);
      const pinned = new Set<number>();
      g.vcpupin.forEach((p, pi) => {
        if (p.vcpu >= vcpuCount(g))
          ctx.addIssue({ code: 'custom', path: ['guests', gi, 'vcpupin', pi, 'vcpu'], message: `expected 0..${vcpuCount(g) - 1}, got ${p.vcpu}` });
        if (pinned.has(p.vcpu))
          ctx.addIssue({ code: 'custom', path: ['guests', gi, 'vcpupin', pi, 'vcpu'], message: `vCPU ${p.vcpu} is pinned twice` });
        pinned.add(p.vcpu);
        try {
          parseCpuset(p.cpuset, hostCpus);
        } catch (e) {
          ctx.addIssue({ code: 'custom', path: ['guests', gi, 'vcpupin', pi, 'cpuset'], message: (e as Error).message });
        }
      });
      // Host CPUs and NUMA nodes the guest's QEMU threads and memory are bound to.
      const check = (text: string | undefined, path: (string | number)[], nodes: boolean) => {
        if (text === undefined) return;
        try {
          if (nodes) parseCpuset(text, ws.host.sockets.length, NODES);
          else parseCpuset(text, hostCpus);
        } catch (e) {
          ctx.addIssue({ code: 'custom', path: ['guests', gi, ...path], message: (e as Error).message });
        }
      };
      check(g.emulatorpin, ['emulatorpin'], false);
      g.iothreadpin?.forEach((p, pi) => check(p.cpuset, ['iothreadpin', pi, 'cpuset'], false));
      check(g.numatune?.memory?.nodeset, ['numatune', 'memory', 'nodeset'], true);
      g.numatune?.memnode?.forEach((m, mi) => check(m.nodeset, ['numatune', 'memnode', mi, 'nodeset'], true));
    });
    ws.workloads.forEach((w, wi) => {
      if (w.target !== 'host' && !seen.has(w.target))
        ctx.addIssue({ code: 'custom', path: ['workloads', wi, 'target'], message: `no guest named '${w.target}' (expected 'host' or a guest name)` });
    });
    const mhiNames = new Set<string>();
    ws.devices.mhi.forEach((m, mi) => {
      if (m.socket >= ws.host.sockets.length)
        ctx.addIssue({ code: 'custom', path: ['devices', 'mhi', mi, 'socket'], message: `expected 0..${ws.host.sockets.length - 1}, got ${m.socket}` });
      // The name makes the UCI node /dev/mhi_<controller>_<device>: two alike would collide.
      if (mhiNames.has(m.name)) ctx.addIssue({ code: 'custom', path: ['devices', 'mhi', mi, 'name'], message: `duplicate MHI controller name '${m.name}'` });
      mhiNames.add(m.name);
    });
    // An MHI modem is a PCI function on its own socket: the host bridge it is under (when the host's I/O lists it) must be that socket's.
    const fns = pciFunctions(ws.host.io);
    const addresses = new Map<string, number>();
    ws.devices.mhi.forEach((m, mi) => {
      const busid = mhiPciBusId(ws.devices.mhi, mi);
      const other = addresses.get(busid);
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['devices', 'mhi', mi, 'pci'], message: `PCI ${busid} is also MHI controller ${ws.devices.mhi[other].name}'s` });
      addresses.set(busid, mi);
      const at = fns.find((f) => f.fn.busid === busid);
      if (at && at.hostBridge.socket !== undefined && at.hostBridge.socket !== m.socket)
        ctx.addIssue({ code: 'custom', path: ['devices', 'mhi', mi, 'pci'], message: `PCI ${busid} is under socket ${at.hostBridge.socket}'s host bridge, but the controller is on socket ${m.socket}` });
    });
    for (const p of dmabufAieProblems(ws.devices.dmabuf, ws.devices.aie))
      ctx.addIssue({ code: 'custom', path: ['devices', 'dmabuf', ...p.path], message: p.message });
  });

export type Workspace = z.infer<typeof workspaceSchema>;
export const workspaceName = name;

/** Every problem with a document, each naming its field. */
export function workspaceProblems(input: unknown): FieldError[] {
  const r = workspaceSchema.safeParse(input);
  return r.success ? [] : issuesToFieldErrors(r.error.issues);
}

/** Turns zod issues into FieldErrors; an unknown key is reported at its own path. */
export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((iss) =>
    iss.code === 'unrecognized_keys'
      ? iss.keys.map((k) => new FieldError(formatPath([...iss.path, k]), 'unknown field'))
      : [new FieldError(formatPath(iss.path), iss.message)],
  );
}

/** Validates a document; throws the first problem as a FieldError (`guests[1].smp.threads: expected 1..8, got 0`). */
export function parseWorkspace(input: unknown): Workspace {
  const r = workspaceSchema.safeParse(input);
  if (r.success) return r.data;
  const [first, ...rest] = issuesToFieldErrors(r.error.issues);
  throw new FieldError(first.field, first.detail, rest.length);
}

/** Logical CPUs of a host. */
export const hostCpuCount = (host: Workspace['host']) => host.sockets.reduce((n, s) => n + s.cores, 0) * host.threadsPerCore;
