import { z } from 'zod';
import { quote } from '../parse/quote';

/** Schema building blocks whose messages read `expected 1..8, got 0`. */

/** The message of a number field: a value that is not finite (Infinity, NaN) is named as such. */
const numberMessage = (expected: string) => (iss: { input?: unknown }) =>
  typeof iss.input === 'number' && !Number.isFinite(iss.input) ? `expected a finite number, got ${quote(iss.input)}` : `${expected}, got ${quote(iss.input)}`;

export const intIn = (lo: number, hi: number) =>
  z
    .number({ error: numberMessage(`expected an integer ${lo}..${hi}`) })
    .int({ error: (iss) => `expected an integer ${lo}..${hi}, got ${quote(iss.input)}` })
    .min(lo, { error: (iss) => `expected ${lo}..${hi}, got ${quote(iss.input)}` })
    .max(hi, { error: (iss) => `expected ${lo}..${hi}, got ${quote(iss.input)}` });

export const oneOf = <T extends number>(values: readonly T[]) =>
  z.custom<T>((v) => values.includes(v as T), {
    error: (iss) => `expected one of ${values.join(', ')}, got ${quote(iss.input)}`,
  });

export const bytes = (min = 1) =>
  z
    .number({ error: numberMessage('expected a byte count') })
    .int({ error: (iss) => `expected a whole byte count, got ${quote(iss.input)}` })
    .min(min, { error: (iss) => `expected at least ${min} bytes, got ${quote(iss.input)}` })
    .max(Number.MAX_SAFE_INTEGER);

export const name = (what: string) =>
  z
    .string({ error: (iss) => `expected a ${what} name, got ${quote(iss.input)}` })
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/, {
      error: (iss) => `invalid ${what} name ${quote(iss.input)} (letters, digits, _ . + -; at most 64)`,
    });

export const bool = () => z.boolean({ error: (iss) => `expected true or false, got ${quote(iss.input)}` });
