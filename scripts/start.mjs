// `npm start`: build what is missing or stale, then open the desktop app; where the Electron
// binary is not installed (offline machines), say so in one line and start browser mode.
// Extra arguments go to `twb serve` (e.g. `npm start -- --port 8080 --db FILE`).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUTS = ['out/renderer/index.html', 'out/main/index.js', 'out/preload/index.cjs'].map((f) => path.join(ROOT, f));
const SOURCES = ['src-renderer', 'src-common', 'src-main/electron', 'src-main/host', 'src-preload', 'electron.vite.config.ts'].map((f) => path.join(ROOT, f));

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

function buildIfNeeded() {
  const built = Math.min(...OUTPUTS.map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)));
  if (built > 0 && built >= Math.max(...SOURCES.map(newestMtime))) return;
  console.log('start: building the app (electron-vite build)…');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    console.error('start: the build failed (see above)');
    process.exit(1);
  }
}

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

buildIfNeeded();
const electron = electronBinary();
if (electron && !process.env.TWB_BROWSER_MODE) {
  run(electron, [ROOT]);
} else {
  console.log('Electron is not installed here (its binary could not be downloaded), so the workbench starts in browser mode instead:');
  run(process.execPath, [path.join(ROOT, 'bin/twb.js'), 'serve', ...process.argv.slice(2)]);
}
