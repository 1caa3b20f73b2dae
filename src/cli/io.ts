/**
 * The run loop's standard streams. Its own module so that run.ts and interact.ts, which run.ts
 * calls, both name it without importing each other.
 */

/** Output streams (process.stdout/stderr, or captures in tests). */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
}
