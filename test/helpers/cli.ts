/**
 * Runs the built tls-probe CLI (bin/tls-probe.js under this Node, never a `node` found on PATH)
 * where a peer listens, optionally as a conversation: send a line, wait for the answer, then EOF.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { clientCommandPrefix, type Peer } from './peers.js';
import { repoRoot } from './pki.js';
import type { JsonConnection, JsonDocument, JsonError } from '../../src/cli/json.js';

export const CLI = join(repoRoot, 'bin', 'tls-probe.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface CliRun {
  /** Written to stdin first. */
  send?: string;
  /** stdin stays open until stdout matches this (then EOF); without it stdin ends after `send`. */
  waitFor?: RegExp;
  /** Written to stdin when `waitFor` matched, just before EOF. */
  reply?: string;
  /** Kill after this long (default 20 s). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs `tls-probe <args>` (inside the peer's namespace when it has one). */
export function probe(peer: Pick<Peer, 'netns'> | null, args: string[], run: CliRun = {}): Promise<CliResult> {
  const argv = [...(peer ? clientCommandPrefix(peer) : []), process.execPath, CLI, ...args];
  const [cmd, ...rest] = argv as [string, ...string[]];
  return converse(cmd, rest, run);
}

/**
 * Runs any command as a conversation: `send` on stdin, which stays open until stdout matches
 * `waitFor` (then `reply`, then EOF) or ends at once; killed after `timeoutMs` (default 20 s).
 * `env` adds to this process's environment; `fullEnv` replaces it.
 */
export function converse(
  cmd: string,
  args: string[],
  run: CliRun & { cwd?: string; fullEnv?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const env = run.fullEnv ?? { ...process.env, ...run.env };
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env, ...(run.cwd ? { cwd: run.cwd } : {}) });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let ended = false;
    const end = (): void => {
      if (!ended) {
        ended = true;
        child.stdin.end();
      }
    };
    child.stdin.on('error', () => undefined);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      if (run.waitFor && !ended && run.waitFor.test(stdout)) {
        if (run.reply) child.stdin.write(run.reply);
        end();
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    if (run.send) child.stdin.write(run.send);
    if (!run.waitFor) end();
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, run.timeoutMs ?? 20_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** The --json document of a run (throws with the output when it is not JSON). */
export function jsonOf(r: CliResult): JsonDocument {
  try {
    return JSON.parse(r.stdout) as JsonDocument;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

const docOf = (x: CliResult | JsonDocument): JsonDocument => ('stdout' in x ? jsonOf(x) : x);

/** Connection `i` of a run's --json document (throws, with the document, when there is none). */
export function connectionOf(x: CliResult | JsonDocument, i = 0): JsonConnection {
  const doc = docOf(x);
  const c = doc.connections[i];
  if (!c) throw new Error(`no connection ${i} in the --json document: ${JSON.stringify(doc)}`);
  return c;
}

/** The "error" object of a run's --json document (throws, with the document, when it is null). */
export function errorOf(x: CliResult | JsonDocument): JsonError {
  const doc = docOf(x);
  if (!doc.error) throw new Error(`no error in the --json document: ${JSON.stringify(doc)}`);
  return doc.error;
}

/** `host:port` of a peer started in a before() hook (failing the test when it did not start). */
export function targetOf(p: Peer | undefined): string {
  assert.ok(p, 'the peer did not start');
  return `${p.host}:${p.port}`;
}

/** The run's own `tls-probe: ...` lines on stderr (a failure is exactly one). */
export function tlsProbeLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l) => l.startsWith('tls-probe:'));
}
