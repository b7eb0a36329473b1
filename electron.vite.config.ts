import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

// Entries are explicit because the layout is not electron-vite's default (DESIGN.md §6).
const r = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: r('./out/main'),
      lib: { entry: { index: r('./src-main/electron/main.ts') } },
      // better-sqlite3 is a native module: loaded from node_modules (or nativeBinding) at run time.
      rolldownOptions: { external: ['better-sqlite3', 'electron'] },
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
