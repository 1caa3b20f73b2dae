/** errno names and numbers (Linux), so SYSCALL failures print as s_client would. */

const ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EINTR: 4, EIO: 5, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EEXIST: 17, EINVAL: 22,
  EPIPE: 32, ENETDOWN: 100, ENETUNREACH: 101, ECONNABORTED: 103, ECONNRESET: 104, ENOBUFS: 105, ENOTCONN: 107,
  ETIMEDOUT: 110, ECONNREFUSED: 111, EHOSTDOWN: 112, EHOSTUNREACH: 113, EALREADY: 114, EINPROGRESS: 115,
};

/** The errno number for a code like "EPIPE" (0 when unknown). */
export function errnoNumber(code: string): number {
  return ERRNO[code] ?? 0;
}

/** The code and number of a Node system error. */
export function errnoOf(e: unknown): { error: string; errno: number } {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? 'EIO';
  const n = typeof err?.errno === 'number' ? Math.abs(err.errno) : errnoNumber(code);
  return { error: code, errno: n || errnoNumber(code) };
}
