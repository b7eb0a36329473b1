import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Standalone page for the hex view scroll benchmark (bench/topology.ts), run from the repository root:
//   npx vite --config src-renderer/aie/hex-bench/vite.config.ts        (dev server)
//   npx vite build --config src-renderer/aie/hex-bench/vite.config.ts  (→ out/hex-bench)
// Paths are relative to the working directory (this file is linted as renderer code, no Node imports).
export default defineConfig({
  root: 'src-renderer/aie/hex-bench',
  base: './',
  plugins: [svelte()],
  server: { host: '127.0.0.1', fs: { allow: ['.'] } },
  build: { outDir: '../../../out/hex-bench', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
