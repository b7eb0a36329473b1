export * from './contract';
export * from './errors';
export * from './protocol';
export { BridgeClient } from './client';
export { BridgeHost, BRIDGE_MAX_DEPTH } from './host';
export { memoryPort } from './memory';
export { method, event, area, type AreaContract, type MethodSpec, type EventSpec } from './define';
export type { AppInfo, BuiltinInfo } from './areas/app';
export type { WorkspaceSummary, WorkspaceRecord } from './areas/workspaces';
