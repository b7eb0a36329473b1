/** A refused AI Engine request, carrying the errno the seed driver returns and the reason. */
export type AieErrno = 'EINVAL' | 'EBUSY' | 'ENODEV' | 'ETIMEDOUT';

export class AieError extends Error {
  override name = 'AieError';
  constructor(
    readonly errno: AieErrno,
    message: string,
  ) {
    super(`${message} (-${errno})`);
  }
}
