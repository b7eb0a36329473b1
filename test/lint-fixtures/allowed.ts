// lint-as: src-main/electron/fixture.ts
// expect: nothing
import { app } from 'electron';
import { defineConfig } from 'electron-vite';

export const later = () => import('electron');
export const both = () => [app, defineConfig];
