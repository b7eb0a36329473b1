import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Entries are explicit because the layout is not electron-vite's default (docs/architecture.md §6).
const r = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ROOT = r('./');

/**
 * Host modules find files relative to their own source (`new URL('../../resources', import.meta.url)`).
 * Bundled into out/main/index.js they would look relative to out/main instead, so each one's
 * `import.meta.url` is rewritten to the URL its source file has relative to the bundle.
 * src-main/electron is exempt: it locates the built preload and renderer beside the bundle.
 */
function sourceRelativeImportMetaUrl(): Plugin {
  return {
    name: 'twb-source-relative-import-meta-url',
    transform(code, id) {
      const file = id.split('?')[0];
      if (!file.startsWith(ROOT) || file.includes('/node_modules/') || file.startsWith(r('./src-main/electron/'))) return null;
      if (!code.includes('import.meta.url')) return null;
      const rel = path.relative(r('./out/main'), file).split(path.sep).join('/');
      return { code: code.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), map: null };
    },
  };
}

export default defineConfig({
  // Node-side code: the desktop app's main process, the `twb` CLI (bin/twb.js runs out/main/cli.js)
  // and the worker-thread entries both start (host/worker-entry.ts). Shared code lands in
  // chunks beside them, flat in out/main, so the import.meta.url rewrite above holds for every file.
  main: {
    plugins: [sourceRelativeImportMetaUrl()],
    // Built code starts the built workers, not the tsx boot files the sources use.
    define: { __TWB_BUILT__: 'true' },
    build: {
      outDir: r('./out/main'),
      lib: {
        entry: {
          index: r('./src-main/electron/main.ts'),
          cli: r('./src-main/cli/main.ts'),
          'run-worker': r('./src-main/host/run/worker.ts'),
          'sweep-worker': r('./src-main/host/sweep/pool-task.ts'),
          'litmus-worker': r('./src-main/cli/commands/explore-litmus-task.ts'),
          'job-worker': r('./src-main/host/run/jobs.ts'),
        },
      },
      // better-sqlite3 is a native module: loaded from node_modules (or nativeBinding) at run time.
      rolldownOptions: { external: ['better-sqlite3', 'electron'], output: { chunkFileNames: '[name]-[hash].js' } },
    },
  },
  preload: {
    build: {
      outDir: r('./out/preload'),
      lib: { entry: { index: r('./src-preload/index.ts') } },
      // A sandboxed preload must be CommonJS.
      rolldownOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: r('./src-renderer'),
    plugins: [svelte()],
    build: {
      outDir: r('./out/renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: { index: r('./src-renderer/index.html') } },
    },
  },
});
