/**
 * The --json document (spec/cli.md "--json document"): every key the spec names, plus a few
 * extras (sni, peerSignatureScheme, extendedMasterSecret, handshakeBytes, exitCode ...).
 */
import type { ConnectionInfo } from '../tls/types.js';
import { groupName, suiteName, versionName } from '../tls/codec/names.js';
import { sigSchemeName } from '../tls/codec/sigschemes.js';
import type { CliOptions } from './options.js';
import { classifyError, ExitCode, type ErrorContext, type ErrorKind } from './exit.js';
import { isoTime, keyTypeName, opensslName, serverTempKey, sigalgShortName } from './report.js';
import { keyingMaterialJson, type KeyingMaterial } from './keymat.js';
import { ocspJson, type OcspJson, type OcspResult } from './ocsp-report.js';

/** One connection as the run loop records it. */
export interface ConnectionRecord {
  info: ConnectionInfo;
  /** Whether this connection's session was written to --sess-out. */
  sessionSaved: boolean;
  /** Milliseconds: TCP connect, then the TLS handshake. */
  timings: { connectMs: number; handshakeMs: number };
  /** --keymatexport's result. */
  keyingMaterial?: KeyingMaterial;
  /** --status: the stapled response's evaluation (null: none stapled); absent without --status. */
  ocsp?: OcspResult;
}

export interface JsonCertificate {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  publicKey: string;
  publicKeyBits: number;
  sigalg: string;
  sha256: string;
}

export interface JsonConnection {
  protocol: string | null;
  cipher: string | null;
  group: string | null;
  handshake: 'full' | 'full-hrr' | 'resumed' | null;
  resumed: boolean;
  alpn: string | null;
  verify: {
    ok: boolean;
    code: number;
    message: string;
    depth: number;
    /** The failed profile rule and its section, when a rule failed. */
    rule?: string;
    /** Pedantic BR/RFC 5280 rules broken (fatal only with --x509-strict); absent when none. */
    warnings?: { depth: number; code: number; rule: string; section: string }[];
    /** TLS 1.0-1.2 with --insecure: the RSA leaf's keyUsage forbade its use and was let through. */
    keyUsageInvalid?: true;
  };
  peerCertificates: JsonCertificate[];
  tickets: number;
  sessionSaved: boolean;
  bytes: { read: number; written: number };
  timings: { connectMs: number; handshakeMs: number };
  sni: string | null;
  sniAcknowledged: boolean;
  peerSignatureScheme: string | null;
  /** s_client's "Server Temp Key" text ("X25519, 253 bits", "DH, 2048 bits"), null without one. */
  serverTempKey: string | null;
  certificateCompression: { algorithm: string; uncompressedLength: number; compressedLength: number } | null;
  /** RFC 9849: status 'accepted' | 'rejected' | 'grease' | 'not offered'; retry configs as base64. */
  ech: { status: string; outerServerName: string | null; retryConfigs: string | null };
  extendedMasterSecret: boolean;
  secureRenegotiation: boolean;
  /** TLS 1.2 renegotiations completed. */
  renegotiations: number;
  /** Warning alerts received and tolerated, by name (e.g. unrecognized_name). */
  warningAlerts: string[];
  handshakeBytes: { read: number; written: number };
  clientCertRequested: boolean;
  /** The CA names the server's CertificateRequest listed, one-line form (s_client's "Acceptable client certificate CA names"). */
  clientCaNames: string[];
  clientCertSent: boolean;
  /** TLS 1.3 0-RTT: s_client's status; the offered ticket's max_early_data_size; bytes sent early. */
  earlyData: { status: 'not sent' | 'rejected' | 'accepted'; maxEarlyData: number; sent: number };
  maxSendFragment: number;
  keyingMaterial?: { label: string; length: number; hex: string };
  ocsp?: OcspJson;
}

export interface JsonError {
  kind: ErrorKind | 'resume' | 'early-data' | 'session';
  message: string;
  alert: string | null;
  errno: string | null;
}

export interface JsonDocument {
  target: { host: string; port: number; servername: string | null };
  connections: JsonConnection[];
  modes: {
    partialWrite: boolean;
    acceptMovingWriteBuffer: boolean;
    autoRetry: boolean;
    releaseBuffers: boolean;
    mask: number;
  };
  error: JsonError | null;
  exitCode: number;
}

/** One connection's JSON object (spec keys first, extras after). */
export function connectionJson(rec: ConnectionRecord): JsonConnection {
  const i = rec.info;
  return {
    protocol: i.version === null ? null : versionName(i.version),
    cipher: i.cipherSuite === null ? null : suiteName(i.cipherSuite),
    group: i.group === null ? null : groupName(i.group),
    handshake: i.handshake,
    resumed: i.resumed,
    alpn: i.alpn,
    verify: {
      ok: i.verify.ok,
      code: i.verify.code,
      message: i.verify.message,
      depth: i.verify.depth,
      ...(i.verify.rule ? { rule: i.verify.rule } : {}),
      ...(i.keyUsageInvalid === true ? { keyUsageInvalid: true as const } : {}),
      ...(i.verify.warnings?.length
        ? {
            warnings: i.verify.warnings.map((w) => ({
              depth: w.depth,
              code: w.code,
              rule: w.rule,
              section: w.section,
            })),
          }
        : {}),
    },
    peerCertificates: i.peerCertificates.map((c) => ({
      subject: opensslName(c.subject),
      issuer: opensslName(c.issuer),
      notBefore: isoTime(c.notBefore),
      notAfter: isoTime(c.notAfter),
      publicKey: keyTypeName(c.publicKey),
      publicKeyBits: c.publicKeyBits,
      sigalg: sigalgShortName(c.sigalg),
      sha256: c.sha256,
    })),
    tickets: i.tickets,
    sessionSaved: rec.sessionSaved,
    bytes: { read: i.appBytes.read, written: i.appBytes.written },
    timings: { connectMs: rec.timings.connectMs, handshakeMs: rec.timings.handshakeMs },
    sni: i.servername,
    sniAcknowledged: i.sniAcknowledged,
    peerSignatureScheme: i.peerSignatureMd5Sha1
      ? 'rsa_pkcs1_md5_sha1'
      : i.peerSignatureScheme === null
        ? null
        : sigSchemeName(i.peerSignatureScheme),
    serverTempKey: serverTempKey(i),
    certificateCompression: i.certificateCompression,
    ech: {
      status: i.ech.status,
      outerServerName: i.ech.outerServerName,
      retryConfigs: i.ech.retryConfigs ? Buffer.from(i.ech.retryConfigs).toString('base64') : null,
    },
    extendedMasterSecret: i.extendedMasterSecret,
    secureRenegotiation: i.secureRenegotiation,
    renegotiations: i.renegotiations,
    warningAlerts: [...i.warningAlerts],
    handshakeBytes: { read: i.handshakeBytes.read, written: i.handshakeBytes.written },
    clientCertRequested: i.clientCertRequested,
    clientCaNames: [...i.clientCaNames],
    clientCertSent: i.clientCertSent,
    earlyData: { status: i.earlyData, maxEarlyData: i.maxEarlyData, sent: i.earlyDataSent },
    maxSendFragment: i.maxSendFragment,
    ...(rec.keyingMaterial ? { keyingMaterial: keyingMaterialJson(rec.keyingMaterial) } : {}),
    ...(rec.ocsp !== undefined ? { ocsp: ocspJson(rec.ocsp) } : {}),
  };
}

/** What ended the run for the "error" key: a thrown value, or the exit-4 / exit-5 outcomes. */
export type RunFailure =
  | { error: unknown; context?: ErrorContext }
  | { outcome: 'resume-not-met' | 'early-data-not-met' | 'no-session'; message: string };

/**
 * Builds the whole --json document. `failure` is null for a clean run; the exitCode key is the
 * code the process exits with (from exit.ts).
 */
export function buildJson(
  opts: CliOptions,
  connections: ConnectionRecord[],
  failure: RunFailure | null = null,
): JsonDocument {
  let error: JsonError | null = null;
  let exitCode: number = ExitCode.OK;
  if (failure && 'outcome' in failure) {
    const resume = failure.outcome !== 'no-session';
    const kind = failure.outcome === 'early-data-not-met' ? 'early-data' : resume ? 'resume' : 'session';
    error = { kind, message: failure.message, alert: null, errno: null };
    exitCode = resume ? ExitCode.RESUME_NOT_MET : ExitCode.NO_SESSION;
  } else if (failure) {
    const c = classifyError(failure.error, failure.context);
    error = { kind: c.kind, message: c.message, alert: c.alert, errno: c.errno };
    exitCode = c.exitCode;
  }
  return {
    target: { host: opts.host, port: opts.port, servername: opts.servername },
    connections: connections.map(connectionJson),
    modes: {
      partialWrite: opts.partialWrite,
      acceptMovingWriteBuffer: opts.acceptMovingWriteBuffer,
      autoRetry: opts.autoRetry,
      releaseBuffers: opts.releaseBuffers,
      mask: opts.mode,
    },
    error,
    exitCode,
  };
}

/** The document as printed on stdout: pretty JSON, without the final newline. */
export function formatJson(doc: JsonDocument): string {
  return JSON.stringify(doc, null, 2);
}
