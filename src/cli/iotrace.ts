/**
 * --io-trace lines (spec/cli.md): one line per SSL_read/SSL_write call and its result, the
 * s_client-style "read R BLOCK" / "write W BLOCK" lines, and the errno table they use.
 */
import { SslError } from '../tls/types.js';

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

/** The " errno=32 EPIPE" part of a SYSCALL result, from a name, a number or both. */
export function formatErrno(errno: number | string | null | undefined): string {
  if (errno === null || errno === undefined) return 'errno=0';
  if (typeof errno === 'string') {
    const n = errnoNumber(errno);
    return n === null ? errno : `errno=${n} ${errno}`;
  }
  const name = errnoName(errno);
  return `errno=${Math.abs(errno)}${name ? ` ${name}` : ''}`;
}

/** What one SSL_read/SSL_write call returned. */
export interface IoCallResult {
  /** The call's return value: bytes (> 0), 0 or -1. */
  ret: number;
  /** SSL_get_error() class for ret <= 0 (NONE for successes). */
  error: SslError;
  /** SYSCALL: errno name or number. */
  errno?: number | string | null;
  /** SSL: OpenSSL's reason text, e.g. "bad write retry". */
  reason?: string;
  /** What made the call stop, e.g. "NewSessionTicket", "KeyUpdate". */
  note?: string;
}

/** One --io-trace line: "SSL_write(100000) = 16384", "SSL_read(16384) = -1 WANT_READ (NewSessionTicket)". */
export function formatIoCall(call: 'SSL_read' | 'SSL_write', len: number | null, res: IoCallResult): string {
  let out = `${call}(${len === null ? '...' : len}) = ${res.ret}`;
  if (res.ret <= 0 && res.error !== SslError.NONE) {
    out += ` ${SslError[res.error] ?? `ERROR${res.error}`}`;
    if (res.error === SslError.SYSCALL) out += ` ${formatErrno(res.errno)}`;
    if (res.error === SslError.SSL && res.reason) out += ` ${res.reason}`;
  }
  if (res.note) out += ` (${res.note})`;
  return out;
}

/** s_client's lines without --io-trace: "read R BLOCK" after WANT_READ, "write W BLOCK" after WANT_WRITE. */
export function formatBlock(direction: 'read' | 'write'): string {
  return direction === 'read' ? 'read R BLOCK' : 'write W BLOCK';
}

/** s_client's "read:errno=104" / "write:errno=32" line after a SYSCALL failure. */
export function formatSyscallLine(direction: 'read' | 'write', errno: number | string | null | undefined): string {
  const n = typeof errno === 'string' ? errnoNumber(errno) ?? 0 : Math.abs(errno ?? 0);
  return `${direction}:errno=${n}`;
}
