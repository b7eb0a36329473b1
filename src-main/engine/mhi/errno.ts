/**
 * Constants the UCI seed uses (Linux uapi values): errno codes returned as negative numbers,
 * poll bits, and the MHI transfer flags.
 */
export const EIO = 5;
export const ENOENT = 2;
export const ENOMEM = 12;
export const EFAULT = 14;
export const ENODEV = 19;
export const EINVAL = 22;
export const ENOTCONN = 107;
export const EBADF = 9;
export const ENOSPC = 28;

const NAMES: Record<number, string> = { [EIO]: 'EIO', [ENOENT]: 'ENOENT', [ENOMEM]: 'ENOMEM', [EFAULT]: 'EFAULT', [ENODEV]: 'ENODEV', [EINVAL]: 'EINVAL', [ENOTCONN]: 'ENOTCONN', [EBADF]: 'EBADF', [ENOSPC]: 'ENOSPC' };

/** `-19` → `-ENODEV`; non-negative results print as numbers. */
export function errnoName(ret: number): string {
  return ret < 0 && NAMES[-ret] ? `-${NAMES[-ret]}` : String(ret);
}

/** include/uapi/linux/eventpoll.h */
export const EPOLLIN = 0x001;
export const EPOLLOUT = 0x004;
export const EPOLLERR = 0x008;
export const EPOLLRDNORM = 0x040;
export const EPOLLWRNORM = 0x100;

/** enum mhi_flags (include/linux/mhi.h): end of transfer, or chained to the next descriptor. */
export const MHI_EOT = 1 << 0;
export const MHI_EOB = 1 << 1;
export const MHI_CHAIN = 1 << 2;

/** include/linux/mhi.h: the largest MTU a channel may use. */
export const MHI_MAX_MTU = 0xffff;
/** The seed's match table: LOOPBACK with driver_data (max MTU) 0x1000. */
export const LOOPBACK_MTU = 0x1000;
/**
 * sizeof(struct uci_buf) on a 64-bit kernel: void *data (8) + size_t len (8) + list_head (16).
 * The seed places it at the end of each inbound buffer, so actual_mtu = mtu - 32.
 */
export const UCI_BUF_HEADER_BYTES = 32;
/** MAX_UCI_MINORS in the seed. */
export const MAX_UCI_MINORS = 128;
