/**
 * Session files for --sess-in/--sess-out: OpenSSL's "SSL SESSION PARAMETERS" PEM, possibly
 * several blocks (newest first, so openssl reads the newest). Reading errors name the file and
 * the problem (exit 2); writing is atomic (temp file in the same directory, fsync, rename) with
 * mode 0600, so a failed run never leaves a truncated file.
 */
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeSessionPem, encodeSessionPem, type Session } from '../tls/session/index.js';
import { UsageError } from './errors.js';
import { fileProblem } from './files.js';

/** Reads every session of a session file; UsageError naming the file when it cannot be used. */
export function readSessionFile(path: string, nowMs: number): Session[] {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (e) {
    throw fileProblem('--sess-in', path, 'read', e);
  }
  try {
    const sessions = decodeSessionPem(text, Math.floor(nowMs / 1000));
    if (sessions.length === 0) throw new Error('no SSL SESSION PARAMETERS block');
    return sessions;
  } catch (e) {
    throw new UsageError(`--sess-in ${path}: ${(e as Error).message}`);
  }
}

/** Writes sessions (newest first) atomically with mode 0600. */
export function writeSessionFile(path: string, sessions: Session[]): void {
  const pem = encodeSessionPem(sessions);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o600);
    writeSync(fd, pem);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw fileProblem('--sess-out', path, 'write', e);
  }
}

/** Fails (exit 2, before anything is sent) when --sess-out's directory is not writable. */
export function checkSessionOut(path: string): void {
  try {
    accessSync(dirname(path) || '.', constants.W_OK);
  } catch (e) {
    throw fileProblem('--sess-out', path, 'write', e);
  }
}
