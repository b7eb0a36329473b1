import { z } from 'zod';
import type { ParamDef } from '../../params/param-def';
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

/** Application facts: version, built-in example workspaces, the model parameter catalog. */
export const appArea = area({
  methods: {
    'app.info': method<AppInfo>()(z.undefined()),
    'app.builtins': method<BuiltinInfo[]>()(z.undefined()),
    /** The model parameter catalog (what `twb params` lists; a workspace's `params` override it by key). */
    'app.params': method<ParamDef[]>()(z.undefined()),
  },
  events: {},
});
