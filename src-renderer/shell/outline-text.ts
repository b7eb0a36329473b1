import { plural } from '../../src-common/parse/plural';
import { formatSizeHuman } from '../../src-common/parse/size';

/** The outline's words beside a row's name (Outline.svelte), as a sentence reads them. */

/** `16 cores, 512 GiB`; one core is `1 core`. */
export const socketSummary = (cores: number, memoryBytes: number): string => `${plural(cores, 'core')}, ${formatSizeHuman(memoryBytes)}`;

/** The CPUs of global core `core` (Linux numbers them socket-major): `CPUs 4–7`, or `CPU 5` on an SMT1 host. */
export function coreCpus(core: number, threadsPerCore: number): string {
  const first = core * threadsPerCore;
  return threadsPerCore === 1 ? `CPU ${first}` : `CPUs ${first}–${first + threadsPerCore - 1}`;
}
