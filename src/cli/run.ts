/**
 * The run loop: build the context from the options, connect (and reconnect, resuming), print the
 * reports, relay stdin/stdout with s_client's semantics, persist sessions, decide the exit code.
 */
import { appendFileSync, openSync, closeSync } from 'node:fs';
import type { CliOptions, StartTlsProtocol } from './options.js';
import { Context } from '../tls/context.js';
import type { MessageEvent } from '../tls/types.js';
import type { ConnectionEvents } from '../tls/connection.js';
import { formatSslSessionBlock, type Session } from '../tls/session/index.js';
import { x509ErrorText } from '../tls/x509/index.js';
import { contextOptions } from './context.js';
import { openLink, type Link } from './drive.js';
import { interact, awaitTicket, closeLink } from './interact.js';
import { formatReport, formatBrief, formatConnected, formatTicketBlock, useColor, RECONNECT_LINE } from './report.js';
import { buildJson, formatJson, type ConnectionRecord, type RunFailure } from './json.js';
import {
  ExitCode,
  noSessionLine,
  reportError,
  resumeNotMetLine,
  warningLine,
  type ErrorContext,
  type ExitCodeValue,
} from './exit.js';
import { readSessionFile, writeSessionFile, checkSessionOut } from './sessions.js';
import type { Socket } from 'node:net';
import { startTls, StartTlsError } from '../net/starttls.js';
import { PeerClosedError, TimeoutError } from './exit.js';
import { formatMsgLine, formatStateLine } from './msg.js';
import { formatTrace } from './trace.js';
import type { Io } from './io.js';
import { systemClock } from '../net/clock.js';

type Phase = NonNullable<ErrorContext['phase']>;

export type { Io } from './io.js';

/** Runs the whole command; returns the exit code. */
export async function run(opts: CliOptions, io: Io): Promise<ExitCodeValue> {
  // Everything that can fail for usage reasons fails here, before anything is sent.
  const fromFile = opts.sessIn ? readSessionFile(opts.sessIn, systemClock()) : [];
  if (opts.sessOut) checkSessionOut(opts.sessOut);
  const starttls = opts.starttls;
  const co = await contextOptions(opts);
  const ctx = new Context(co.provider, co);
  const keylogFd = opts.keylogfile ? openSync(opts.keylogfile, 'a', 0o600) : null;

  const cache = ctx.sessions;
  const key = { host: opts.host, port: opts.port, servername: opts.servername };
  for (const s of [...fromFile].reverse()) cache.add(key, s);
  const obtained: Session[] = [];
  const records: ConnectionRecord[] = [];
  const phase: { current: Phase } = { current: 'connect' };
  const errCtx = (): ErrorContext => ({ phase: phase.current, target: opts.target });
  const verifyText = (c: number): string => x509ErrorText(c);
  let attempts = 0;
  let accepted = 0;
  let link: Link | undefined;
  let current: ConnectionRecord | undefined;

  const events: ConnectionEvents = {
    keylog: (line) => keylogFd !== null && appendFileSync(keylogFd, line + '\n'),
    session: (s) => {
      cache.add(key, s);
      obtained.unshift(s);
      if (opts.output === 'report' && s.version === 0x0304)
        io.stdout.write(formatTicketBlock(formatSslSessionBlock(s, { verifyText })));
    },
    ...(opts.msg || opts.trace
      ? { message: (e: MessageEvent) => traceMessage(opts, io, e, link?.conn.handshake.info.version ?? null) }
      : {}),
    ...(opts.state ? { state: (s: string) => io.stderr.write(formatStateLine(s) + '\n') } : {}),
  };

  try {
    const total = 1 + opts.reconnect;
    for (let i = 0; i < total; i++) {
      const last = i === total - 1;
      if (i > 0 && opts.output === 'report') io.stdout.write(RECONNECT_LINE + '\n');
      const offer = cache.takeForResumption(key);
      phase.current = 'connect';
      if (opts.output === 'report' && i === 0) io.stdout.write(formatConnected() + '\n');
      const started = performance.now();
      link = await openLink(
        ctx,
        {
          host: opts.host,
          port: opts.port,
          connectTimeoutMs: opts.connectTimeoutMs,
          sndbuf: opts.sndbuf,
          onTcpConnected: () => (phase.current = 'handshake'),
          // Recorded before the handshake, so --json shows a failed connection's facts (verify, chain).
          onConnection: (conn) =>
            records.push(
              (current = {
                info: conn.handshake.info,
                sessionSaved: false,
                timings: { connectMs: Math.round(performance.now() - started), handshakeMs: 0 },
              }),
            ),
          ...(starttls ? { beforeTls: (s: Socket) => upgrade(opts, starttls, s, phase) } : {}),
        },
        { servername: opts.servername, verifyName: opts.verifyHost, ...(offer ? { session: offer } : {}) },
        events,
      );
      const info = link.conn.handshake.info;
      // A resumed TLS 1.2 session stays valid: it is this connection's session for --sess-out.
      const resumed12 = info.resumed && info.version === 0x0303 ? link.conn.session : undefined;
      if (resumed12 && !obtained.includes(resumed12)) obtained.unshift(resumed12);
      if (offer) {
        attempts++;
        if (info.resumed) accepted++;
        // A TLS 1.2 session stays valid after a resumption; keep it offerable for the next reconnect.
        if (info.resumed && offer.version === 0x0303) offer.used = false;
      }
      if (current)
        current.timings = { connectMs: Math.round(link.connectMs), handshakeMs: Math.round(link.handshakeMs) };
      printReport(opts, io, link, i > 0, verifyText);
      phase.current = 'read';
      // TLS 1.3 tickets come after the handshake: wait for one when a session is to be kept or reused.
      const wantTicket = info.version === 0x0304 && (!!opts.sessOut || !last);
      if (last) {
        const open = link;
        const end = await interact(opts, io, open, phase, wantTicket ? () => awaitTicket(opts, io, open) : undefined);
        if (end === 'closed-without-notify') io.stderr.write(warningLine('peer closed without close_notify') + '\n');
      } else {
        if (wantTicket) await awaitTicket(opts, io, link);
      }
      closeLink(link);
      link = undefined;
    }
    return finishRun(opts, io, records, obtained, attempts, accepted);
  } catch (e) {
    return fail(opts, io, records, e, errCtx());
  } finally {
    link?.conn.free();
    link?.socket.destroy();
    if (keylogFd !== null) closeSync(keylogFd);
  }
}

/** --starttls on the plain socket (error phase "starttls"); a timeout or EOF as the exit mapper's own errors. */
async function upgrade(
  opts: CliOptions,
  proto: StartTlsProtocol,
  socket: Socket,
  phase: { current: Phase },
): Promise<void> {
  phase.current = 'starttls';
  try {
    await startTls(socket, proto, { host: opts.servername ?? opts.host, timeoutMs: opts.connectTimeoutMs });
  } catch (e) {
    if (e instanceof StartTlsError && e.reason === 'timeout') throw new TimeoutError('starttls', opts.connectTimeoutMs);
    if (e instanceof StartTlsError && e.reason === 'eof') throw new PeerClosedError('starttls');
    throw e;
  }
  phase.current = 'handshake';
}

/** Writes --sess-out, checks --expect-resume, prints --json: the exit code of a completed run. */
function finishRun(
  opts: CliOptions,
  io: Io,
  records: ConnectionRecord[],
  obtained: Session[],
  attempts: number,
  accepted: number,
): ExitCodeValue {
  let failure: RunFailure | null = null;
  if (opts.sessOut) {
    if (obtained.length === 0) {
      const tls13 = records[records.length - 1]?.info.version === 0x0304;
      failure = {
        outcome: 'no-session',
        message: noSessionLine(opts.sessOut, opts.ticketWaitMs, tls13).replace(/^tls-probe: /, ''),
      };
    } else {
      writeSessionFile(opts.sessOut, obtained);
      for (const r of records) r.sessionSaved = true;
    }
  }
  if (!failure && opts.expectResume && (attempts === 0 || accepted < attempts)) {
    failure = { outcome: 'resume-not-met', message: resumeNotMetLine(accepted, attempts).replace(/^tls-probe: /, '') };
  }
  if (opts.output === 'json') io.stdout.write(formatJson(buildJson(opts, records, failure)) + '\n');
  if (!failure) return ExitCode.OK;
  io.stderr.write(`tls-probe: ${failure.message}\n`);
  return failure.outcome === 'no-session' ? ExitCode.NO_SESSION : ExitCode.RESUME_NOT_MET;
}

function fail(opts: CliOptions, io: Io, records: ConnectionRecord[], e: unknown, ctx: ErrorContext): ExitCodeValue {
  if (opts.output !== 'json') return reportError(e, io, ctx);
  io.stdout.write(formatJson(buildJson(opts, records, { error: e, context: ctx })) + '\n');
  return reportError(e, { stdout: { write: () => true }, stderr: io.stderr }, ctx);
}

function printReport(
  opts: CliOptions,
  io: Io,
  link: Link,
  isReconnect: boolean,
  verifyText: (c: number) => string,
): void {
  const info = link.conn.handshake.info;
  const session = info.version === 0x0303 ? link.conn.session : undefined;
  const sessionBlock = session ? formatSslSessionBlock(session, { verifyText }) : undefined;
  if (opts.output === 'report') {
    io.stdout.write(
      formatReport(info, {
        showcerts: opts.showcerts,
        isReconnect,
        color: useColor(opts, io.stdout),
        ...(sessionBlock ? { sessionBlock } : {}),
      }),
    );
  } else if (opts.output === 'brief') io.stderr.write(formatBrief(info, { color: useColor(opts, io.stderr) }));
  if (!info.verify.ok && opts.insecure && opts.output !== 'json' && opts.output !== 'quiet') {
    io.stderr.write(
      warningLine(
        `certificate verification failed: ${info.verify.message} (${info.verify.code}); continuing (--insecure)`,
      ) + '\n',
    );
  }
}

/** --msg one line, --trace the annotated bytes, on stderr (stdout carries the report and data). */
function traceMessage(opts: CliOptions, io: Io, e: MessageEvent, version: number | null): void {
  if (opts.trace) io.stderr.write(formatTrace(e, version).join('\n') + '\n');
  else io.stderr.write(formatMsgLine(e, version) + '\n');
}
