/**
 * --io-trace lines (spec/cli.md): one line per SSL_read/SSL_write call and its result, the
 * s_client-style "read R BLOCK" / "write W BLOCK" lines (the errno table lives in src/net/errno.ts).
 */
import { SslError } from '../tls/types.js';

export { ERRNO_TABLE, errnoName, errnoNumber, errnoText, type ErrnoInfo } from '../net/errno.js';
import { errnoNumber, errnoName } from '../net/errno.js';

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
  const n = typeof errno === 'string' ? (errnoNumber(errno) ?? 0) : Math.abs(errno ?? 0);
  return `${direction}:errno=${n}`;
}
