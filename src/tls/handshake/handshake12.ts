/**
 * One TLS 1.2 handshake after our ClientHello (RFC 5246 §7.3 with RFC 8422 ECDHE, RFC 7627 EMS,
 * RFC 7366 EtM, RFC 5077 tickets, RFC 5746 secure renegotiation), initial or renegotiation. The
 * state says what has been received and carries what the next message needs; `handle` is one
 * switch over it in the RFC's message order, and any other message is unexpected_message.
 */
import type { PeerKey } from './auth.js';
import { reverifySession, verifyPeer } from './verify.js';
import { finished12, prfHashFor, type PrfHash } from './prf.js';
import { checkRenegotiationEms, checkRenegotiationInfo, type VerifyData } from './renegotiation.js';
import { clientKeyExchange, type ServerKx } from './kx12.js';
import { keys12, masterSecret12, session12, type Hello12, type Keys12, type Ticket12 } from './keys12.js';
import { equalBytes } from './util.js';
import { clientAuth12 } from './client-auth12.js';
import {
  readCertificateRequest12,
  readCertificateStatus12,
  readServerCertificate12,
  readServerKeyExchange12,
  type ServerAuthParams,
} from './server-auth12.js';
import {
  checkServerExtensions,
  checkSuiteAndCompression,
  negotiateAlpn,
  negotiateMaxFragmentLength,
  renewedFacts,
  restoreSessionFacts,
  sessionFacts,
  type SessionFacts,
} from './negotiated.js';
import { AlertDescription } from '../codec/alerts.js';
import { findExtension, type Extension } from '../codec/extensions.js';
import {
  decodeNewSessionTicket12,
  decodeServerHello,
  encodeCertificate,
  expectEmptyBody,
  frameHandshake,
  type CertificateRequest12,
  type ServerHello,
} from '../codec/handshake.js';
import { ExtensionType, HandshakeType, handshakeName } from '../codec/registry.js';
import { constantTimeEqual } from '../codec/bytes.js';
import { isPskKeyExchange, suiteById } from '../codec/names.js';
import { pskServerMessage } from './psk12.js';
import { TlsAlert, illegalParameter, unexpectedMessage } from '../errors.js';
import { SESSION_FLAG_EXTMS, type Session } from '../session/session.js';
import { decodeSctList } from '../codec/certificate.js';

/** The server's authenticated key exchange, which our ClientKeyExchange answers (RFC 5246 §7.4.3, §7.4.7). */
interface ServerKx12 {
  hello: Hello12;
  peerChain: Uint8Array[];
  /** null in a PSK suite, which has no certificate (RFC 4279 §2). */
  peerKey: PeerKey | null;
  kx: ServerKx;
}

/** Where the client is in the RFC 5246 §7.3 message flow. */
type State12 =
  /** Renegotiation: our ClientHello is out, the ServerHello comes next. */
  | { k: 'wait_sh' }
  /** Full handshake: the server's Certificate (§7.4.2). */
  | { k: 'wait_cert'; hello: Hello12 }
  /** ServerKeyExchange (RFC 8422 §5.4), signed by the certificate's key. */
  /** `verified` false: the verdict waits for a CertificateStatus the ServerHello announced (RFC 6066 §8). */
  | { k: 'wait_ske'; hello: Hello12; peerKey: PeerKey; peerChain: Uint8Array[]; verified: boolean }
  /** CertificateRequest (§7.4.4) or ServerHelloDone (§7.4.5). */
  | { k: 'wait_cr_done'; kx: ServerKx12 }
  /** After a CertificateRequest: ServerHelloDone. */
  | { k: 'wait_done'; kx: ServerKx12; certRequest: CertificateRequest12 }
  /** Keys derived: an optional NewSessionTicket (RFC 5077 §3.3), then the server's ChangeCipherSpec. */
  | { k: 'wait_ticket_ccs'; flight: Flight12 }
  /** The server's Finished (§7.4.9) under its new keys. */
  | { k: 'wait_finished'; flight: Flight12 }
  | { k: 'done' };

/** What the server's last messages need: keys, our Finished if we sent it first, a new ticket. */
interface Flight12 {
  hello: Hello12;
  keys: Keys12;
  peerChain: Uint8Array[];
  /** Our verify_data when our Finished went first (full handshake); null in a resumption. */
  clientVerifyData: Uint8Array | null;
  newTicket?: Ticket12;
}

/** A completed handshake: both verify_data, and the session it made (if any). */
export interface Completed12 {
  verifyData: VerifyData;
  session?: Session;
}

/** Facts fixed for one handshake: what our ClientHello offered, and what came before it. */
export interface Handshake12Params extends ServerAuthParams {
  /** The extensions of our ClientHello (a ServerHello may answer only these). */
  offered: readonly Extension[];
  /** The session ID we offered, and its session (RFC 5246 §7.4.1.2), for resumption. */
  offeredSessionId: Uint8Array;
  session: Session | undefined;
  /** The negotiated version (TLS 1.0 to 1.2; a renegotiation keeps it). */
  version: number;
  /** Our ClientHello's legacy_version, which an RSA pre-master secret repeats (RFC 5246 §7.4.7.1). */
  clientHelloVersion: number;
}

export class Tls12Handshake {
  private state: State12 = { k: 'wait_sh' };

  constructor(private readonly c: Handshake12Params) {}

  private get p() {
    return this.c.host.options.provider;
  }

  /** ServerHello (RFC 5246 §7.4.1.3): extensions, secure renegotiation, EMS, the resumption decision. */
  onServerHello(sh: ServerHello): void {
    const { host, info, offered, offeredSessionId: sid, session: s } = this.c;
    const suite = suiteById(sh.cipherSuite);
    if (!suite) throw illegalParameter('server chose a cipher suite we did not offer');
    checkServerExtensions('ServerHello12', sh.extensions, offered);
    info.secureRenegotiation = checkRenegotiationInfo(sh, this.c.previous, host.options.legacyServerConnect);
    const ems = !!findExtension(sh.extensions, ExtensionType.extended_master_secret);
    checkRenegotiationEms(this.c.previous, ems);
    const etm = suite.cipher.kind === 'cbc' && !!findExtension(sh.extensions, ExtensionType.encrypt_then_mac);
    negotiateAlpn(sh.extensions, host.options, info);
    if (findExtension(sh.extensions, ExtensionType.server_name)) info.sniAcknowledged = true;
    negotiateMaxFragmentLength(sh.extensions, host.options, info);
    const resumed = s !== undefined && sid.length > 0 && equalBytes(sh.sessionId, sid);
    // RFC 5246 §7.4.1.3: a full handshake gets a new ID, not ours echoed (BoringSSL SERVER_ECHOED_INVALID_SESSION_ID).
    if (!resumed && sid.length > 0 && equalBytes(sh.sessionId, sid))
      throw illegalParameter('server echoed a session ID it did not resume');
    const hello: Hello12 = { version: this.c.version, sh, suite, ems, etm, resumed };
    // RFC 6962 §3.3.1; a resumption keeps the session's list, a renegotiation the first handshake's.
    const sct = findExtension(sh.extensions, ExtensionType.signed_certificate_timestamp);
    const sctList = sct ? decodeSctList(sct.data) : undefined;
    if (sctList && !resumed && !this.c.previous) info.signedCertificateTimestamps = sctList;
    if (s && resumed) {
      // OpenSSL sets `hit` before checking the resumption (§5.1), so a failure below is a failed
      // resumption of this session, and the bad-session rule applies to it.
      info.resumed = true;
      info.handshake = 'resumed';
      this.checkResumption(hello, s);
      const keys = this.deriveKeys(hello, s.masterKey);
      this.state = { k: 'wait_ticket_ccs', flight: { hello, keys, peerChain: [], clientVerifyData: null } };
    } else {
      this.state = { k: 'wait_cert', hello };
    }
    info.extendedMasterSecret = ems;
    info.sessionId = sh.sessionId.slice();
  }

  /** An abbreviated handshake resumes the session as it was (RFC 5246 §7.4.1.3, RFC 7627 §5.3). */
  private checkResumption(hello: Hello12, s: Session): void {
    if (s.version !== hello.version || s.cipherSuite !== hello.sh.cipherSuite)
      throw illegalParameter('resumed session with another version or cipher');
    // OpenSSL final_ems: the EMS state must match the session's.
    if (hello.ems !== ((s.flags & SESSION_FLAG_EXTMS) !== 0))
      throw new TlsAlert(AlertDescription.handshake_failure, 'inconsistent extms');
    restoreSessionFacts(this.c.info, s, true);
    reverifySession(this.c.host.options, this.c.info, s);
  }

  /** One handshake message, in RFC 5246 §7.3 order; returns the outcome once the handshake completed. */
  handle(type: number, body: Uint8Array, raw: Uint8Array): Completed12 | null {
    const s = this.state;
    switch (s.k) {
      case 'wait_sh':
        if (type !== HandshakeType.server_hello) break;
        this.onRenegotiationServerHello(body, raw);
        return null;
      case 'wait_cert':
        if (isPskKeyExchange(s.hello.suite.kx)) {
          if (this.onPskServerMessage(type, body, raw, s.hello)) return null;
          break;
        }
        if (type !== HandshakeType.certificate) break;
        this.onCertificate(body, raw, s.hello);
        return null;
      case 'wait_ske':
        // CertificateStatus right after Certificate when the ServerHello acked status_request (RFC 6066 §8;
        // `verified` is false only then). A renegotiation keeps the first response (BoringSSL ssl_verify_peer_cert).
        if (type === HandshakeType.certificate_status && !s.verified) {
          readCertificateStatus12(this.c, s.peerChain, body, raw);
          this.state = { ...s, verified: true };
          return null;
        }
        if (type !== HandshakeType.server_key_exchange) break;
        if (!s.verified) verifyPeer(this.c.host.options, this.c.info, s.peerChain, this.c.verifyName);
        this.onServerKeyExchange(body, raw, s.hello, s.peerKey, s.peerChain);
        return null;
      case 'wait_cr_done':
        // Only certificate-based suites may ask for one (BoringSSL do_read_certificate_request: a PSK suite's is unexpected).
        if (type === HandshakeType.certificate_request && s.kx.peerKey !== null) {
          const certRequest = readCertificateRequest12(this.c, s.kx.hello.version, body, raw);
          this.state = { k: 'wait_done', kx: s.kx, certRequest };
          return null;
        }
        if (type !== HandshakeType.server_hello_done) break;
        this.onServerHelloDone(body, raw, s.kx, undefined);
        return null;
      case 'wait_done':
        if (type !== HandshakeType.server_hello_done) break;
        this.onServerHelloDone(body, raw, s.kx, s.certRequest);
        return null;
      case 'wait_ticket_ccs':
        if (type !== HandshakeType.new_session_ticket) break;
        this.onNewSessionTicket(body, raw, s.flight);
        return null;
      case 'wait_finished':
        if (type !== HandshakeType.finished) break;
        return this.onServerFinished(body, raw, s.flight);
      case 'done':
        break;
    }
    throw unexpectedMessage(`unexpected ${handshakeName(type)} in state ${s.k}`);
  }

  /** A renegotiation's ServerHello (RFC 5746 §3.5): TLS 1.2 again, a suite we offered, no compression. */
  private onRenegotiationServerHello(body: Uint8Array, raw: Uint8Array): void {
    const sh = decodeServerHello(body);
    if (
      sh.isHrr ||
      sh.legacyVersion !== this.c.version ||
      findExtension(sh.extensions, ExtensionType.supported_versions)
    ) {
      throw new TlsAlert(AlertDescription.protocol_version, 'renegotiation must keep the version');
    }
    checkSuiteAndCompression(sh, this.c.host.options.cipherSuites12);
    const suite = suiteById(sh.cipherSuite);
    if (suite) this.c.transcript.setHash(prfHashFor(this.c.version, suite.hash));
    this.c.transcript.add(raw);
    this.onServerHello(sh);
  }

  /**
   * Certificate (server-auth12.ts). RSA key exchange: no ServerKeyExchange, the certificate's key
   * encrypts the pre-master (RFC 5246 §7.4.3).
   */
  private onCertificate(body: Uint8Array, raw: Uint8Array, hello: Hello12): void {
    const { peerChain, peerKey, verified } = readServerCertificate12(this.c, hello, body, raw);
    this.state =
      hello.suite.kx === 'RSA'
        ? { k: 'wait_cr_done', kx: { hello, peerChain, peerKey, kx: { kind: 'rsa' } } }
        : { k: 'wait_ske', hello, peerKey, peerChain, verified };
    this.c.host.state('TLS_ST_CR_CERT');
  }

  /** A PSK suite after ServerHello (psk12.ts): false for a message it does not have there. */
  private onPskServerMessage(type: number, body: Uint8Array, raw: Uint8Array, hello: Hello12): boolean {
    const psk = pskServerMessage(this.c.host.options, this.c.info, hello.suite.kx === 'ECDHE_PSK', type, body);
    if (!psk) return false;
    const kx: ServerKx12 = { hello, peerChain: [], peerKey: null, kx: psk };
    if (type === HandshakeType.server_hello_done) {
      this.onServerHelloDone(body, raw, kx, undefined);
    } else {
      this.c.transcript.add(raw);
      this.state = { k: 'wait_cr_done', kx };
      this.c.host.state('TLS_ST_CR_KEY_EXCH');
    }
    return true;
  }

  /** ServerKeyExchange (server-auth12.ts), signed by the certificate's key. */
  private onServerKeyExchange(
    body: Uint8Array,
    raw: Uint8Array,
    hello: Hello12,
    peerKey: PeerKey,
    peerChain: Uint8Array[],
  ): void {
    const kx = readServerKeyExchange12(this.c, hello, peerKey, body, raw);
    this.state = { k: 'wait_cr_done', kx: { hello, peerChain, peerKey, kx } };
    this.c.host.state('TLS_ST_CR_KEY_EXCH');
  }

  /**
   * ServerHelloDone (RFC 5246 §7.4.5), then our flight: [Certificate] ClientKeyExchange
   * [CertificateVerify] ChangeCipherSpec Finished (§7.3, Figure 1).
   */
  private onServerHelloDone(
    body: Uint8Array,
    raw: Uint8Array,
    kx: ServerKx12,
    certRequest: CertificateRequest12 | undefined,
  ): void {
    const { host, info, transcript } = this.c;
    expectEmptyBody(body, 'ServerHelloDone');
    host.endOfFlight();
    transcript.add(raw);
    host.state('TLS_ST_CR_SRVR_DONE');
    const { hello, peerChain } = kx;
    // RFC 5246 §7.4.7.1: an RSA pre-master carries the version the ClientHello offered.
    const cke = clientKeyExchange(this.p, host.options, kx.kx, kx.peerKey, this.c.clientHelloVersion);
    // Client authentication (client-auth12.ts): our certificate, or an empty one (RFC 5246 §7.4.6).
    const auth = certRequest ? clientAuth12(host.options, hello.version, certRequest, this.c.info.ech) : undefined;
    if (certRequest)
      this.send(frameHandshake(HandshakeType.certificate, encodeCertificate(auth ? auth.chain : [], false)));
    this.send(frameHandshake(HandshakeType.client_key_exchange, cke.body));
    host.state('TLS_ST_CW_KEY_EXCH');
    const master = masterSecret12(this.p, hello, cke.preMaster, this.c.clientRandom, transcript);
    if (auth) {
      // RFC 5246 §7.4.8: the signature covers every handshake message so far.
      this.send(
        frameHandshake(HandshakeType.certificate_verify, auth.certificateVerify(this.p, transcript.messages())),
      );
      info.clientCertSent = true;
    }
    const keys = this.deriveKeys(hello, master);
    const clientVerifyData = this.sendCcsAndFinished(hello, keys);
    this.state = { k: 'wait_ticket_ccs', flight: { hello, keys, peerChain, clientVerifyData } };
  }

  /** The connection's keys from a master secret; the key log gets it first (NSS CLIENT_RANDOM). */
  private deriveKeys(hello: Hello12, master: Uint8Array): Keys12 {
    this.c.host.keylog('CLIENT_RANDOM', this.c.clientRandom, master);
    return keys12(this.p, hello, master, this.c.clientRandom);
  }

  /** The connection facts a new session records, at the host's clock. */
  private sessionFacts(): SessionFacts & { receivedAtMs: number } {
    const now = this.c.host.options.now();
    const facts = { ...sessionFacts(this.c.info, now), receivedAtMs: now };
    return renewedFacts(facts, this.c.info.resumed ? this.c.session : undefined);
  }

  /** The PRF and handshake hash: MD5/SHA-1 for TLS 1.0/1.1, the suite's for TLS 1.2. */
  private prfHash(hello: Hello12): PrfHash {
    return prfHashFor(hello.version, hello.suite.hash);
  }

  private send(msg: Uint8Array): void {
    this.c.transcript.add(msg);
    this.c.host.sendHandshake(msg);
  }

  /** Our ChangeCipherSpec (RFC 5246 §7.1) and Finished (§7.4.9); returns our verify_data. */
  private sendCcsAndFinished(hello: Hello12, keys: Keys12): Uint8Array {
    const host = this.c.host;
    host.sendChangeCipherSpec();
    host.state('TLS_ST_CW_CHANGE');
    host.setWriteProtection(keys.write);
    const verifyData = finished12(this.p, this.prfHash(hello), keys.master, true, this.c.transcript.hash());
    this.send(frameHandshake(HandshakeType.finished, verifyData));
    host.state('TLS_ST_CW_FINISHED');
    return verifyData;
  }

  /** NewSessionTicket (RFC 5077 §3.3): only when session_ticket was offered and answered. */
  private onNewSessionTicket(body: Uint8Array, raw: Uint8Array, flight: Flight12): void {
    if (
      !findExtension(this.c.offered, ExtensionType.session_ticket) ||
      !findExtension(flight.hello.sh.extensions, ExtensionType.session_ticket)
    ) {
      throw unexpectedMessage('NewSessionTicket without session_ticket negotiated');
    }
    flight.newTicket = decodeNewSessionTicket12(body);
    this.c.transcript.add(raw);
  }

  /** The server's ChangeCipherSpec (RFC 5246 §7.1): switch the read side (after an optional NewSessionTicket). */
  onChangeCipherSpec(): void {
    const s = this.state;
    if (s.k !== 'wait_ticket_ccs') throw unexpectedMessage('unexpected ChangeCipherSpec');
    this.c.host.setReadProtection(s.flight.keys.read);
    this.state = { k: 'wait_finished', flight: s.flight };
    this.c.host.state('TLS_ST_CR_CHANGE');
  }

  /** The server's Finished (RFC 5246 §7.4.9); in a resumption our CCS and Finished follow it. */
  private onServerFinished(body: Uint8Array, raw: Uint8Array, flight: Flight12): Completed12 {
    const { hello, keys } = flight;
    const expected = finished12(this.p, this.prfHash(hello), keys.master, false, this.c.transcript.hash());
    if (!constantTimeEqual(expected, body)) throw new TlsAlert(AlertDescription.decrypt_error, 'digest check failed');
    const server = body.slice();
    this.c.transcript.add(raw);
    this.c.host.state('TLS_ST_CR_FINISHED');
    const client = flight.clientVerifyData ?? this.sendCcsAndFinished(hello, keys);
    this.c.info.tlsUnique = flight.clientVerifyData ? client : server; // RFC 5929 §3.1: the first Finished
    this.state = { k: 'done' };
    // RFC 5705 §4: the exporter's PRF runs over this handshake's master secret and randoms.
    this.c.host.exporterSecret({
      version: 'tls12',
      hash: this.prfHash(hello),
      master: keys.master,
      clientRandom: this.c.clientRandom,
      serverRandom: hello.sh.random,
    });
    // A full handshake makes a session; a resumption makes one only when the server renewed the
    // ticket (RFC 5077 §3.3), since the old ticket may no longer be accepted.
    const session =
      !hello.resumed || flight.newTicket
        ? session12(this.p, hello, flight.keys.master, flight.newTicket, this.sessionFacts())
        : undefined;
    return { verifyData: { client, server }, ...(session ? { session } : {}) };
  }
}
