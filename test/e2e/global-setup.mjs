// Runs once before the e2e files: checks for Chromium and builds the app that `twb serve` serves.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default function globalSetup() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) throw new Error(`e2e: no Chromium at ${chromium}. Install it with: apt-get install -y chromium`);
  if (process.env.E2E_NO_BUILD) return;
  console.log('e2e: building the renderer (electron-vite build)');
  const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('e2e: the build failed');
}
