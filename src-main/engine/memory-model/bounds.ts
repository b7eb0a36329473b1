/**
 * The bounds that keep a litmus test or program from running unbounded: a test whose paths,
 * candidate executions or states would exceed them stops with this error, naming the bound.
 */
export class ModelBoundError extends Error {
  override name = 'ModelBoundError';
}
