import type { z } from 'zod';
import type { AreaContract, EventSpec, MethodSpec } from './define';
import type { EncodedValue } from './protocol';
import { aieArea } from './areas/aie';
import { appArea } from './areas/app';
import { devicesArea } from './areas/devices';
import { runsArea } from './areas/runs';
import { sweepsArea } from './areas/sweeps';
import { transferArea } from './areas/transfer';
import { workspacesArea } from './areas/workspaces';

/**
 * The whole bridge: every area's methods and events joined. To add an area, write
 * `areas/NAME.ts` (see workspaces.ts) and add it to this list — that is the one line.
 */
export const contract = join(appArea, workspacesArea, aieArea, runsArea, devicesArea, transferArea, sweepsArea);

export type Contract = typeof contract;
export type Methods = Contract['methods'];
export type Events = Contract['events'];
export type MethodName = keyof Methods & string;
export type EventName = keyof Events & string;
/** What the caller passes (before zod defaults/transforms). */
export type ArgOf<M extends MethodName> = z.input<Methods[M]['input']>;
/** What the handler receives (after validation). */
export type ParsedArgOf<M extends MethodName> = z.output<Methods[M]['input']>;
export type ResultOf<M extends MethodName> = Methods[M] extends MethodSpec<z.ZodType, infer O> ? O : never;
export type PayloadOf<E extends EventName> = Events[E] extends EventSpec<infer P> ? P : never;

/** Main-side implementation of some methods; `CallContext` says who is calling. */
export interface CallContext {
  /** Pushes an event to every connected renderer. */
  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void;
  /** Aborted when the caller goes away (its socket closed): long work for it can stop. */
  signal?: AbortSignal;
}
/** A handler's result: the value, or the value already written as JSON by a job thread (EncodedValue). */
type HandlerResult<M extends MethodName> = ResultOf<M> | EncodedValue<ResultOf<M>>;
export type HandlerOf<M extends MethodName> = (arg: ParsedArgOf<M>, ctx: CallContext) => HandlerResult<M> | Promise<HandlerResult<M>>;
/** Handlers for the methods of one area (`AreaHandlers<typeof workspacesArea>`). */
export type AreaHandlers<A extends AreaContract> = { [M in keyof A['methods'] & MethodName]: HandlerOf<M> };
/** Handlers for the whole contract: the host refuses to start without every one. */
export type Handlers = { [M in MethodName]: HandlerOf<M> };

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Joined<A extends readonly AreaContract[]> = {
  methods: UnionToIntersection<A[number]['methods']>;
  events: UnionToIntersection<A[number]['events']>;
};

function join<const A extends readonly AreaContract[]>(...areas: A): Joined<A> {
  const methods: Record<string, MethodSpec> = {};
  const events: Record<string, EventSpec> = {};
  for (const a of areas) {
    for (const k of Object.keys(a.methods)) {
      if (k in methods) throw new Error(`bridge: method '${k}' defined twice`);
      methods[k] = a.methods[k];
    }
    for (const k of Object.keys(a.events)) {
      if (k in events) throw new Error(`bridge: event '${k}' defined twice`);
      events[k] = (a.events as Record<string, EventSpec>)[k];
    }
  }
  return { methods, events } as Joined<A>;
}
