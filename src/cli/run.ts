/**
 * The run loop: build the context from the options, connect (and reconnect, resuming), print the
 * reports, relay stdin/stdout with s_client's semantics, persist sessions, decide the exit code.
 */
import { ProtocolVersion } from '../tls/codec/names.js';
import { appendFileSync, openSync, closeSync, writeFileSync } from 'node:fs';
import type { CliOptions, StartTlsProtocol } from './options.js';
import { Context } from '../tls/context.js';
import type { ConnectionInfo, MessageEvent } from '../tls/types.js';
import type { Connection, ConnectionEvents } from '../tls/connection.js';
import { TlsAlert, VerifyError } from '../tls/errors.js';
import { AlertDescription } from '../tls/codec/alerts.js';
import { formatSslSessionBlock, type Session } from '../tls/session/index.js';
import { X509V, x509ErrorText } from '../tls/x509/index.js';
import { contextOptions } from './context.js';
import { openLink, setupBound, type Link } from './drive.js';
import { interact, awaitTicket } from './interact.js';
import { closeLink } from './close.js';
import { formatReport, formatBrief, formatConnected, formatTicketBlock, useColor, RECONNECT_LINE } from './report.js';
import { buildJson, formatJson, type ConnectionRecord, type RunFailure } from './json.js';
import {
  ExitCode,
  noSessionLine,
  reportError,
  resumeNotMetLine,
  earlyDataNotMetLine,
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
import { evaluateOcsp, formatOcspBlock, ocspRevoked } from './ocsp-report.js';
import { exportedKeyingMaterial, formatKeyingMaterial, type KeyingMaterial } from './keymat.js';
import type { Io } from './io.js';
import { systemClock } from '../net/clock.js';
import { monotonicMs } from './monotonic.js';

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
  let earlyAccepted = 0;
  let link: Link | undefined;
  let current: ConnectionRecord | undefined;
  let currentConn: Connection | undefined;
  // The OCSP revocation path prints its own report before failing.
  let verifyReported = false;

  const events: ConnectionEvents = {
    keylog: (line) => {
      if (keylogFd !== null) appendFileSync(keylogFd, line + '\n');
    },
    session: (s) => {
      cache.add(key, s);
      obtained.unshift(s);
      if (opts.output === 'report' && s.version === ProtocolVersion.TLS1_3)
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
      const started = monotonicMs();
      link = await openLink(
        ctx,
        {
          host: opts.host,
          port: opts.port,
          connectTimeoutMs: opts.connectTimeoutMs,
          idleTimeoutMs: opts.timeoutMs,
          family: opts.family,
          proxy: opts.proxy,
          sndbuf: opts.sndbuf,
          onTcpConnected: () => {
            // s_client prints CONNECTED once the TCP connection exists (scripts grep it), never before.
            if (opts.output === 'report' && i === 0) io.stdout.write(formatConnected() + '\n');
            phase.current = opts.proxy ? 'proxy' : 'handshake';
          },
          onTunnelOpen: () => (phase.current = 'handshake'),
          // Recorded before the handshake, so --json shows a failed connection's facts (verify, chain).
          onConnection: (conn) => {
            currentConn = conn;
            records.push(
              (current = {
                info: conn.handshake.info,
                sessionSaved: false,
                timings: { connectMs: Math.round(monotonicMs() - started), handshakeMs: 0 },
              }),
            );
          },
          ...(starttls ? { beforeTls: (s: Socket) => upgrade(opts, starttls, s, phase) } : {}),
        },
        {
          servername: opts.servername,
          verifyName: opts.verifyHost,
          ...(offer ? { session: offer } : {}),
          ...(offer && opts.earlyData ? { earlyData: opts.earlyData } : {}),
        },
        events,
      );
      const info = link.conn.handshake.info;
      // A resumed TLS 1.2 session stays valid: it is this connection's session for --sess-out.
      const resumed12 =
        info.resumed && info.version !== null && info.version <= ProtocolVersion.TLS1_2 ? link.conn.session : undefined;
      if (resumed12 && !obtained.includes(resumed12)) obtained.unshift(resumed12);
      if (offer) {
        attempts++;
        if (info.resumed) accepted++;
        if (info.earlyData === 'accepted') earlyAccepted++;
        // A TLS 1.0–1.2 session stays valid after a resumption; keep it offerable for the next reconnect.
        if (info.resumed && offer.version <= ProtocolVersion.TLS1_2) offer.used = false;
      }
      const early =
        opts.earlyData && offer && opts.output !== 'quiet' ? earlyDataWarning(opts.earlyData, offer, info) : null;
      if (early) io.stderr.write(warningLine(`--early-data: ${early}`) + '\n');
      if (current) {
        current.timings = { connectMs: Math.round(link.connectMs), handshakeMs: Math.round(link.handshakeMs) };
        if (opts.keymatexport) current.keyingMaterial = exportedKeyingMaterial(link.conn, opts.keymatexport);
      }
      const revoked = opts.status && current ? stapledStatus(opts, io, co.trustAnchors ?? [], current) : false;
      printReport(opts, io, link.conn, i > 0, verifyText, current?.keyingMaterial);
      if (revoked) {
        verifyReported = true;
        throw new VerifyError(X509V.CERT_REVOKED, 'certificate revoked (stapled OCSP response)');
      }
      phase.current = 'read';
      // TLS 1.3 tickets come after the handshake: wait for one when a session is to be kept or reused.
      const wantTicket = info.version === ProtocolVersion.TLS1_3 && (!!opts.sessOut || !last);
      if (last) {
        const open = link;
        const end = await interact(opts, io, open, phase, wantTicket ? () => awaitTicket(opts, io, open) : undefined);
        if (end === 'closed-without-notify') io.stderr.write(warningLine('peer closed without close_notify') + '\n');
      } else {
        if (wantTicket) await awaitTicket(opts, io, link);
      }
      // Every byte SSL_write accepted must leave this process before it exits (close.ts).
      phase.current = 'write';
      await closeLink(link, opts.timeoutMs, last);
      link = undefined;
    }
    return finishRun(opts, io, records, obtained, { attempts, accepted, earlyAccepted });
  } catch (e) {
    // As s_client: a failed verification still shows what was received, then exit 3.
    if (e instanceof VerifyError && currentConn && !verifyReported) {
      if (opts.output !== 'json') io.stderr.write(`verify error:num=${e.code}:${e.reason}\n`);
      printReport(opts, io, currentConn, records.length > 1, verifyText);
    }
    // RFC 9849 §6.1.6: a rejected ECH offer still shows what was received (the retry configs), then exit 6.
    if (e instanceof TlsAlert && e.description === AlertDescription.ech_required && !e.received && currentConn)
      printReport(opts, io, currentConn, records.length > 1, verifyText);
    return fail(opts, io, records, e, errCtx());
  } finally {
    link?.conn.free();
    link?.socket.destroy();
    if (keylogFd !== null) closeSync(keylogFd);
  }
}

/**
 * --status after a handshake: evaluate the stapled response, print s_client's block (report mode),
 * keep a DER copy for --save-ocsp, and record the result for --json. A verified "revoked" becomes
 * the connection's verification result (X509_V_ERR 23); the return value says whether that ends
 * the run (not with --insecure).
 */
function stapledStatus(opts: CliOptions, io: Io, anchors: Uint8Array[], rec: ConnectionRecord): boolean {
  const info = rec.info;
  rec.ocsp = evaluateOcsp(
    info.ocspResponse,
    info.peerCertificates.map((c) => c.der),
    anchors,
    new Date(),
  );
  if (opts.saveOcsp && info.ocspResponse) writeFileSync(opts.saveOcsp, info.ocspResponse);
  if (opts.output === 'report') io.stdout.write(formatOcspBlock(rec.ocsp));
  if (!ocspRevoked(rec.ocsp)) return false;
  info.verify = { ok: false, code: X509V.CERT_REVOKED, message: 'certificate revoked', depth: 0 };
  if (opts.insecure) return false;
  if (opts.output !== 'json') io.stderr.write(`verify error:num=${X509V.CERT_REVOKED}:certificate revoked\n`);
  return true;
}

/** --starttls on the plain socket (error phase "starttls"); a timeout or EOF as the exit mapper's own errors. */
async function upgrade(
  opts: CliOptions,
  proto: StartTlsProtocol,
  socket: Socket,
  phase: { current: Phase },
): Promise<void> {
  phase.current = 'starttls';
  const bound = setupBound(opts.connectTimeoutMs, opts.timeoutMs);
  try {
    await startTls(socket, proto, {
      host: opts.servername ?? opts.host,
      timeoutMs: bound.ms,
      ...(opts.xmppHost !== null ? { xmppHost: opts.xmppHost } : {}),
      ...(opts.starttlsName !== null ? { ehloName: opts.starttlsName } : {}),
    });
  } catch (e) {
    if (e instanceof StartTlsError && e.reason === 'timeout') throw new TimeoutError('starttls', bound.ms, bound.flag);
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
  tally: { attempts: number; accepted: number; earlyAccepted: number },
): ExitCodeValue {
  const { attempts, accepted, earlyAccepted } = tally;
  let failure: RunFailure | null = null;
  if (opts.sessOut) {
    if (obtained.length === 0) {
      const tls13 = records[records.length - 1]?.info.version === ProtocolVersion.TLS1_3;
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
  if (!failure && opts.expectEarlyData && (attempts === 0 || earlyAccepted < attempts)) {
    const message = earlyDataNotMetLine(earlyAccepted, attempts).replace(/^tls-probe: /, '');
    failure = { outcome: 'early-data-not-met', message };
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
  conn: Connection,
  isReconnect: boolean,
  verifyText: (c: number) => string,
  keyingMaterial?: KeyingMaterial,
): void {
  const info = conn.handshake.info;
  const session = info.version !== null && info.version <= ProtocolVersion.TLS1_2 ? conn.session : undefined;
  const sessionBlock = session ? formatSslSessionBlock(session, { verifyText }) : undefined;
  if (opts.output === 'report') {
    io.stdout.write(
      formatReport(info, {
        showcerts: opts.showcerts,
        isReconnect,
        color: useColor(opts, io.stdout),
        ech: opts.echConfigList !== null || opts.echGrease,
        ...(sessionBlock ? { sessionBlock } : {}),
        ...(keyingMaterial ? { keyingMaterial: formatKeyingMaterial(keyingMaterial) } : {}),
      }),
    );
  } else if (opts.output === 'brief') {
    const ech = opts.echConfigList !== null || opts.echGrease;
    io.stderr.write(formatBrief(info, { color: useColor(opts, io.stderr), ech }));
  }
  if (info.keyUsageInvalid === true && opts.output !== 'json' && opts.output !== 'quiet')
    io.stderr.write(
      warningLine("the server certificate's keyUsage does not allow this key exchange; continuing (--insecure)") + '\n',
    );
  if (!info.verify.ok && opts.insecure && opts.output !== 'json' && opts.output !== 'quiet') {
    io.stderr.write(
      warningLine(
        `certificate verification failed: ${info.verify.message}${info.verify.rule ? `: ${info.verify.rule}` : ''} (${info.verify.code}); continuing (--insecure)`,
      ) + '\n',
    );
  }
}

/** Why --early-data sent less than the file on a resumption attempt (null when all of it went out). */
function earlyDataWarning(data: Uint8Array, offer: Session, info: ConnectionInfo): string | null {
  if (info.earlyData !== 'not sent')
    return info.earlyDataSent < data.length
      ? `${info.earlyDataSent} of ${data.length} bytes sent (the ticket's max_early_data_size); the rest was not sent`
      : null;
  if (offer.version !== ProtocolVersion.TLS1_3) return 'not sent: the session is not a TLS 1.3 session';
  if (offer.maxEarlyData === 0) return 'not sent: the ticket allows no early data (max_early_data 0)';
  return 'not sent: the ticket has expired, or its cipher suite or ALPN protocol is not offered';
}

/** --msg one line, --trace the annotated bytes, on stderr (stdout carries the report and data). */
function traceMessage(opts: CliOptions, io: Io, e: MessageEvent, version: number | null): void {
  if (opts.trace) io.stderr.write(formatTrace(e, version).join('\n') + '\n');
  else io.stderr.write(formatMsgLine(e, version) + '\n');
}
