import { describe, expect, it } from 'vitest';
import { ELECTRON_CSP, isAllowedNavigation, isTrustedSender } from './policy';

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

  it('blocks navigation elsewhere', () => {
    expect(isAllowedNavigation('https://example.com/', entry)).toBe(false);
    expect(isAllowedNavigation('not a url', entry)).toBe(false);
  });

  it('has a CSP without inline or remote scripts', () => {
    expect(ELECTRON_CSP).toContain("script-src 'self'");
    expect(ELECTRON_CSP).not.toMatch(/script-src[^;]*unsafe/);
  });
});
