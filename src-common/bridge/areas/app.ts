import { z } from 'zod';
import { area, method } from '../define';

export interface AppInfo {
  name: string;
  version: string;
  /** How the renderer is connected: the desktop app or browser mode. */
  mode: 'electron' | 'browser' | 'test';
  /** The SQLite file in use. */
  storeFile: string;
}

export interface BuiltinInfo {
  /** Use as `builtin:NAME`. */
  name: string;
  /** The document's own display name. */
  title: string;
}

/** One documented model parameter (what `twb params` lists; workspace `params` overrides it by key). */
export interface ParamInfo {
  key: string;
  unit: string;
  default: number | boolean | string;
  doc: string;
  source: string;
  min?: number;
  max?: number;
  values?: readonly string[];
}

/** Application facts: version, built-in example workspaces, the model parameter catalog. */
export const appArea = area({
  methods: {
    'app.info': method<AppInfo>()(z.undefined()),
    'app.builtins': method<BuiltinInfo[]>()(z.undefined()),
    'app.params': method<ParamInfo[]>()(z.undefined()),
  },
  events: {},
});
