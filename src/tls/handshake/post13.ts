/**
 * The connected TLS 1.3 client (RFC 8446 §4.6): the application traffic secrets and the messages
 * that may follow the handshake: NewSessionTicket (§4.6.1), post-handshake CertificateRequest
 * (§4.6.2, answered in pha.ts) and KeyUpdate (§4.6.3), in either direction. client13.ts builds
 * one when its Finished is out and forwards to it from then on.
 */
import type { HelloOutcome } from './hello-outcome.js';
import type { Transcript } from './transcript.js';
import { nextTrafficSecret, trafficKeys } from './keyschedule.js';
import { ticketSession } from './ticket13.js';
import { answerPostHandshakeCertificateRequest } from './pha.js';
import { decodeKeyUpdate, frameHandshake } from '../codec/handshake.js';
import { HandshakeType, handshakeName } from '../codec/registry.js';
import { Writer } from '../codec/bytes.js';
import type { CipherSuite, HashName } from '../codec/names.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { Tls13Protection } from '../record/protection.js';
import { illegalParameter, unexpectedMessage } from '../errors.js';

/** Client and server traffic secrets of one epoch. */
export interface TrafficSecrets {
  client: Uint8Array;
  server: Uint8Array;
}

/** What outlives the handshake: tickets need the resumed session's facts (RFC 8446 §4.6.1). */
export type Kept13 = Pick<HelloOutcome, 'host' | 'suite' | 'info' | 'pskSession'>;

/** Record protection from one TLS 1.3 traffic secret (RFC 8446 §7.3: key and 12-byte IV). */
export function protection13(p: CryptoProvider, suite: CipherSuite, secret: Uint8Array): Tls13Protection {
  const c = suite.cipher;
  if (c.kind !== 'aead') throw new Error('TLS 1.3 suite without AEAD');
  const { key, iv } = trafficKeys(p, suite.hash, secret, c.keyLength, 12);
  return new Tls13Protection(p, c.aead, key, iv);
}

/**
 * The secrets a connected TLS 1.3 client keeps (RFC 8446 §7.1), in one array: the client and the
 * server application traffic secrets in force, the resumption master secret (tickets) and the
 * exporter master secret (SSL_export_keying_material), hashLen bytes each in that order. One
 * ArrayBuffer per connection instead of one per secret (issue #14: ~180 B saved per secret).
 */
export function packSecrets13(
  client: Uint8Array,
  server: Uint8Array,
  resumption: Uint8Array,
  exporter: Uint8Array,
): Uint8Array {
  const hl = client.length;
  const all = new Uint8Array(4 * hl);
  [client, server, resumption, exporter].forEach((s, i) => all.set(s, i * hl));
  return all;
}

/**
 * The connected client; it is also the connection's ExporterSecret (SSL_export_keying_material,
 * RFC 8446 §7.5), answering from its secrets array rather than holding a view of its own.
 */
export class Tls13Connected {
  readonly version = 'tls13';
  /** A KeyUpdate answering update_requested went out and no application data since (§4.6.3). */
  private keyUpdateAnswered = false;

  /**
   * `secrets`: packSecrets13's array (the application traffic secrets in force, then the
   * resumption and exporter master secrets); `phaBase`: with post_handshake_auth offered, the
   * transcript through our Finished (RFC 8446 §4.4.1).
   */
  constructor(
    private readonly kept: Kept13,
    private readonly secrets: Uint8Array,
    private readonly resumed: boolean,
    private readonly phaBase: Transcript | undefined,
  ) {}

  /** The secret in slot `i` of `secrets` (0 client, 1 server, 2 resumption, 3 exporter master), a view. */
  private slot(i: number): Uint8Array {
    const hl = this.secrets.length / 4;
    return this.secrets.subarray(i * hl, (i + 1) * hl);
  }

  /** ExporterSecret: the suite's hash and the exporter master secret (a view of slot 3). */
  get hash(): HashName {
    return this.kept.suite.hash;
  }
  get exporterMaster(): Uint8Array {
    return this.slot(3);
  }

  /** The current application traffic secrets (read: the server's), copies: a KeyUpdate rewrites ours. */
  trafficSecrets(): { read: Uint8Array; write: Uint8Array } {
    return { read: this.slot(1).slice(), write: this.slot(0).slice() };
  }

  /** A post-handshake message (RFC 8446 §4.6); returns its name for WANT_READ reporting. */
  handle(type: number, body: Uint8Array, raw: Uint8Array): string {
    switch (type) {
      case HandshakeType.new_session_ticket:
        this.kept.host.newSession(ticketSession(this.kept, body, this.slot(2), this.resumed));
        break;
      case HandshakeType.key_update:
        this.onKeyUpdate(body);
        break;
      case HandshakeType.certificate_request:
        // RFC 8446 §4.6.2: only after we sent post_handshake_auth; otherwise unexpected_message.
        if (!this.phaBase) throw unexpectedMessage('post-handshake CertificateRequest without post_handshake_auth');
        answerPostHandshakeCertificateRequest(this.kept, this.phaBase, this.slot(0), body, raw);
        break;
      default:
        throw unexpectedMessage(`unexpected post-handshake ${handshakeName(type)}`);
    }
    return handshakeName(type);
  }

  /**
   * KeyUpdate (RFC 8446 §4.6.3): new read keys; update_requested is answered with our own update,
   * once until we next send application data: "an implementation which receives multiple
   * KeyUpdates while it is silent [responds] with a single update" (BoringSSL key_update_pending).
   */
  private onKeyUpdate(body: Uint8Array): void {
    const { host, suite } = this.kept;
    const req = decodeKeyUpdate(body);
    if (req !== 0 && req !== 1) throw illegalParameter('bad KeyUpdate request value');
    const p = host.options.provider;
    const next = nextTrafficSecret(p, suite.hash, this.slot(1));
    this.slot(1).set(next);
    host.setReadProtection(protection13(p, suite, next));
    if (req === 1 && !this.keyUpdateAnswered) {
      this.sendKeyUpdate(false);
      this.keyUpdateAnswered = true;
    }
  }

  /** Application data went out under our current keys: the next update_requested gets an answer again. */
  appDataSent(): void {
    this.keyUpdateAnswered = false;
  }

  /** Sends KeyUpdate and switches our write keys (RFC 8446 §4.6.3). */
  sendKeyUpdate(requestPeer: boolean): void {
    const { host, suite } = this.kept;
    const p = host.options.provider;
    host.sendHandshake(frameHandshake(HandshakeType.key_update, new Writer(1).u8(requestPeer ? 1 : 0).finish()));
    const next = nextTrafficSecret(p, suite.hash, this.slot(0));
    this.slot(0).set(next);
    host.setWriteProtection(protection13(p, suite, next));
  }
}
