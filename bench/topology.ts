/**
 * Topology canvas load: the 4 sockets × 24 SMT4 cores (384 threads), 8 guests of 64
 * vCPUs and a 50 × 9 AIE array, drawn by the standalone harness page in Debian's headless
 * Chromium. Measures navigation start → first painted frame with the drawing (target ≤ 1.5 s),
 * and the same for the seed workspace.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function benchTopology(): Promise<Record<string, number>> {
  const cwd = process.cwd();
  process.chdir(ROOT); // the harness config's paths are relative to the repository root
  try {
    const config = path.join(ROOT, 'src-renderer/topology/dev/vite.config.ts');
    await build({ configFile: config, logLevel: 'error' });
    const server = await preview({ configFile: config, logLevel: 'error', preview: { port: 0, host: '127.0.0.1' } });
    const url = server.resolvedUrls?.local[0];
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    const out: Record<string, number> = {};
    try {
      for (const c of ['big', 'seed']) {
        const times: number[] = [];
        for (let i = 0; i < 3; i++) {
          const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
          await page.goto(`${url}?case=${c}`);
          await page.waitForFunction('window.__drawnAt !== undefined', null, { timeout: 60_000 });
          times.push(Number(await page.evaluate('window.__drawnAt')));
          await page.close();
        }
        out[`topology_${c}_first_paint_ms`] = Math.round(Math.min(...times));
      }
    } finally {
      await browser.close();
      await new Promise<void>((r) => server.httpServer.close(() => r()));
    }
    return out;
  } finally {
    process.chdir(cwd);
  }
}
