/**
 * The session model: OpenSSL's SSL_SESSION fields that matter to a client, plus the in-memory
 * state OpenSSL keeps next to them and never writes to disk (spec/openssl-semantics.md §5, §6).
 * Sans-IO: time comes in as parameters, hashing through a function the caller passes.
 */
import { ProtocolVersion } from '../codec/names.js';
/** SSL_SESS_FLAG_EXTMS: the session was made with the extended master secret (RFC 7627). */
export const SESSION_FLAG_EXTMS = 0x1;

/** OpenSSL's default client session timeout for TLS (tls1_default_timeout: 2 hours). */
export const DEFAULT_SESSION_TIMEOUT = 7200;

/**
 * A session file (PEM or DER) that OpenSSL would refuse, or a session we cannot write. The CLI
 * maps it to a usage error (exit 2: a malformed input file, nothing was sent) in src/cli/exit.ts;
 * the message says what is wrong and the CLI adds the file name.
 */
export class SessionFormatError extends Error {
  override readonly name = 'SessionFormatError';
}

/** One client session: what `-sess_out` writes and `-sess_in` reads, plus in-memory state. */
export interface Session {
  /** ssl_version: 0x0303 or 0x0304 (any 0x03xx / DTLS value OpenSSL accepts on read). */
  version: number;
  /** IANA cipher suite id (the 2-byte "cipher" OCTET STRING). */
  cipherSuite: number;
  /** ≤32 bytes; SHA-256(ticket) for ticket sessions, may be empty in TLS 1.3. */
  sessionId: Uint8Array;
  /** TLS ≤1.2: the 48-byte master secret. TLS 1.3: the resumption PSK. ≤512 bytes. */
  masterKey: Uint8Array;
  /** Creation / ticket receipt time, Unix seconds ([1]). */
  time: number;
  /** Seconds ([2]); the client does not enforce it. */
  timeout: number;
  /** The peer's leaf certificate, DER ([3]). */
  peerCertificate: Uint8Array | undefined;
  /** ≤32 bytes ([4], always written, usually empty). */
  sessionIdContext: Uint8Array;
  /** X509_V_ERR code of the original verification ([5]); 0 = ok. */
  verifyResult: number;
  /** The SNI the server acknowledged ([6]). */
  hostname: string | undefined;
  /** [7] / [8] / [12]: PSK and SRP strings; tls-probe never sets them but keeps them on a round trip. */
  pskIdentityHint?: string | undefined;
  pskIdentity?: string | undefined;
  srpUsername?: string | undefined;
  /** [11] compression method id, 0 = none (kept on a round trip only). */
  compressionMethod?: number | undefined;
  /** Ticket lifetime hint in seconds ([9]); 0 = none. */
  tickLifetimeHint: number;
  /** The ticket ([10]), TLS 1.2 (RFC 5077) or TLS 1.3 (RFC 8446 §4.6.1). */
  ticket: Uint8Array | undefined;
  /** SSL_SESS_FLAG_* bits ([13]); 0x1 = extended master secret. */
  flags: number;
  /** TLS 1.3 ticket_age_add ([14]), u32. */
  tickAgeAdd: number;
  /** TLS 1.3 max_early_data from the ticket ([15]). */
  maxEarlyData: number;
  /** The ALPN protocol the server selected, raw bytes ([16]). */
  alpnSelected: Uint8Array | undefined;
  /** RFC 6066 max_fragment_length code 1..4, 0 = none ([17]). */
  maxFragmentLenMode: number;
  /** Server application data carried in the ticket ([18]). */
  ticketAppData: Uint8Array | undefined;
  /** IANA group of the key exchange, 0 if none ([19], always written). */
  kexGroup: number;

  /**
   * In memory only: the scheme the peer signed the handshake with (BoringSSL's
   * peer_signature_algorithm, reported again on resumption); OpenSSL's session format has no field
   * for it, so a session read from a file has none.
   */
  peerSignatureScheme?: number | undefined;
  /**
   * In memory only: the OCSP response the server stapled on the full handshake (BoringSSL keeps it
   * in the session, so SSL_get0_ocsp_response reports it again on resumption); not in OpenSSL's format.
   */
  ocspResponse?: Uint8Array | undefined;
  /** In memory only: the server's SCT list, kept the same way (SSL_get0_signed_cert_timestamp_list). */
  signedCertificateTimestamps?: Uint8Array | undefined;
  /** In memory only: OpenSSL's not_resumable (set by the bad-session rule, §5.2). */
  notResumable: boolean;
  /** In memory only: receipt time in ms, the TLS 1.3 ticket age's origin (time · 1000 when read from a file). */
  receivedAtMs: number;
  /** In memory only: offered once already (TLS 1.3 single use, RFC 8446 Appendix C.4). */
  used: boolean;
}

/** The fields a caller must supply to create a session; everything else has OpenSSL's default. */
export type SessionInit = Pick<Session, 'version' | 'cipherSuite' | 'masterKey' | 'time'> & Partial<Session>;

/** The empty byte field every session shares (byte fields are never mutated, see copySession). */
const EMPTY = new Uint8Array(0);

/** Creates a session with OpenSSL's defaults for every field not given. */
export function createSession(init: SessionInit): Session {
  return {
    sessionId: EMPTY,
    timeout: DEFAULT_SESSION_TIMEOUT,
    peerCertificate: undefined,
    sessionIdContext: EMPTY,
    verifyResult: 0,
    hostname: undefined,
    tickLifetimeHint: 0,
    ticket: undefined,
    flags: 0,
    tickAgeAdd: 0,
    maxEarlyData: 0,
    alpnSelected: undefined,
    maxFragmentLenMode: 0,
    ticketAppData: undefined,
    kexGroup: 0,
    notResumable: false,
    receivedAtMs: init.time * 1000,
    used: false,
    ...init,
  };
}

/** A copy with fresh in-memory state (OpenSSL's ssl_session_dup; byte fields are shared, never mutated). */
export function copySession(s: Session): Session {
  return { ...s, notResumable: false, used: false };
}

/** SSL_SESSION_is_resumable: not marked bad, and a session id or a non-empty ticket to offer. */
export function isResumable(s: Session): boolean {
  return !s.notResumable && (s.sessionId.length > 0 || (s.ticket !== undefined && s.ticket.length > 0));
}

/** Whether the session was made with the extended master secret (flags bit 0x1). */
export function hasExtendedMasterSecret(s: Session): boolean {
  return (s.flags & SESSION_FLAG_EXTMS) !== 0;
}

/** The ticket age the pre_shared_key extension carries, or undefined when the ticket is not offered. */
export interface TicketAge {
  /** Milliseconds since the ticket was received (RFC 8446 §4.2.11.1). */
  ageMs: number;
  /** (ageMs + ticket_age_add) mod 2^32, the PSK identity's obfuscated_ticket_age. */
  obfuscated: number;
}

/** RFC 8446 §4.6.1: ticket_lifetime is at most 7 days, and clients MUST NOT cache a ticket longer. */
export const MAX_TICKET_LIFETIME = 604_800;

/**
 * The TLS 1.3 ticket age (RFC 8446 §4.2.11.1): the time since the NewSessionTicket was received,
 * to the millisecond of the clock the core is given (`receivedAtMs`; a session read from a file
 * knows only the whole second `time`, so its age errs by under a second, upwards). The ticket is
 * offered while the age is below its lifetime (§4.6.1, capped at 7 days; a lifetime of 0 means
 * discard at once), BoringSSL's ssl_session_is_time_valid; a clock behind the receipt time offers
 * nothing (BoringSSL rejects tickets "from the future"). OpenSSL's tls_construct_ctos_psk instead
 * rounds down to whole seconds and takes one more off, which BoGo's ticket age tests refuse.
 */
export function ticketAge(s: Session, nowMs: number): TicketAge | undefined {
  const ageMs = Math.floor(nowMs - s.receivedAtMs);
  if (ageMs < 0) return undefined;
  if (ageMs >= Math.min(s.tickLifetimeHint >>> 0, MAX_TICKET_LIFETIME) * 1000) return undefined;
  return { ageMs, obfuscated: (ageMs + (s.tickAgeAdd >>> 0)) % 0x1_0000_0000 };
}

/** The un-obfuscated ticket age in ms, or undefined when the ticket is skipped. */
export function ticketAgeMs(s: Session, nowMs: number): number | undefined {
  return ticketAge(s, nowMs)?.ageMs;
}

/** obfuscated_ticket_age for the pre_shared_key extension, or undefined when the ticket is skipped. */
export function obfuscatedTicketAge(s: Session, nowMs: number): number | undefined {
  return ticketAge(s, nowMs)?.obfuscated;
}

/** OpenSSL's client session id for a ticket: SHA-256(ticket) (RFC 5077 §3.4; §5.3, §5.4). */
export function sessionIdForTicket(ticket: Uint8Array, sha256: (data: Uint8Array) => Uint8Array): Uint8Array {
  return sha256(ticket);
}

/** The fields of a TLS 1.3 NewSessionTicket (RFC 8446 §4.6.1) the session keeps. */
export interface NewSessionTicketFields {
  /** ticket_lifetime in seconds. */
  lifetime: number;
  /** ticket_age_add, u32. */
  ageAdd: number;
  ticket: Uint8Array;
  /** max_early_data_size from the early_data extension; absent keeps the base session's value, as OpenSSL does. */
  maxEarlyData?: number | undefined;
}

/**
 * tls_process_new_session_ticket for TLS 1.3: duplicate the connection's session, stamp time = now,
 * store the ticket, hint and age_add, session_id = SHA-256(ticket), master_key = the resumption PSK
 * (HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length), derived
 * by the caller), and make it resumable again.
 */
export function sessionFromTls13Ticket(
  base: Session,
  nst: NewSessionTicketFields,
  resumptionPsk: Uint8Array,
  nowMs: number,
  sha256: (data: Uint8Array) => Uint8Array,
): Session {
  if (nst.ticket.length === 0) throw new RangeError('a TLS 1.3 NewSessionTicket carries a non-empty ticket');
  // Ticket, session id and PSK in one ArrayBuffer (issue #14: an idle connection keeps its
  // latest session; one backing store instead of three).
  const id = sessionIdForTicket(nst.ticket, sha256);
  const bytes = new Uint8Array(nst.ticket.length + id.length + resumptionPsk.length);
  const ticket = bytes.subarray(0, nst.ticket.length);
  const sessionId = bytes.subarray(ticket.length, ticket.length + id.length);
  const masterKey = bytes.subarray(ticket.length + id.length);
  ticket.set(nst.ticket);
  sessionId.set(id);
  masterKey.set(resumptionPsk);
  return {
    ...copySession(base),
    version: ProtocolVersion.TLS1_3,
    time: Math.floor(nowMs / 1000),
    receivedAtMs: nowMs,
    ticket,
    tickLifetimeHint: nst.lifetime >>> 0,
    tickAgeAdd: nst.ageAdd >>> 0,
    maxEarlyData: nst.maxEarlyData ?? base.maxEarlyData,
    sessionId,
    masterKey,
  };
}
