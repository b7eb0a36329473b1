#!/usr/bin/env node
// `twb`: runs the CLI built with the app (`npm run build` → out/main/cli.js). A checkout whose
// build is missing or older than its sources is built first, with a progress line
// (scripts/ensure-built.mjs), so `twb` always runs what the sources say.
import { ensureBuilt } from '../scripts/ensure-built.mjs';

ensureBuilt('twb');
await import(new URL('../out/main/cli.js', import.meta.url).href);
