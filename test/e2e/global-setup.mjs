// Runs once before the e2e files: checks for Chromium and builds the app that `twb serve` serves
// when out/ is missing or older than the sources (scripts/ensure-built.mjs; E2E_NO_BUILD skips it).
import fs from 'node:fs';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';

export default function globalSetup() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) throw new Error(`e2e: no Chromium at ${chromium}. Install it with: apt-get install -y chromium`);
  if (process.env.E2E_NO_BUILD) return;
  ensureBuilt('e2e');
}
