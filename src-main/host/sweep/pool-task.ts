/** The task of a sweep pool thread (piscina): one sweep run per call. */
import { runSweepJob, type SweepJob, type SweepJobOutput } from './job';

export default function sweepTask(job: SweepJob): SweepJobOutput {
  return runSweepJob(job);
}
