/** A user-facing CLI failure: printed as `twb: message`, exit code `code`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}
