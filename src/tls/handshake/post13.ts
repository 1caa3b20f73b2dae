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
import type { CipherSuite } from '../codec/names.js';
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

export class Tls13Connected {
  /** A KeyUpdate answering update_requested went out and no application data since (§4.6.3). */
  private keyUpdateAnswered = false;

  /**
   * `app`: the application traffic secrets in force; `phaBase`: with post_handshake_auth offered,
   * the transcript through our Finished (RFC 8446 §4.4.1).
   */
  constructor(
    private readonly kept: Kept13,
    private readonly app: TrafficSecrets,
    private readonly resumptionMaster: Uint8Array,
    private readonly resumed: boolean,
    private readonly phaBase: Transcript | undefined,
  ) {}

  /** The current application traffic secrets (read: the server's). */
  trafficSecrets(): { read: Uint8Array; write: Uint8Array } {
    return { read: this.app.server, write: this.app.client };
  }

  /** A post-handshake message (RFC 8446 §4.6); returns its name for WANT_READ reporting. */
  handle(type: number, body: Uint8Array, raw: Uint8Array): string {
    switch (type) {
      case HandshakeType.new_session_ticket:
        this.kept.host.newSession(ticketSession(this.kept, body, this.resumptionMaster, this.resumed));
        break;
      case HandshakeType.key_update:
        this.onKeyUpdate(body);
        break;
      case HandshakeType.certificate_request:
        // RFC 8446 §4.6.2: only after we sent post_handshake_auth; otherwise unexpected_message.
        if (!this.phaBase) throw unexpectedMessage('post-handshake CertificateRequest without post_handshake_auth');
        answerPostHandshakeCertificateRequest(this.kept, this.phaBase, this.app.client, body, raw);
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
    this.app.server = nextTrafficSecret(p, suite.hash, this.app.server);
    host.setReadProtection(protection13(p, suite, this.app.server));
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
    this.app.client = nextTrafficSecret(p, suite.hash, this.app.client);
    host.setWriteProtection(protection13(p, suite, this.app.client));
  }
}
