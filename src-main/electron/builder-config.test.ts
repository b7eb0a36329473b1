import fs from 'node:fs';
import { describe, expect, it } from 'vitest';

// Issue 11: the desktop build had no fuses. electron-builder flips them from this config when
// it packages the app; this test keeps the config as the security model needs it.
describe('electron-builder.json', () => {
  const config = JSON.parse(fs.readFileSync(new URL('../../electron-builder.json', import.meta.url), 'utf8')) as {
    asar?: boolean;
    electronFuses?: Record<string, boolean>;
  };
  it('turns off RunAsNode, NODE_OPTIONS and the inspector, and turns on asar integrity', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // Integrity is checked on app.asar: the app must be packed in one.
    expect(config.asar).toBe(true);
  });
});
