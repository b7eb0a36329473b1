/**
 * The few tile registers the model gives meaning to (offsets from the seed series'
 * ai-engine-aie.c). Every other register offset outside the memories is plain storage.
 */

/** SHIM row: column clock buffer control; bit 0 (COLBUF) enables the column's clock. */
export const SHIMPL_CLKCNTR = 0x36040;
export const CLKCNTR_COLBUF = 0x1;
/** SHIM row: per-column SHIM reset enable; bit 0 selects the column for the SHIM reset. */
export const SHIMPL_RESET = 0x3604c;
export const SHIMRST = 0x1;
/**
 * Core tiles: core status. Model-specific layout (not the hardware's): bit 0 = a kernel is
 * running, bit 1 = stalled on a gated clock, bit 2 = the last kernel hit an error. Read-only.
 */
export const CORE_STATUS = 0x32004;
export const CORE_STATUS_BUSY = 0x1;
export const CORE_STATUS_STALLED = 0x2;
export const CORE_STATUS_ERROR = 0x4;
