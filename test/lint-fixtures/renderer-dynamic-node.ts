// lint-as: src-renderer/lib/fixture.ts
// expect: The renderer may import() only its own modules
// expect: The renderer may import() only its own modules
// expect: Only src-main/electron (and the preload) may import electron.
export const a = () => import('node:fs');
export const b = () => import('../../src-main/engine/core');
export const c = () => import('electron');
export const ok = () => import('./theme');
