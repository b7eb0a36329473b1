// `npm start`: build what is missing or stale, then open the desktop app; where the Electron
// binary is not installed (offline machines), say so in one line and start browser mode.
// Extra arguments go to `twb serve` (e.g. `npm start -- --port 8080 --db FILE`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './ensure-built.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The Electron binary, if installed. Reads electron's own path.txt instead of requiring the
 * package: electron 45 downloads its binary lazily on first use, which hangs offline.
 */
function electronBinary() {
  const dir = path.join(ROOT, 'node_modules', 'electron');
  const pathTxt = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathTxt)) return null;
  const bin = path.join(dir, 'dist', fs.readFileSync(pathTxt, 'utf8').trim());
  return fs.existsSync(bin) ? bin : null;
}

function run(cmd, args) {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

ensureBuilt('start');
const electron = electronBinary();
if (electron && !process.env.TWB_BROWSER_MODE) {
  run(electron, [ROOT]);
} else {
  console.log('Electron is not installed here (its binary could not be downloaded), so the workbench starts in browser mode instead:');
  run(process.execPath, [path.join(ROOT, 'bin/twb.js'), 'serve', ...process.argv.slice(2)]);
}
