#!/usr/bin/env node
// The `twb` command runs the TypeScript sources directly through tsx, so it works right after
// `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli/main.ts');
