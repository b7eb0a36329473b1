// lint-as: src-main/engine/run/fixture.ts
// expect: Only src-main/electron (and the preload) may import electron.
// expect: src-common and the engine are pure and synchronous: no dynamic import().
export const loadElectron = () => import('electron');
