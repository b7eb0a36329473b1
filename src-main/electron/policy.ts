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

/** The app's own scheme: the built renderer is served as `app://bundle/…`, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * The page the window loads: the built renderer on the app scheme; electron-vite's dev server
 * (`ELECTRON_RENDERER_URL`) only in an unpackaged app — a packaged app never loads another
 * origin with the preload, whatever its environment says.
 */
export function entryUrl(isPackaged: boolean, env: Record<string, string | undefined>): string {
  const dev = env.ELECTRON_RENDERER_URL;
  if (isPackaged || !dev) return APP_ENTRY_URL;
  try {
    const u = new URL(dev);
    // The dev server runs on this machine.
    if (u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1')) return u.href;
  } catch {
    // not a URL: fall through
  }
  return APP_ENTRY_URL;
}

/**
 * The file an `app://bundle/…` request names under `root` (the built renderer), or null when it
 * is malformed or outside it (`..`, encoded slashes, another host).
 */
export function appFilePath(url: string, root: string, sep = '/'): string | null {
  let u: URL;
  let rel: string;
  try {
    u = new URL(url);
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  const parts = rel.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '..' || p === '.' || p.includes('\\') || p.includes('\0'))) return null;
  return [root.replace(/[\\/]+$/, ''), ...parts].join(sep);
}

/**
 * Whether an IPC message comes from our own top-level page: the sender must be the app's
 * window and its frame must show the app's entry URL (app://bundle/…, or the dev server).
 */
export function isTrustedSender(frameUrl: string | undefined, entryUrl: string, isMainFrame: boolean): boolean {
  if (!frameUrl || !isMainFrame) return false;
  try {
    const got = new URL(frameUrl);
    const want = new URL(entryUrl);
    if (want.protocol === 'file:') return got.protocol === 'file:' && got.pathname === want.pathname;
    // Compared part by part: the URL class gives custom schemes the opaque origin "null".
    return got.protocol === want.protocol && got.host === want.host;
  } catch {
    return false;
  }
}

/** The window never navigates away from the app (links to the web are not followed). */
export function isAllowedNavigation(url: string, entryUrl: string): boolean {
  return isTrustedSender(url, entryUrl, true);
}
