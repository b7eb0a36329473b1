/** Is every build output there and newer than every source? */
export function isBuilt(): boolean;
/** Builds out/ (npm run build) if it is missing or stale, with a progress line prefixed `who`; exits the process if the build fails. */
export function ensureBuilt(who?: string): void;
