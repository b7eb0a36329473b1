/** The task of a `twb explore litmus --jobs N` pool thread (piscina): one test per call. */
import { judgeSource, type LitmusVerdict } from './explore-litmus-judge';

export default function litmusTask(m: { file: string; source: string | { message: string }; states: boolean }): LitmusVerdict {
  return judgeSource(m.file, typeof m.source === 'string' ? m.source : new Error(m.source.message), m.states);
}
