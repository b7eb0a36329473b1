/**
 * MHI device states (MHI spec; include/linux/mhi.h enum mhi_state) and the transitions the
 * model allows. M0 is the only state that moves data; M1/M2 are low-power states the device
 * leaves on a doorbell (host asserts wake); M3 is host-initiated suspend; SYS_ERR is a fatal
 * device error that only a reset leaves.
 */
export type MhiState = 'RESET' | 'READY' | 'M0' | 'M1' | 'M2' | 'M3' | 'SYS_ERR';

export const MHI_STATES: readonly MhiState[] = ['RESET', 'READY', 'M0', 'M1', 'M2', 'M3', 'SYS_ERR'];

const LEGAL: Record<MhiState, readonly MhiState[]> = {
  RESET: ['READY', 'SYS_ERR'],
  READY: ['M0', 'RESET', 'SYS_ERR'],
  M0: ['M1', 'M3', 'RESET', 'SYS_ERR'],
  M1: ['M0', 'M2', 'RESET', 'SYS_ERR'],
  M2: ['M0', 'RESET', 'SYS_ERR'],
  M3: ['M0', 'RESET', 'SYS_ERR'],
  SYS_ERR: ['RESET'],
};

export function isLegalTransition(from: MhiState, to: MhiState): boolean {
  return LEGAL[from].includes(to);
}

export function legalTargets(from: MhiState): readonly MhiState[] {
  return LEGAL[from];
}
