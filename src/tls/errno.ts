/**
 * errno names, numbers (Linux), short texts and glibc's strerror() texts, so SYSCALL failures
 * print as s_client would and one-line messages can say what an errno means. The one errno
 * table, shared by the connection's error queue, the socket transport and the CLI. Pure data:
 * it lives under src/tls so the sans-IO core can use it.
 */

export interface ErrnoInfo {
  name: string;
  /** Linux errno number (what OpenSSL and s_client print). */
  errno: number;
  /** Short lower-case description for one-line messages. */
  text: string;
  /** glibc's strerror() text: the reason of an OpenSSL ERR_LIB_SYS entry ("Broken pipe" for EPIPE). */
  strerror: string;
}

/** Linux errno values for the names a TLS client meets (asm-generic/errno*.h). */
export const ERRNO_TABLE: readonly ErrnoInfo[] = [
  { name: 'EPERM', errno: 1, text: 'operation not permitted', strerror: 'Operation not permitted' },
  { name: 'ENOENT', errno: 2, text: 'no such file', strerror: 'No such file or directory' },
  { name: 'EINTR', errno: 4, text: 'interrupted system call', strerror: 'Interrupted system call' },
  { name: 'EIO', errno: 5, text: 'input/output error', strerror: 'Input/output error' },
  { name: 'EBADF', errno: 9, text: 'bad file descriptor', strerror: 'Bad file descriptor' },
  { name: 'EAGAIN', errno: 11, text: 'resource temporarily unavailable', strerror: 'Resource temporarily unavailable' },
  { name: 'ENOMEM', errno: 12, text: 'out of memory', strerror: 'Cannot allocate memory' },
  { name: 'EACCES', errno: 13, text: 'permission denied', strerror: 'Permission denied' },
  { name: 'EEXIST', errno: 17, text: 'file exists', strerror: 'File exists' },
  { name: 'ENOTDIR', errno: 20, text: 'not a directory', strerror: 'Not a directory' },
  { name: 'EISDIR', errno: 21, text: 'is a directory', strerror: 'Is a directory' },
  { name: 'EINVAL', errno: 22, text: 'invalid argument', strerror: 'Invalid argument' },
  { name: 'EMFILE', errno: 24, text: 'too many open files', strerror: 'Too many open files' },
  { name: 'ENOSPC', errno: 28, text: 'no space left on device', strerror: 'No space left on device' },
  { name: 'EROFS', errno: 30, text: 'read-only file system', strerror: 'Read-only file system' },
  { name: 'EPIPE', errno: 32, text: 'broken pipe', strerror: 'Broken pipe' },
  { name: 'ENAMETOOLONG', errno: 36, text: 'file name too long', strerror: 'File name too long' },
  {
    name: 'ELOOP',
    errno: 40,
    text: 'too many levels of symbolic links',
    strerror: 'Too many levels of symbolic links',
  },
  { name: 'EPROTO', errno: 71, text: 'protocol error', strerror: 'Protocol error' },
  { name: 'EADDRINUSE', errno: 98, text: 'address already in use', strerror: 'Address already in use' },
  {
    name: 'EADDRNOTAVAIL',
    errno: 99,
    text: 'cannot assign requested address',
    strerror: 'Cannot assign requested address',
  },
  { name: 'ENETDOWN', errno: 100, text: 'network is down', strerror: 'Network is down' },
  { name: 'ENETUNREACH', errno: 101, text: 'network unreachable', strerror: 'Network is unreachable' },
  {
    name: 'ENETRESET',
    errno: 102,
    text: 'network dropped connection on reset',
    strerror: 'Network dropped connection on reset',
  },
  { name: 'ECONNABORTED', errno: 103, text: 'connection aborted', strerror: 'Software caused connection abort' },
  { name: 'ECONNRESET', errno: 104, text: 'connection reset by peer', strerror: 'Connection reset by peer' },
  { name: 'ENOBUFS', errno: 105, text: 'no buffer space available', strerror: 'No buffer space available' },
  { name: 'ENOTCONN', errno: 107, text: 'socket not connected', strerror: 'Transport endpoint is not connected' },
  { name: 'ETIMEDOUT', errno: 110, text: 'connection timed out', strerror: 'Connection timed out' },
  { name: 'ECONNREFUSED', errno: 111, text: 'connection refused', strerror: 'Connection refused' },
  { name: 'EHOSTDOWN', errno: 112, text: 'host is down', strerror: 'Host is down' },
  { name: 'EHOSTUNREACH', errno: 113, text: 'no route to host', strerror: 'No route to host' },
  { name: 'EALREADY', errno: 114, text: 'operation already in progress', strerror: 'Operation already in progress' },
  { name: 'EINPROGRESS', errno: 115, text: 'operation in progress', strerror: 'Operation now in progress' },
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

/** glibc's strerror() text of an errno name ("Broken pipe" for EPIPE); the name itself when unknown. */
export function strerror(name: string): string {
  return ERRNO_TABLE.find((e) => e.name === name)?.strerror ?? name;
}
