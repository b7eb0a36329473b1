// lint-as: src-main/host/server/fixture.ts
// expect: A `require()` style import is forbidden.
// expect: Only src-main/electron (and the preload) may import electron.
// expect: Only src-main/electron (and the preload) may import electron.
// expect: Only src-main/electron (and the preload) may import electron.
// expect: Only src-main/electron (and the preload) may import electron.
// expect: Only src-main/electron (and the preload) may import electron.
export * from 'electron';
export const a = () => import('electron');
export const b = () => import(`electron/main`);
export const c = () => require('electron');
export { app } from 'electron/main';
