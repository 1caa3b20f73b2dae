/**
 * Shared pieces of the scriptable test server (tls-server.ts): its options, the cross-connection
 * store (TLS 1.3 PSKs, TLS 1.2 session IDs and tickets), the interface the version flows drive,
 * and the server's choices (ALPN, signature scheme). Every message and extension goes through
 * the product's codec (src/tls/codec), both directions.
 */
import { createPrivateKey } from 'node:crypto';
import { toHex } from '../../src/tls/codec/bytes.js';
import {
  ExtensionType,
  findExtension,
  readAlpnList,
  readClientKeyShares,
  readOfferedPsks,
  readPskModes,
  readServerName,
  readSupportedVersions,
  readU16List,
  type Extension,
  type KeyShareEntry,
} from '../../src/tls/codec/extensions.js';
import { decodeClientHello } from '../../src/tls/codec/handshake.js';
import { ProtocolVersion, type GroupName, type HashName } from '../../src/tls/codec/names.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { TlsAlert, illegalParameter } from '../../src/tls/errors.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import type { RecordProtection } from '../../src/tls/record/protection.js';
import type { Transcript } from '../../src/tls/handshake/transcript.js';

/** What a mutation hook sees: a whole handshake message (header included) or a whole wire record. */
export type MutateKind = 'record' | 'handshake';
/**
 * Rewrites what the server sends. 'handshake': every handshake message (header included) before
 * it enters the server's transcript, so the server stays self-consistent and only the client's
 * own checks can catch the change; `type` is the handshake type. 'record': every sealed wire
 * record (header included) just before it is written; `type` is the inner content type (22, 23,
 * 21, 20). Return null to drop the message / record.
 */
export type MutateHook = (kind: MutateKind, type: number, bytes: Uint8Array) => Uint8Array | null;

export interface TestServerOptions {
  /** Protocol version the server speaks (default TLS 1.3). */
  version: typeof ProtocolVersion.TLS1_2 | typeof ProtocolVersion.TLS1_3;
  /** Cipher suite it insists on (IANA id); default TLS_AES_128_GCM_SHA256 / ECDHE-ECDSA-AES128-GCM-SHA256. */
  suite?: number;
  /**
   * Group it insists on (default x25519). TLS 1.3: a ClientHello without a share for it gets a
   * HelloRetryRequest. TLS 1.2: the ServerKeyExchange group.
   */
  group: GroupName;
  /** TLS 1.3: a cookie to put in the HelloRetryRequest (and to demand back in ClientHello2). */
  cookie?: Uint8Array;
  /** TLS 1.3: 'always' sends a cookie-only HelloRetryRequest even when the key share fits. */
  hrr: 'auto' | 'always';
  /**
   * TLS 1.3 middlebox-compatibility CCS (sent only when the client's legacy_session_id is not
   * empty, as OpenSSL does): 'first-message' right after the first server handshake message
   * (HelloRetryRequest or ServerHello, OpenSSL's placement, RFC 8446 §D.4), 'server-hello' right
   * after the ServerHello, 'none' never.
   */
  ccs: 'first-message' | 'server-hello' | 'none';
  /** Certificate chain (DER, leaf first) and its PKCS#8 private key (DER). */
  chain: Uint8Array[];
  key: Uint8Array;
  /** Force the signature scheme (IANA id) instead of deriving it from the key. */
  sigalg?: number;
  /** TLS 1.3: NewSessionTickets sent right after the client's Finished, one record each. */
  tickets: number;
  /** ticket_lifetime / lifetime hint in seconds. */
  ticketLifetime: number;
  /** TLS 1.3: accept PSKs this server's store issued (verifying the binder). */
  acceptPsk: boolean;
  /** TLS 1.2: negotiate the extended master secret when offered (RFC 7627). */
  ems: boolean;
  /** TLS 1.2: give full handshakes a session ID and cache the session for resumption. */
  sessionCache: boolean;
  /** TLS 1.2: issue an RFC 5077 ticket when the client offers session_ticket, and accept it back. */
  ticket12: boolean;
  /** TLS 1.2: put the RFC 8446 §4.1.3 downgrade sentinel in ServerHello.random (a 1.3 server doing 1.2). */
  downgradeSentinel: boolean;
  /**
   * TLS 1.2 renegotiation: accept the client's ChangeCipherSpec in plaintext although the
   * current epoch is encrypted (RFC 5246 §7.1 wants it sealed under the current keys).
   */
  acceptPlaintextCcs: boolean;
  /** Acknowledge SNI (empty server_name in EncryptedExtensions / full-handshake ServerHello). */
  ackServerName: boolean;
  /** ALPN protocols the server supports, in its preference order. */
  alpn: string[];
  /** Largest plaintext per record the server writes (handshake and application data). */
  maxFragment: number;
  /** See MutateHook. */
  mutate?: MutateHook;
  /** TLS 1.3: ECH as a client-facing server (RFC 9849), see tls-server-ech.ts. */
  ech?: ServerEch;
  /** TLS 1.3: early_data with this max_early_data_size in every NewSessionTicket (RFC 8446 §4.2.10). */
  maxEarlyData?: number;
  /** TLS 1.3: accept offered early data with the first PSK identity (default: reject it). */
  acceptEarlyData?: boolean;
  /** TLS 1.3, hostile: early_data in EncryptedExtensions whatever the client offered. */
  forceEarlyDataExt?: boolean;
  /**
   * TLS 1.2 DHE suites: the group to use (default RFC 7919 ffdhe2048) and, to play a hostile
   * server, a public value to send instead of ours (the ServerKeyExchange is still signed).
   */
  dh?: { p: Uint8Array; g: Uint8Array; ys?: Uint8Array };
  /** TLS 1.2 CBC suites: decline encrypt_then_mac (MAC-then-encrypt, RFC 5246 §6.2.3.2). */
  noEtm?: boolean;
  /** TLS 1.2 MAC-then-encrypt: send application data with a broken padding or a broken MAC. */
  cbcTamper?: 'padding' | 'mac';
  /** PSKs, session IDs and tickets; share one store between servers to resume across connections. */
  store: ServerStore;
  provider: CryptoProvider;
}

/** A TLS 1.3 resumption PSK the server issued. */
export interface Psk13 {
  psk: Uint8Array;
  suite: number;
  hash: HashName;
  ageAdd: number;
  issuedAtMs: number;
}

/** A TLS 1.2 session the server can resume. */
export interface Session12 {
  master: Uint8Array;
  suite: number;
  ems: boolean;
}

/** State that outlives one connection. */
export class ServerStore {
  readonly psks = new Map<string, Psk13>();
  readonly sessions12 = new Map<string, Session12>();
  readonly tickets12 = new Map<string, Session12>();
  static key(b: Uint8Array): string {
    return toHex(b);
  }
}

/** What the version flows need from the TestServer. */
export interface ServerHost {
  readonly opts: TestServerOptions;
  readonly p: CryptoProvider;
  /** Sends one handshake message (after the mutation hook) and adds it to `transcript` if given. */
  sendHandshake(message: Uint8Array, transcript?: Transcript): void;
  /** A ChangeCipherSpec record under the current write protection. */
  sendChangeCipherSpec(): void;
  setReadProtection(p: RecordProtection): void;
  setWriteProtection(p: RecordProtection): void;
  /** Server-side facts the tests read. */
  readonly facts: ServerFacts;
}

/** What the server observed and negotiated; tests assert on these. */
export interface ServerFacts {
  version: number | null;
  suite: number | null;
  group: number | null;
  resumed: boolean;
  hrrSent: boolean;
  /** TLS 1.3: index of the accepted PSK identity and the client's (de-obfuscated) ticket age. */
  psk: { identity: number; ticketAgeMs: number } | null;
  /** True once both Finished messages have been exchanged (first handshake). */
  connected: boolean;
  /** TLS 1.3: server Finished sent; application data may be written (0.5-RTT). */
  appWriteReady: boolean;
  ticketsSent: number;
  keyUpdatesReceived: number;
  renegotiations: number;
  /** TLS 1.2: plaintext CCS records taken in a renegotiation under acceptPlaintextCcs. */
  plaintextCcsAccepted: number;
  extendedMasterSecret: boolean;
  /** SNI the client sent. */
  servername: string | null;
  alpn: string | null;
  /** ECH: the ClientHelloInner random when this server opened the outer hello and used the inner one. */
  echInnerRandom?: Uint8Array;
  /** TLS 1.3: the client offered early_data in its first ClientHello; what the server did with it. */
  earlyData: 'not offered' | 'accepted' | 'rejected';
}

// --- ClientHello, through the product's codec (src/tls/codec) ---------------------------------

export interface ParsedClientHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compression: Uint8Array;
  extensions: Extension[];
  /** The whole message, header included (as hashed into the transcript). */
  raw: Uint8Array;
}

/** A whole ClientHello message (header included), decoded by the product's decodeClientHello. */
export function parseClientHello(raw: Uint8Array): ParsedClientHello {
  const ch = decodeClientHello(raw.subarray(4));
  return { ...ch, compression: ch.compressionMethods, raw };
}

/** Versions the client offers: supported_versions, else legacy_version. */
export function clientVersions(ch: ParsedClientHello): number[] {
  const e = findExtension(ch.extensions, ExtensionType.supported_versions);
  return e ? readSupportedVersions(e.data) : [ch.legacyVersion];
}

export function clientKeyShares(ch: ParsedClientHello): KeyShareEntry[] {
  const e = findExtension(ch.extensions, ExtensionType.key_share);
  return e ? readClientKeyShares(e.data) : [];
}

export function clientU16List(ch: ParsedClientHello, type: number, what: string): number[] {
  const e = findExtension(ch.extensions, type);
  return e ? readU16List(e.data, what) : [];
}

export function clientServerName(ch: ParsedClientHello): string | null {
  const e = findExtension(ch.extensions, ExtensionType.server_name);
  return e ? readServerName(e.data) : null;
}

export function clientAlpn(ch: ParsedClientHello): string[] {
  const e = findExtension(ch.extensions, ExtensionType.application_layer_protocol_negotiation);
  return e ? readAlpnList(e.data) : [];
}

export type ClientPsk = ReturnType<typeof readOfferedPsks>;

/** pre_shared_key (RFC 8446 §4.2.11); it must be the last extension. */
export function clientPsk(ch: ParsedClientHello): ClientPsk | null {
  const e = findExtension(ch.extensions, ExtensionType.pre_shared_key);
  if (!e) return null;
  if (ch.extensions[ch.extensions.length - 1] !== e) throw illegalParameter('pre_shared_key is not the last extension');
  return readOfferedPsks(e.data);
}

export function clientPskModes(ch: ParsedClientHello): number[] {
  const e = findExtension(ch.extensions, ExtensionType.psk_key_exchange_modes);
  return e ? readPskModes(e.data) : [];
}

/** The server's ALPN choice: its first protocol the client offered, or null. */
export function chooseAlpn(server: string[], client: string[]): string | null {
  if (server.length === 0 || client.length === 0) return null;
  const p = server.find((s) => client.includes(s));
  if (!p) throw new TlsAlert(AlertDescription.no_application_protocol, 'no shared ALPN protocol');
  return p;
}

/** Signature schemes the key can make, best first (TLS 1.3 binds ECDSA to the curve). */
export function schemesForKey(pkcs8: Uint8Array, tls13: boolean): number[] {
  const k = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  switch (k.asymmetricKeyType) {
    case 'ec':
      switch (k.asymmetricKeyDetails?.namedCurve) {
        case 'prime256v1':
          return tls13 ? [0x0403] : [0x0403, 0x0503, 0x0603];
        case 'secp384r1':
          return tls13 ? [0x0503] : [0x0503, 0x0403, 0x0603];
        case 'secp521r1':
          return tls13 ? [0x0603] : [0x0603, 0x0503, 0x0403];
        default:
          return [];
      }
    case 'ed25519':
      return [0x0807];
    case 'rsa':
      return tls13 ? [0x0804, 0x0805, 0x0806] : [0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601];
    case 'rsa-pss':
      return [0x0809, 0x080a, 0x080b];
    default:
      return [];
  }
}

/** The scheme the server signs with: forced, or the key's first one the client offered. */
export function chooseScheme(opts: TestServerOptions, clientSigalgs: number[], tls13: boolean): number {
  if (opts.sigalg !== undefined) return opts.sigalg;
  const s = schemesForKey(opts.key, tls13).find((id) => clientSigalgs.includes(id));
  if (s === undefined)
    throw new TlsAlert(AlertDescription.handshake_failure, 'no signature scheme fits the key and the client');
  return s;
}

/** A u32 from random bytes. */
export function randomU32(p: CryptoProvider): number {
  const b = p.randomBytes(4);
  return new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
}

/** ECH as the in-memory server plays it (tls-server-ech.ts). */
export interface ServerEch {
  /** The server's ECHConfigList (one config) and its X25519 private key; absent: never accepts. */
  key?: { configList: Uint8Array; privateKey: Uint8Array };
  /** retry_configs for EncryptedExtensions (any bytes), sent when ECH was not accepted, or always with `alwaysRetry`. */
  retryConfigs?: Uint8Array;
  alwaysRetry?: boolean;
  /** Flip one bit of the ServerHello confirmation. */
  wrongConfirmation?: boolean;
}
