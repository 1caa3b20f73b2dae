/**
 * The one place that turns failures into exit codes and one-line stderr messages (spec/cli.md
 * "Exit codes"). Nothing else decides an exit code; no stack trace reaches a user unless
 * TLS_PROBE_DEBUG=1 asks for it.
 */
import { SyscallError, TlsAlert, VerifyError } from '../tls/errors.js';
import { AlertDescription } from '../tls/codec/alerts.js';
import { UsageError } from './errors.js';
import { SessionFormatError } from '../tls/session/session.js';
import { InfoRequest } from './options.js';
import { StartTlsError } from '../net/starttls.js';
import { ProxyError } from '../net/proxy.js';
import { errnoName, errnoNumber, errnoText, formatErrno } from './iotrace.js';

/** Exit codes of spec/cli.md. */
export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  VERIFY: 3,
  RESUME_NOT_MET: 4,
  NO_SESSION: 5,
  /** --ech-config-list given and the server did not accept ECH (RFC 9849 §6.1.6: it used ClientHelloOuter). */
  ECH_REJECTED: 6,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const PREFIX = 'tls-probe: ';

/** A bounded wait ran out. `code` is ETIMEDOUT so it classifies like a system timeout. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
  /**
   * @param phase what was being waited for
   * @param ms the limit that ran out
   * @param flag the option that sets the limit, for the hint
   */
  constructor(
    readonly phase: 'connect' | 'handshake' | 'idle' | 'starttls' | 'proxy',
    readonly ms: number,
    readonly flag = phase === 'idle' ? '--timeout' : '--connect-timeout',
  ) {
    super(`${phase === 'idle' ? 'no traffic' : `${phase} timed out`} for ${ms} ms (${flag})`);
  }
}

/** The peer closed TCP before the handshake finished (after it, that is only a warning). */
export class PeerClosedError extends Error {
  override readonly name = 'PeerClosedError';
  constructor(readonly phase: 'handshake' | 'starttls' = 'handshake') {
    super(`peer closed the connection during the ${phase}`);
  }
}

/** Where a failure happened; it sharpens the message ("write failed", "connect to ... failed"). */
export interface ErrorContext {
  phase?: 'connect' | 'handshake' | 'read' | 'write' | 'session' | 'starttls' | 'proxy';
  /** "host:port" for connect messages when the error does not carry the address. */
  target?: string;
}

export type ErrorKind =
  | 'usage'
  | 'verify'
  | 'alert'
  | 'syscall'
  | 'connect'
  | 'dns'
  | 'timeout'
  | 'closed'
  | 'file'
  | 'starttls'
  | 'proxy'
  | 'ech'
  | 'internal';

/** A failure as the exit mapper sees it; the --json "error" object is built from it. */
export interface ClassifiedError {
  exitCode: ExitCodeValue;
  kind: ErrorKind;
  /** The message without the "tls-probe: " prefix. */
  message: string;
  /** Alert name ("handshake_failure") or null. */
  alert: string | null;
  /** errno name ("EPIPE") or null. */
  errno: string | null;
  /** X509_V_ERR code for verification failures. */
  verifyCode?: number;
}

interface NodeSystemError {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
  path?: unknown;
  message?: unknown;
}

function systemError(err: unknown): (NodeSystemError & { code: string }) | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as NodeSystemError;
  const ok = typeof e.code === 'string' && /^E[A-Z0-9_]+$/.test(e.code) && !e.code.startsWith('ERR_');
  return ok ? (e as NodeSystemError & { code: string }) : null;
}

/** errors.ts UnexpectedEof (matched by shape): the peer closed TCP without close_notify. */
function unexpectedEof(err: unknown): { afterHandshake: boolean; message: string } | null {
  if (!(err instanceof Error) || err.name !== 'UnexpectedEof') return null;
  const after = (err as { afterHandshake?: unknown }).afterHandshake === true;
  return { afterHandshake: after, message: after ? 'peer closed without close_notify' : err.message };
}

const PHASE_VERB: Record<NonNullable<ErrorContext['phase']> | 'io', string> = {
  io: 'connection failed',
  connect: 'connect failed',
  handshake: 'handshake failed',
  read: 'read failed',
  write: 'write failed',
  session: 'session failed',
  starttls: 'STARTTLS failed',
  proxy: 'proxy tunnel failed',
};

/** Maps any thrown value to its exit code, kind and one-line message (pure; prints nothing). */
export function classifyError(err: unknown, ctx: ErrorContext = {}): ClassifiedError {
  const base = { alert: null, errno: null };
  // A session file OpenSSL would refuse is malformed input, like a bad flag: exit 2, nothing sent.
  if (err instanceof UsageError || err instanceof SessionFormatError)
    return { ...base, exitCode: ExitCode.USAGE, kind: 'usage', message: err.message };
  if (err instanceof VerifyError) {
    const depth = err.depth ? `, depth ${err.depth}` : '';
    return {
      ...base,
      exitCode: ExitCode.VERIFY,
      kind: 'verify',
      verifyCode: err.code,
      message: `certificate verification failed: ${err.reason} (X509_V_ERR ${err.code}${depth}); --insecure continues anyway`,
    };
  }
  // RFC 9849 §6.1.6: the handshake completed on ClientHelloOuter and we sent ech_required.
  if (err instanceof TlsAlert && err.description === AlertDescription.ech_required && !err.received) {
    return {
      ...base,
      exitCode: ExitCode.ECH_REJECTED,
      kind: 'ech',
      alert: err.alertName,
      message: `ECH not accepted: ${err.message}; no application data sent`,
    };
  }
  if (err instanceof TlsAlert) {
    return {
      ...base,
      exitCode: ExitCode.FAILURE,
      kind: 'alert',
      alert: err.alertName,
      message: `${PHASE_VERB[ctx.phase ?? 'handshake']}: ${err.message}`,
    };
  }
  if (err instanceof SyscallError) {
    const name = err.code || errnoName(err.errno) || null;
    const num = err.errno ? Math.abs(err.errno) : name ? errnoNumber(name) : null;
    const detail = num !== null ? `errno=${num}${name ? ` ${name}` : ''}` : formatErrno(name);
    return {
      ...base,
      exitCode: ExitCode.FAILURE,
      kind: 'syscall',
      errno: name,
      message: `${PHASE_VERB[ctx.phase ?? 'io']}: SYSCALL ${detail}`,
    };
  }
  if (err instanceof TimeoutError) {
    const where =
      err.phase === 'connect' && ctx.target
        ? `connect to ${ctx.target} timed out after ${err.ms} ms (${err.flag})`
        : err.message;
    return { ...base, exitCode: ExitCode.FAILURE, kind: 'timeout', errno: 'ETIMEDOUT', message: where };
  }
  if (err instanceof PeerClosedError)
    return { ...base, exitCode: ExitCode.FAILURE, kind: 'closed', message: err.message };
  const eof = unexpectedEof(err);
  if (eof) {
    // spec/cli.md: after the handshake a missing close_notify is a warning and exit 0.
    return {
      ...base,
      exitCode: eof.afterHandshake ? ExitCode.OK : ExitCode.FAILURE,
      kind: 'closed',
      message: eof.message,
    };
  }
  if (err instanceof StartTlsError) {
    const kind = err.reason === 'timeout' ? 'timeout' : err.reason === 'eof' ? 'closed' : 'starttls';
    return {
      ...base,
      exitCode: ExitCode.FAILURE,
      kind,
      errno: err.reason === 'timeout' ? 'ETIMEDOUT' : null,
      message: err.message,
    };
  }
  if (err instanceof ProxyError) {
    const timeout = err.reason === 'timeout';
    return {
      ...base,
      exitCode: ExitCode.FAILURE,
      kind: timeout ? 'timeout' : err.reason === 'eof' ? 'closed' : 'proxy',
      errno: timeout ? 'ETIMEDOUT' : null,
      message: err.message,
    };
  }
  const sys = systemError(err);
  if (sys) return classifySystem(sys, ctx);
  if (err instanceof InfoRequest) return { ...base, exitCode: ExitCode.OK, kind: 'usage', message: '' };
  const message = err instanceof Error ? err.message : String(err);
  return { ...base, exitCode: ExitCode.FAILURE, kind: 'internal', message: `internal error: ${message}` };
}

function classifySystem(e: NodeSystemError & { code: string }, ctx: ErrorContext): ClassifiedError {
  const code = e.code;
  const syscall = typeof e.syscall === 'string' ? e.syscall : '';
  const base = { exitCode: ExitCode.FAILURE, alert: null, errno: code } as const;
  if (syscall === 'getaddrinfo' || syscall === 'getaddrinfo_all' || code === 'ENOTFOUND' || code.startsWith('EAI_')) {
    const host =
      typeof e.hostname === 'string'
        ? e.hostname
        : (ctx.target?.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1') ?? '?');
    return { ...base, kind: 'dns', message: `cannot resolve host ${host}: ${code}` };
  }
  if (syscall === 'connect' || ctx.phase === 'connect') {
    const addr = typeof e.address === 'string' ? (e.address.includes(':') ? `[${e.address}]` : e.address) : null;
    const where = addr && e.port !== undefined ? `${addr}:${String(e.port)}` : (ctx.target ?? addr ?? '?');
    return {
      ...base,
      kind: code === 'ETIMEDOUT' ? 'timeout' : 'connect',
      message: `connect to ${where} failed: ${code} (${errnoText(code)})`,
    };
  }
  if (typeof e.path === 'string' && /^(open|read|write|rename|stat|access|unlink|mkdir|scandir|fsync)$/.test(syscall)) {
    return { ...base, kind: 'file', message: `cannot ${syscall} ${e.path}: ${code} (${errnoText(code)})` };
  }
  const phase = ctx.phase ?? (syscall === 'write' ? 'write' : syscall === 'read' ? 'read' : 'io');
  const num = typeof e.errno === 'number' ? Math.abs(e.errno) : errnoNumber(code);
  const detail = num !== null ? `errno=${num} ${code}` : code;
  return {
    ...base,
    kind: code === 'ETIMEDOUT' ? 'timeout' : 'syscall',
    message: `${PHASE_VERB[phase]}: SYSCALL ${detail}`,
  };
}

/** The one stderr line for a failure: "tls-probe: handshake failed: received alert handshake_failure". */
export function errorLine(err: unknown, ctx: ErrorContext = {}): string {
  return PREFIX + classifyError(err, ctx).message;
}

/** Minimal writable streams, so tests can capture output. */
export interface OutStreams {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/**
 * Prints what a failure means (help/version text on stdout, else one line on stderr, a warning
 * for a post-handshake EOF; the stack only with TLS_PROBE_DEBUG=1) and returns the exit code.
 */
export function reportError(
  err: unknown,
  io: OutStreams = process,
  ctx: ErrorContext = {},
  env: NodeJS.ProcessEnv = process.env,
): ExitCodeValue {
  if (err instanceof InfoRequest) {
    io.stdout.write(err.text);
    return ExitCode.OK;
  }
  const c = classifyError(err, ctx);
  io.stderr.write(c.exitCode === ExitCode.OK ? `${warningLine(c.message)}\n` : `${PREFIX}${c.message}\n`);
  if (env['TLS_PROBE_DEBUG'] === '1' && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return c.exitCode;
}

/** The line for exit code 4: some resumption attempt was not accepted (--expect-resume). */
export function resumeNotMetLine(resumed: number, attempts: number): string {
  return `${PREFIX}--expect-resume: ${resumed} of ${attempts} resumption attempt${attempts === 1 ? '' : 's'} accepted`;
}

/** The line for exit code 4 under --expect-early-data: not every resumption had its early data accepted. */
export function earlyDataNotMetLine(accepted: number, attempts: number): string {
  return `${PREFIX}--expect-early-data: early data accepted on ${accepted} of ${attempts} resumption attempt${attempts === 1 ? '' : 's'}`;
}

/** The line for exit code 5: --sess-out asked for a session and none became resumable. */
export function noSessionLine(path: string, ticketWaitMs: number, tls13: boolean): string {
  const why = tls13
    ? `no NewSessionTicket arrived within --ticket-wait ${ticketWaitMs} ms`
    : 'the server offered neither a session ID nor a ticket';
  return `${PREFIX}no resumable session to write to --sess-out ${path}: ${why}`;
}

/** A non-fatal notice on stderr, e.g. warningLine("peer closed without close_notify"). */
export function warningLine(text: string): string {
  return `${PREFIX}warning: ${text}`;
}
