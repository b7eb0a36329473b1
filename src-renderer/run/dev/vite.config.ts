import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Standalone page for the live-update benchmark (bench/topology.ts), run from the repository root:
//   npx vite --config src-renderer/run/dev/vite.config.ts        (dev server; open ?charts=1)
//   npx vite build --config src-renderer/run/dev/vite.config.ts  (→ out/run-dev)
// Paths are relative to the working directory (this file is linted as renderer code, no Node imports).
export default defineConfig({
  root: 'src-renderer/run/dev',
  base: './',
  plugins: [svelte()],
  server: { host: '127.0.0.1', fs: { allow: ['.'] } },
  build: { outDir: '../../../out/run-dev', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
