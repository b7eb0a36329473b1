import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, ELECTRON_CSP, appFilePath, entryUrl, isAllowedNavigation, isTrustedSender } from './policy';

const entry = 'file:///opt/twb/out/renderer/index.html';

describe('desktop window policy', () => {
  it('trusts only the main frame of our own page', () => {
    expect(isTrustedSender('file:///opt/twb/out/renderer/index.html#/x', entry, true)).toBe(true);
    expect(isTrustedSender('file:///opt/twb/out/renderer/index.html', entry, false)).toBe(false);
    expect(isTrustedSender('file:///tmp/evil.html', entry, true)).toBe(false);
    expect(isTrustedSender('https://evil.example/', entry, true)).toBe(false);
    expect(isTrustedSender(undefined, entry, true)).toBe(false);
    expect(isTrustedSender('http://localhost:5173/', 'http://localhost:5173/', true)).toBe(true);
    expect(isTrustedSender('http://localhost:5174/', 'http://localhost:5173/', true)).toBe(false);
  });

  it('trusts the app scheme by scheme and host (custom schemes have the opaque origin "null")', () => {
    expect(isTrustedSender('app://bundle/index.html#/runs', APP_ENTRY_URL, true)).toBe(true);
    expect(isTrustedSender('app://other/index.html', APP_ENTRY_URL, true)).toBe(false);
    expect(isTrustedSender('evil://bundle/index.html', APP_ENTRY_URL, true)).toBe(false);
    expect(isTrustedSender('data:text/html,hi', APP_ENTRY_URL, true)).toBe(false);
  });

  // Issue 11: ELECTRON_RENDERER_URL was honoured in a packaged app (any http origin would load with the preload).
  it('loads the dev server only in an unpackaged app, and only from this machine', () => {
    expect(entryUrl(true, { ELECTRON_RENDERER_URL: 'http://localhost:5173/' })).toBe(APP_ENTRY_URL);
    expect(entryUrl(false, { ELECTRON_RENDERER_URL: 'http://localhost:5173/' })).toBe('http://localhost:5173/');
    expect(entryUrl(false, { ELECTRON_RENDERER_URL: 'https://evil.example/' })).toBe(APP_ENTRY_URL);
    expect(entryUrl(false, {})).toBe(APP_ENTRY_URL);
  });

  it('maps app://bundle/ paths into the renderer folder only', () => {
    expect(appFilePath('app://bundle/index.html', '/opt/twb/out/renderer')).toBe('/opt/twb/out/renderer/index.html');
    expect(appFilePath('app://bundle/', '/opt/twb/out/renderer')).toBe('/opt/twb/out/renderer/index.html');
    expect(appFilePath('app://bundle/assets/a%20b.js', '/r')).toBe('/r/assets/a b.js');
    // Dot segments are resolved by the URL parser before any file is named: they stay inside.
    expect(appFilePath('app://bundle/%2e%2e/%2e%2e/x', '/r')).toBe('/r/x');
    for (const bad of ['app://bundle/a/..%2f..%2fx', 'app://x/index.html', 'file:///etc/passwd', 'app://bundle/%E0%A4%A', 'app://bundle/a%5C..%5Cb'])
      expect(appFilePath(bad, '/r')).toBeNull();
  });

  it('blocks navigation elsewhere', () => {
    expect(isAllowedNavigation('https://example.com/', entry)).toBe(false);
    expect(isAllowedNavigation('not a url', entry)).toBe(false);
  });

  it('has a CSP without inline or remote scripts', () => {
    expect(ELECTRON_CSP).toContain("script-src 'self'");
    expect(ELECTRON_CSP).not.toMatch(/script-src[^;]*unsafe/);
  });
});
