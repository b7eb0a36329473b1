// lint-as: src-main/engine/core/fixture.ts
// expect: src-common and the engine are pure: no Node, Electron, DOM or host imports.
// expect: src-common and the engine are pure and synchronous: no dynamic import().
// expect: src-common and the engine are pure and synchronous: no dynamic import().
// expect: Use a seeded PRNG stream
import fs from 'node:fs';

const name = 'node:path';
export const p = () => import(name);
export const q = () => import('./prng');
export const r = () => Math.random() + fs.constants.F_OK;
