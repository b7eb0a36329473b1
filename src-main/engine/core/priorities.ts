/**
 * Event priorities: among events at the same nanosecond, lower runs first. Each has a reason.
 * Ties within one priority run in scheduling order (the queue's sequence number).
 */
export const Priority = {
  /** Hardware makes stores visible / raises interrupts before software reacts at that instant. */
  HARDWARE: 10,
  /** Interrupt and exception entry preempts whatever the CPU would run next. */
  INTERRUPT: 20,
  /** Ordinary task and device-model progress. */
  DEFAULT: 50,
  /** Detectors (watchdog, RCU, hung task) observe state after everything else at that time. */
  DETECTOR: 80,
  /** Sampling for charts and progress reads the settled state of the instant. */
  SAMPLE: 90,
} as const;
export type PriorityValue = (typeof Priority)[keyof typeof Priority];
