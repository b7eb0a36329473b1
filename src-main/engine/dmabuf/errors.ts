/**
 * Errors of the dma-buf model, named by the errno the seed (dma-buf-mgr review) returns:
 * EDEADLK re-reserving a buffer the same ticket holds, EAGAIN back off (the loser of a ticket
 * comparison), EBUSY try-reserve of a held buffer, EINVAL misuse, ENOENT callback on a
 * signalled fence, ENOMEM a map that produced no scatter list.
 */
export type Errno = 'EDEADLK' | 'EAGAIN' | 'EBUSY' | 'EINVAL' | 'ENOENT' | 'ENOMEM';

export class DmabufError extends Error {
  override name = 'DmabufError';
  constructor(
    readonly code: Errno,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
