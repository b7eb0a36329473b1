export { openStore, defaultStorePath, Settings, type Store, type StoreOptions } from './store';
export { WorkspaceRepo, type WorkspaceRecord, type WorkspaceSummary } from './workspace-repo';
export { RunRepo, RUN_STATUSES, type RunRecord, type RunStatus, type NewRun } from './run-repo';
export { StoreError, NotFoundError, ConflictError } from './errors';
export { SCHEMA_VERSION as STORE_SCHEMA_VERSION } from './migrations';
export { HistoryRepo, type HistoryBatch, type SampleData, type StoredSample, type StoredLogLine, type StoredLockup, type StoredLoss, type StoredTimelineRow, type RunExtras } from './history-repo';
export { interruptOrphans, pidAlive } from './orphans';
export { SweepRepo, runKey, type SweepDefinition, type SweepRecord, type SweepRunRow, type SweepRunInput } from './sweep-repo';
