import type { z } from 'zod';

/** One method of the contract: a zod schema for its single argument and (type only) its result. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  /** Phantom: carries the result type; never set. */
  readonly output?: O;
}

/** One pushed event: type only (main → renderer payloads are trusted). */
export interface EventSpec<P = unknown> {
  readonly payload?: P;
}

/** `method<Result>()(zodSchemaOfTheArgument)` — curried so the result type can be named while the input is inferred. */
export const method =
  <O>() =>
  <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input });

export const event = <P>(): EventSpec<P> => ({});

/** An area's part of the contract: methods named `area.verb`, events named `onXxx`. */
export interface AreaContract {
  methods: Record<string, MethodSpec>;
  events: Record<`on${string}`, EventSpec>;
}
export const area = <A extends AreaContract>(a: A): A => a;
