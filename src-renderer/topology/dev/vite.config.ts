import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Standalone dev harness for the topology canvas, run from the repository root:
//   npx vite --config src-renderer/topology/dev/vite.config.ts        (dev server)
//   npx vite build --config src-renderer/topology/dev/vite.config.ts  (→ out/topology-dev)
// Paths are relative to the working directory (this file is linted as renderer code, no Node imports).
export default defineConfig({
  root: 'src-renderer/topology/dev',
  base: './',
  plugins: [svelte()],
  server: { host: '127.0.0.1', fs: { allow: ['.'] } },
  build: { outDir: '../../../out/topology-dev', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
