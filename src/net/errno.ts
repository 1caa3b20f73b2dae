/**
 * errno names, numbers (Linux) and short texts, so SYSCALL failures print as s_client would and
 * one-line messages can say what an errno means. Shared by the socket transport and the CLI.
 */

export interface ErrnoInfo {
  name: string;
  /** Linux errno number (what OpenSSL and s_client print). */
  errno: number;
  /** Short lower-case description for one-line messages. */
  text: string;
}

/** Linux errno values for the names a TLS client meets (asm-generic/errno*.h). */
export const ERRNO_TABLE: readonly ErrnoInfo[] = [
  { name: 'EPERM', errno: 1, text: 'operation not permitted' },
  { name: 'ENOENT', errno: 2, text: 'no such file' },
  { name: 'EINTR', errno: 4, text: 'interrupted system call' },
  { name: 'EIO', errno: 5, text: 'input/output error' },
  { name: 'EBADF', errno: 9, text: 'bad file descriptor' },
  { name: 'EAGAIN', errno: 11, text: 'resource temporarily unavailable' },
  { name: 'ENOMEM', errno: 12, text: 'out of memory' },
  { name: 'EACCES', errno: 13, text: 'permission denied' },
  { name: 'EEXIST', errno: 17, text: 'file exists' },
  { name: 'ENOTDIR', errno: 20, text: 'not a directory' },
  { name: 'EISDIR', errno: 21, text: 'is a directory' },
  { name: 'EINVAL', errno: 22, text: 'invalid argument' },
  { name: 'EMFILE', errno: 24, text: 'too many open files' },
  { name: 'ENOSPC', errno: 28, text: 'no space left on device' },
  { name: 'EROFS', errno: 30, text: 'read-only file system' },
  { name: 'EPIPE', errno: 32, text: 'broken pipe' },
  { name: 'ENAMETOOLONG', errno: 36, text: 'file name too long' },
  { name: 'ELOOP', errno: 40, text: 'too many levels of symbolic links' },
  { name: 'EPROTO', errno: 71, text: 'protocol error' },
  { name: 'EADDRINUSE', errno: 98, text: 'address already in use' },
  { name: 'EADDRNOTAVAIL', errno: 99, text: 'cannot assign requested address' },
  { name: 'ENETDOWN', errno: 100, text: 'network is down' },
  { name: 'ENETUNREACH', errno: 101, text: 'network unreachable' },
  { name: 'ENETRESET', errno: 102, text: 'network dropped connection on reset' },
  { name: 'ECONNABORTED', errno: 103, text: 'connection aborted' },
  { name: 'ECONNRESET', errno: 104, text: 'connection reset by peer' },
  { name: 'ENOBUFS', errno: 105, text: 'no buffer space available' },
  { name: 'ENOTCONN', errno: 107, text: 'socket not connected' },
  { name: 'ETIMEDOUT', errno: 110, text: 'connection timed out' },
  { name: 'ECONNREFUSED', errno: 111, text: 'connection refused' },
  { name: 'EHOSTDOWN', errno: 112, text: 'host is down' },
  { name: 'EHOSTUNREACH', errno: 113, text: 'no route to host' },
  { name: 'EALREADY', errno: 114, text: 'operation already in progress' },
  { name: 'EINPROGRESS', errno: 115, text: 'operation in progress' },
];

/** Resolver failures (getaddrinfo); they have no errno number. */
const DNS_TEXT: Record<string, string> = {
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'temporary failure in name resolution',
  EAI_FAIL: 'name resolution failed',
  ENODATA: 'no address for host',
};

/** errno number of a name like "EPIPE" (EWOULDBLOCK is EAGAIN), or null. */
export function errnoNumber(name: string): number | null {
  const n = name === 'EWOULDBLOCK' ? 'EAGAIN' : name;
  return ERRNO_TABLE.find((e) => e.name === n)?.errno ?? null;
}

/** Name of an errno number ("EPIPE" for 32; Node's negative values accepted), or null. */
export function errnoName(errno: number): string | null {
  const n = Math.abs(errno);
  return ERRNO_TABLE.find((e) => e.errno === n)?.name ?? null;
}

/** Short description of an errno or resolver code: "no such file", "connection refused". */
export function errnoText(name: string): string {
  return ERRNO_TABLE.find((e) => e.name === name)?.text ?? DNS_TEXT[name] ?? name.toLowerCase();
}

/** The code and number of a Node system error (Node's errno is negative; unknown codes give 0). */
export function errnoOf(e: unknown): { error: string; errno: number } {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? 'EIO';
  const n = typeof err?.errno === 'number' ? Math.abs(err.errno) : (errnoNumber(code) ?? 0);
  return { error: code, errno: n || (errnoNumber(code) ?? 0) };
}
