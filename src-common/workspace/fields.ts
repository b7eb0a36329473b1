import { z } from 'zod';

/** Schema building blocks whose messages read `expected 1..8, got 0`. */
const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : v === undefined ? 'nothing' : JSON.stringify(v));

export const intIn = (lo: number, hi: number) =>
  z
    .number({ error: (iss) => `expected an integer ${lo}..${hi}, got ${show(iss.input)}` })
    .int({ error: (iss) => `expected an integer ${lo}..${hi}, got ${show(iss.input)}` })
    .min(lo, { error: (iss) => `expected ${lo}..${hi}, got ${show(iss.input)}` })
    .max(hi, { error: (iss) => `expected ${lo}..${hi}, got ${show(iss.input)}` });

export const oneOf = <T extends number>(values: readonly T[]) =>
  z.custom<T>((v) => values.includes(v as T), {
    error: (iss) => `expected one of ${values.join(', ')}, got ${show(iss.input)}`,
  });

export const bytes = (min = 1) =>
  z
    .number({ error: (iss) => `expected a byte count, got ${show(iss.input)}` })
    .int({ error: (iss) => `expected a whole byte count, got ${show(iss.input)}` })
    .min(min, { error: (iss) => `expected at least ${min} bytes, got ${show(iss.input)}` })
    .max(Number.MAX_SAFE_INTEGER);

export const name = (what: string) =>
  z
    .string({ error: (iss) => `expected a ${what} name, got ${show(iss.input)}` })
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/, {
      error: (iss) => `invalid ${what} name ${show(iss.input)} (letters, digits, _ . + -; at most 64)`,
    });

export const bool = () => z.boolean({ error: (iss) => `expected true or false, got ${show(iss.input)}` });
