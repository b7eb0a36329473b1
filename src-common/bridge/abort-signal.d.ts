// src-common compiles without DOM and Node types (tsconfig.engine.json), yet the bridge passes a
// caller's AbortSignal through to the host's handlers. This names the one member it relies on;
// where DOM or Node types are loaded, the interface merges with theirs.
interface AbortSignal {
  readonly aborted: boolean;
}
