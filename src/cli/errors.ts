/**
 * Errors of the command line itself. The TLS core (src/tls) knows nothing of exit codes; exit.ts
 * maps these and the core's typed errors to them in one place.
 */

/** Bad command-line usage or unreadable/malformed input file: nothing was sent (exit 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
