// The app, the `twb` CLI and the worker entries are built together by `npm run build`
// (electron-vite build) into out/. `ensureBuilt` builds them when out/ is missing or older than
// the sources, with one progress line on stderr: on `npm install` (the prepare script), on the
// first `twb` of a fresh checkout, in `npm start`, and before the unit tests (vitest globalSetup),
// so what runs is always what the sources say. `node scripts/ensure-built.mjs` does it by hand.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUTS = ['out/renderer/index.html', 'out/preload/index.cjs', 'out/main/index.js', 'out/main/cli.js', 'out/main/run-worker.js', 'out/main/sweep-worker.js', 'out/main/litmus-worker.js', 'out/main/job-worker.js'];
const SOURCES = ['src-main', 'src-common', 'src-renderer', 'src-preload', 'electron.vite.config.ts'];
const LOCK = path.join(ROOT, 'node_modules', '.cache', 'twb-build.lock');
/** A lock older than this is left over from a build that died. */
const STALE_LOCK_MS = 10 * 60_000;

/** The source files under `p` (tests and docs are not built). */
function sourceFiles(p, out = []) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return out;
  }
  if (!st.isDirectory()) {
    if (!/\.test\.ts$|\.md$/.test(p)) out.push(path.relative(ROOT, p));
    return out;
  }
  for (const f of fs.readdirSync(p)) sourceFiles(path.join(p, f), out);
  return out;
}

/**
 * The sources a build depends on. Listed once beside the build (walking the folders costs more
 * than `twb --version` may): a file added later only matters once a listed file imports it,
 * and that one changes then; a listed file that disappears makes the build stale.
 */
const LIST = path.join(ROOT, 'out', 'sources.json');
function listedSources() {
  try {
    return JSON.parse(fs.readFileSync(LIST, 'utf8'));
  } catch {
    return null;
  }
}
function listSources() {
  const files = SOURCES.flatMap((s) => sourceFiles(path.join(ROOT, s)));
  fs.mkdirSync(path.dirname(LIST), { recursive: true });
  fs.writeFileSync(LIST, JSON.stringify(files));
  return files;
}

/**
 * Is every output there and newer than every source? Runs before every `twb` command, so it
 * stays cheap: one stat per file and a plain string join (path.join on ~400 paths costs more
 * than the stats).
 */
export function isBuilt() {
  const root = `${ROOT}${path.sep}`;
  let built = Infinity;
  for (const f of OUTPUTS) {
    const st = fs.statSync(root + f, { throwIfNoEntry: false });
    if (!st) return false;
    built = Math.min(built, st.mtimeMs);
  }
  const files = listedSources() ?? listSources();
  for (const f of files) {
    const st = fs.statSync(root + f, { throwIfNoEntry: false });
    if (!st || st.mtimeMs > built) return false;
  }
  return true;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Holds the build lock (one build at a time across processes) while `fn` runs. */
function withLock(fn) {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // Released meanwhile: try again.
      }
      sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Builds out/ if it is missing or stale; `who` prefixes the progress line. Exits the process if the build fails. */
export function ensureBuilt(who = 'build') {
  if (isBuilt()) return;
  withLock(() => {
    if (isBuilt()) return; // another process built it while we waited
    process.stderr.write(`${who}: building the app and the CLI (npm run build: missing or older than the sources)…\n`);
    const t0 = Date.now();
    // Loaded only to build: the up-to-date path (every `twb` start) does without it.
    const { spawnSync } = createRequire(import.meta.url)('node:child_process');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) {
      process.stderr.write(`${r.stdout}${r.stderr}${who}: the build failed (npm run build; output above)\n`);
      process.exit(1);
    }
    listSources();
    process.stderr.write(`${who}: built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) ensureBuilt(process.argv[2] ?? 'build');
