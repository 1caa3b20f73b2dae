/**
 * Process plumbing for test peers (see peers.ts for the servers themselves): spawn a server in its own
 * process group (optionally inside a fresh network namespace), wait until it listens, and kill it
 * reliably, by PID, whatever happens to the test process.
 *
 * Three layers make sure no server outlives its test file:
 *  1. `Peer.stop()`: SIGTERM to the process group, SIGKILL after a bounded wait.
 *  2. A process 'exit' hook and SIGINT/SIGTERM/SIGHUP handlers that SIGKILL every live group.
 *  3. A detached watchdog shell, told each group's id over a pipe: when the test process dies in a way
 *     no hook sees (SIGKILL, a runner's timeout), the pipe closes and the watchdog kills the groups.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** A running server. Kill it with stop(); everything else is for looking at it. */
export interface Peer {
  /** Which stack this is, e.g. 'openssl', 'gnutls', 'node24'. */
  readonly kind: string;
  /** Address a client connects to: always 127.0.0.1 (inside `netns` when that is set). */
  readonly host: string;
  readonly port: number;
  /** PID of the server process (also its process-group id). */
  readonly pid: number;
  /** `/proc/<pid>/ns/net` when the server runs in its own network namespace; see clientCommandPrefix. */
  readonly netns?: string;
  /** The argv that was spawned, for messages. */
  readonly command: readonly string[];
  /** Everything the server printed so far. */
  stdout(): string;
  stderr(): string;
  /** Writes to the server's stdin (s_server commands such as 'r\n', 'k\n', 'Q\n'). */
  write(data: string | Uint8Array): void;
  /** Closes the server's stdin (s_server then exits unless -ign_eof/-rev/-www). */
  endStdin(): void;
  /** Resolves with the first match of `pattern` in stdout+stderr; rejects after timeoutMs or on exit. */
  waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /**
   * Resolves once `ok(stdout + '\n' + stderr)` is true, re-checked as each piece of output arrives
   * (never by polling); rejects after timeoutMs, or on exit with it still false.
   */
  waitUntil(ok: (text: string) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has exited; rejects after timeoutMs. */
  waitForExit(timeoutMs?: number): Promise<void>;
  /** True while the server process has not exited. */
  running(): boolean;
  /** Exit code (or signal name) once exited, else null. */
  exitStatus(): number | string | null;
  /** Kills the process group (SIGTERM, then SIGKILL) and removes the peer's temporary files. */
  stop(): Promise<void>;
}

/**
 * A line for the server's stdin, sent once the server has printed `after` (its readiness signal
 * for the line, e.g. s_server's "CIPHER is" once a connection is up; never a guessed delay);
 * `end` closes stdin. Steps go in order, each waiting for its own pattern.
 */
export interface StdinStep {
  after: RegExp | string;
  data?: string;
  end?: boolean;
}
/**
 * 'keep-open' (default): stdin stays open (write() feeds it). 'close': closed at once.
 * A string: written at once, stdin stays open. Steps: a timed script, e.g. renegotiation:
 * `[{ afterMs: 1000, data: 'r\n' }]`.
 */
export type StdinSpec = 'keep-open' | 'close' | string | StdinStep[];

/** How to tell that a server is listening. */
export type Readiness =
  /** A line on stdout or stderr; its first capture group is the port (for servers bound to port 0). */
  | { output: RegExp }
  /** A listening socket on this port, as `ss -ltn` shows it (inside the namespace when there is one). */
  | { listen: number };

export interface LaunchOptions {
  kind: string;
  command: string;
  args: string[];
  /** Run inside a fresh network namespace (`unshare -n`, loopback brought up). */
  netns?: boolean;
  ready: Readiness;
  stdin?: StdinSpec;
  env?: Record<string, string>;
  cwd?: string;
  /** Run under `stdbuf -oL -eL` so a C program's stdio output is seen line by line, not at exit. */
  lineBuffered?: boolean;
  /** Bound on the wait for readiness; default 15 s. */
  startTimeoutMs?: number;
  /** Removed (recursively) when the peer stops. */
  tempDirs?: string[];
}

const OUTPUT_CAP = 8 * 1024 * 1024;
const SBIN_PATH = '/usr/local/sbin:/usr/sbin:/sbin';

/** Live process groups, by pgid, killed by the exit hook and the watchdog. */
const live = new Set<number>();
let hooksInstalled = false;
let watchdog: ChildProcess | undefined;

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

function killAllSync(): void {
  for (const pgid of live) killGroup(pgid, 'SIGKILL');
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllSync();
      process.removeListener(sig, onSignal);
      // Re-raise: with our listener gone and no other, the default action (exit) applies.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
  // The watchdog reads "add PGID" / "del PGID" lines; at EOF (our death) it SIGKILLs what is left.
  const script =
    'pids=" "; while read -r op id; do case "$op" in add) pids="$pids$id ";; ' +
    'del) pids=$(printf "%s" "$pids" | sed "s/ $id / /");; esac; done; ' +
    'for p in $pids; do kill -9 "-$p" 2>/dev/null; done'; // dash: no `kill --`
  try {
    watchdog = spawn('sh', ['-c', script], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.on('error', () => (watchdog = undefined));
    watchdog.stdin?.on('error', () => undefined);
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  } catch {
    watchdog = undefined;
  }
}

function tellWatchdog(op: 'add' | 'del', pgid: number): void {
  if (watchdog?.stdin?.writable) watchdog.stdin.write(`${op} ${pgid}\n`);
}

/** Full path of an executable on PATH (plus the sbin directories), or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = `${process.env['PATH'] ?? ''}${delimiter}${SBIN_PATH}`.split(delimiter);
  for (const dir of dirs) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, fsConstants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Throws a clear error naming the Debian package when a peer's binary is missing. */
export function requireBinary(name: string, debianPackage: string): string {
  const p = findBinary(name);
  if (!p) {
    throw new Error(
      `${name} is not installed: apt-get install -y --no-install-recommends ${debianPackage} (.ci/run installs it)`,
    );
  }
  return p;
}

/** A TCP port that was free on 127.0.0.1 a moment ago (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('freePort: no port'))));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True when something listens on TCP `port` (in `netns` if given), per `ss -Hltn`; never connects. */
export function isListening(port: number, netns?: string): Promise<boolean> {
  const ss = findBinary('ss') ?? 'ss';
  const [cmd, args] = netns
    ? [findBinary('nsenter') ?? 'nsenter', [`--net=${netns}`, ss, '-Hltn', `sport = :${port}`]]
    : [ss, ['-Hltn', `sport = :${port}`]];
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 3000 }, (err, stdout) => resolve(!err && stdout.trim().length > 0));
  });
}

/**
 * Waits until `host:port` accepts TCP connections (each poll is a real connect, which a one-shot
 * server would count as its connection). With `netns`, polls `ss -ltn` inside that namespace instead.
 * Rejects after timeoutMs.
 */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs: number,
  netns?: string,
  stats?: { attempts: number },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (stats) stats.attempts++;
    const ok = netns ? await isListening(port, netns) : await tryConnect(host, port, 1000);
    if (ok) return;
    if (Date.now() >= deadline) throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

function tryConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Spawns a server and resolves once it is ready; on failure the process is killed and the error says why. */
export async function launch(opts: LaunchOptions): Promise<Peer> {
  installHooks();
  const env = {
    ...process.env,
    PATH: `${process.env['PATH'] ?? '/usr/bin:/bin'}${delimiter}${SBIN_PATH}`,
    ...opts.env,
  };
  let command = opts.command;
  let args = opts.args;
  const stdbuf = opts.lineBuffered ? findBinary('stdbuf') : undefined;
  if (stdbuf) {
    args = ['-oL', '-eL', command, ...args];
    command = stdbuf;
  }
  if (opts.netns) {
    const unshare = requireBinary('unshare', 'util-linux');
    requireBinary('ip', 'iproute2');
    requireBinary('nsenter', 'util-linux');
    // No --fork: a network namespace needs none, so the PID we get is the server itself (after exec).
    args = ['-n', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', command, ...args];
    command = unshare;
  }
  const argv = [command, ...args];
  const child = spawn(command, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env, cwd: opts.cwd });
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<Error>((r) => child.once('error', r));
    throw new Error(`${opts.kind}: cannot spawn ${command}: ${err.message}`);
  }
  live.add(pid);
  tellWatchdog('add', pid);

  const out: string[] = [];
  const err: string[] = [];
  let outLen = 0;
  const listeners = new Set<() => void>();
  const collect = (buf: string[]) => (chunk: Buffer) => {
    buf.push(chunk.toString('utf8'));
    outLen += chunk.length;
    if (outLen > OUTPUT_CAP) {
      // Keep memory bounded for chatty servers: drop the oldest half.
      buf.splice(0, Math.ceil(buf.length / 2));
      outLen = out.join('').length + err.join('').length;
    }
    for (const l of listeners) l();
  };
  child.stdout?.on('data', collect(out));
  child.stderr?.on('data', collect(err));
  child.stdin?.on('error', () => undefined); // EPIPE once the server is gone

  let exit: number | string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = code ?? signal ?? 'unknown';
      live.delete(pid);
      tellWatchdog('del', pid);
      for (const l of listeners) l();
      resolve();
    });
  });
  const netns = opts.netns ? `/proc/${pid}/ns/net` : undefined;
  const stdoutText = (): string => out.join('');
  const stderrText = (): string => err.join('');
  const describe = (): string =>
    `${opts.kind} (${argv.join(' ')})\n--- stdout ---\n${stdoutText().slice(-4000)}\n--- stderr ---\n${stderrText().slice(-4000)}`;

  /** The first non-null `probe(output)`, evaluated on each output chunk and at exit. */
  const until = <T>(
    probe: (text: string) => T | null,
    what: string,
    timeoutMs: number,
    onExit: 'reject' | 'probe' = 'reject',
  ): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = probe(stdoutText() + '\n' + stderrText());
        if (m != null) {
          finish();
          resolve(m);
          return true;
        }
        if (exit !== null && onExit === 'reject') {
          finish();
          reject(new Error(`${opts.kind} exited (${exit}) before ${what}: ${describe()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${opts.kind}: no ${what} within ${timeoutMs} ms: ${describe()}`));
      }, timeoutMs);
      const listener = (): void => void check();
      const finish = (): void => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      listeners.add(listener);
      check();
    });
  const waitForOutput = (pattern: RegExp | string, timeoutMs = 10_000): Promise<string> =>
    until(
      (text) =>
        typeof pattern === 'string' ? (text.includes(pattern) ? pattern : null) : (pattern.exec(text)?.[0] ?? null),
      `printing ${String(pattern)}`,
      timeoutMs,
    );
  const waitUntil = (ok: (text: string) => boolean, what: string, timeoutMs = 10_000): Promise<void> =>
    until((text) => (ok(text) ? true : null), what, timeoutMs).then(() => undefined);
  const waitForExit = (timeoutMs = 10_000): Promise<void> =>
    until(() => (exit !== null ? true : null), 'exit', timeoutMs, 'probe').then(() => undefined);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (exit === null) {
        killGroup(pid, 'SIGTERM');
        const gone = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
        if (!gone) {
          killGroup(pid, 'SIGKILL');
          await Promise.race([exited, sleep(3000)]);
        }
      }
      killGroup(pid, 'SIGKILL'); // any other member of the group
      live.delete(pid);
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.stdin?.destroy();
      for (const d of opts.tempDirs ?? []) rmSync(d, { recursive: true, force: true });
      if (exit === null) throw new Error(`${opts.kind}: pid ${pid} survived SIGKILL`);
    })());

  const fail = (msg: string): never => {
    throw new Error(`${msg}: ${describe()}`);
  };

  // Readiness, bounded.
  const timeoutMs = opts.startTimeoutMs ?? 15_000;
  let port: number;
  try {
    if ('output' in opts.ready) {
      const line = await waitForOutput(opts.ready.output, timeoutMs);
      port = Number(opts.ready.output.exec(line)?.[1]);
      if (!Number.isInteger(port) || port <= 0) return fail(`${opts.kind}: no port in ${JSON.stringify(line)}`);
    } else {
      port = opts.ready.listen;
      const deadline = Date.now() + timeoutMs;
      while (!(await isListening(port, netns))) {
        if (exit !== null) return fail(`${opts.kind} exited (${exit}) before listening on port ${port}`);
        if (Date.now() >= deadline) return fail(`${opts.kind}: not listening on port ${port} after ${timeoutMs} ms`);
        await sleep(50);
      }
    }
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }

  // Stdin.
  const stdin = opts.stdin ?? 'keep-open';
  if (stdin === 'close') child.stdin?.end();
  else if (typeof stdin === 'string') {
    if (stdin !== 'keep-open') child.stdin?.write(stdin);
  } else {
    void (async () => {
      for (const step of stdin) {
        // No bound of our own: the step waits as long as the server lives (stop() ends it).
        const seen = await waitForOutput(step.after, 2 ** 31 - 1).then(
          () => true,
          () => false,
        );
        if (!seen) return;
        if (step.data !== undefined) child.stdin?.write(step.data);
        if (step.end) child.stdin?.end();
      }
    })();
  }

  return {
    kind: opts.kind,
    host: '127.0.0.1',
    port,
    pid,
    ...(netns ? { netns } : {}),
    command: argv,
    stdout: stdoutText,
    stderr: stderrText,
    write: (data) => void child.stdin?.write(data),
    endStdin: () => void child.stdin?.end(),
    waitForOutput,
    waitUntil,
    waitForExit,
    running: () => exit === null,
    exitStatus: () => exit,
    stop,
  };
}

/** What to put before a client's argv so it runs where the server listens: nsenter into its namespace. */
export function clientCommandPrefix(peer: Pick<Peer, 'netns'>): string[] {
  return peer.netns ? ['nsenter', `--net=${peer.netns}`] : [];
}

export interface ClientResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a client command where `peer` listens (through clientCommandPrefix), feeding `input` (then EOF;
 * default: none), killing it after timeoutMs (default 15 s).
 */
export function runClient(
  peer: Pick<Peer, 'netns'>,
  argv: readonly string[],
  opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<ClientResult> {
  const full = [...clientCommandPrefix(peer), ...argv];
  const [cmd, ...args] = full;
  if (cmd === undefined) return Promise.reject(new Error('runClient: empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    const pid = child.pid;
    if (pid !== undefined) live.add(pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) killGroup(pid, 'SIGKILL');
    }, opts.timeoutMs ?? 15_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${full.join(' ')}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (pid !== undefined) live.delete(pid);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

/** True when a process with this PID exists (signal 0) and is not a zombie awaiting its reaper. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may hold spaces or parentheses, so split at the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false; // gone between the two looks
  }
}
