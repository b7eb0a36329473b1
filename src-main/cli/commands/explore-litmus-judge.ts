/**
 * One litmus test from source text to a verdict, for `twb explore litmus` (in the CLI's thread
 * or a worker). Never throws for a bad test: syntax errors and exceeded bounds become `error`.
 */
import { ModelBoundError } from '../../engine/memory-model/bounds';
import { ProgramError } from '../../engine/memory-model/program';
import { formatLitmusResult, judgeLitmus } from '../../engine/litmus/judge';
import { LitmusSyntaxError, parseLitmus } from '../../engine/litmus/parse';

export interface LitmusVerdict {
  file: string;
  name?: string;
  /** herd7's `Observation NAME Sometimes|Never|Always P N` line. */
  observation?: 'Never' | 'Sometimes' | 'Always';
  positive?: number;
  negative?: number;
  /** herd's Ok/No for the quantified condition. */
  validated?: boolean;
  states?: { state: string; satisfies: boolean }[];
  /** The whole herd7-shaped report (when asked for). */
  report?: string;
  /** `FILE:LINE:COLUMN: detail` or `FILE: detail`. */
  error?: string;
}

export function judgeSource(file: string, source: string | Error, withReport: boolean): LitmusVerdict {
  if (source instanceof Error) return { file, error: `${file}: ${source.message}` };
  try {
    const test = parseLitmus(source);
    const r = judgeLitmus(test);
    return {
      file,
      name: r.name,
      observation: r.observation,
      positive: r.positive,
      negative: r.negative,
      validated: r.validated,
      states: r.states.map((s) => ({ state: s.text, satisfies: s.satisfies })),
      report: withReport ? formatLitmusResult(test, r) : undefined,
    };
  } catch (e) {
    if (e instanceof LitmusSyntaxError) return { file, error: `${file}:${e.line}:${e.column}: ${e.detail}` };
    if (e instanceof ModelBoundError || e instanceof ProgramError) return { file, error: `${file}: ${e.message}` };
    throw e;
  }
}

export function observationLine(v: LitmusVerdict): string {
  return `Observation ${v.name} ${v.observation} ${v.positive} ${v.negative}`;
}
