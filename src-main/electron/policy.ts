// Security decisions of the desktop window, kept free of 'electron' imports so they are
// unit-tested under plain Node.

/** The renderer's CSP (also set as a <meta> in index.html, which file:// pages need). */
export const ELECTRON_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Whether an IPC message comes from our own top-level page: the sender must be the app's
 * window and its frame must show the app's entry URL (file:// of index.html, or the dev server).
 */
export function isTrustedSender(frameUrl: string | undefined, entryUrl: string, isMainFrame: boolean): boolean {
  if (!frameUrl || !isMainFrame) return false;
  try {
    const got = new URL(frameUrl);
    const want = new URL(entryUrl);
    if (want.protocol === 'file:') return got.protocol === 'file:' && got.pathname === want.pathname;
    return got.origin === want.origin;
  } catch {
    return false;
  }
}

/** The window never navigates away from the app (links to the web are not followed). */
export function isAllowedNavigation(url: string, entryUrl: string): boolean {
  return isTrustedSender(url, entryUrl, true);
}
