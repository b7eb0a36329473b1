import crypto from 'node:crypto';

/** A fresh random token per server start (256 bits, URL-safe). */
export const newToken = (): string => crypto.randomBytes(32).toString('base64url');

/** Constant-time token comparison. */
export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/**
 * The page's Content-Security-Policy: only this origin's scripts, no inline script, no
 * plugins, no framing, connections only back to this server.
 */
export function contentSecurityPolicy(origin?: string): string {
  const ws = origin ? ` ${origin.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Svelte templates may carry style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
