/**
 * errno at Node's edges: the code and number of a Node system error. The errno table itself
 * (names, numbers, short texts, glibc strerror texts) is src/tls/errno.ts, the one copy, which
 * the sans-IO core may import; it is re-exported here for the transports and the CLI.
 */
import { errnoNumber } from '../tls/errno.js';

export { ERRNO_TABLE, errnoName, errnoNumber, errnoText, strerror, type ErrnoInfo } from '../tls/errno.js';

/** The code and number of a Node system error (Node's errno is negative; unknown codes give 0). */
export function errnoOf(e: unknown): { error: string; errno: number } {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? 'EIO';
  const n = typeof err?.errno === 'number' ? Math.abs(err.errno) : (errnoNumber(code) ?? 0);
  return { error: code, errno: n || (errnoNumber(code) ?? 0) };
}
