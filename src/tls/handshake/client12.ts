/**
 * The TLS 1.2 client after ServerHello (RFC 5246 §7.3, RFC 8422 ECDHE, RFC 7627 EMS, RFC 7366
 * EtM, RFC 5077 tickets, RFC 5746 secure renegotiation). One Tls12Handshake per handshake; the
 * Tls12Client flow holds the current one and starts another on a HelloRequest.
 */
import type { HelloOutcome, VersionFlow } from './client.js';
import type { HandshakeHost } from './host.js';
import { Transcript } from './transcript.js';
import { buildClientHello } from './clienthello.js';
import { certificateKey, checkPeerScheme, ownKey, schemeFitsKey, type PeerKey } from './auth.js';
import { verifyPeer } from './verify.js';
import { finished12, keyBlock, masterSecret } from './prf.js';
import { equalBytes } from './util.js';
import { AlertDescription } from '../codec/alerts.js';
import {
  ExtensionType,
  extensionName,
  findExtension,
  readRenegotiationInfo,
  readSelectedAlpn,
} from '../codec/extensions.js';
import {
  HandshakeType,
  decodeCertificate,
  decodeCertificateRequest12,
  decodeNewSessionTicket12,
  decodeServerHello,
  decodeServerKeyExchangeEcdhe,
  encodeCertificate,
  encodeCertificateVerify,
  encodeClientKeyExchangeEcdhe,
  expectEmptyBody,
  frameHandshake,
  handshakeName,
  type ServerHello,
} from '../codec/handshake.js';
import { concat, constantTimeEqual, utf8 } from '../codec/bytes.js';
import { groupById, sigSchemeById, suiteById, type CipherSuite } from '../codec/names.js';
import { Tls12AeadProtection, Tls12CbcProtection } from '../record/protection12.js';
import type { RecordProtection } from '../record/protection.js';
import { TlsAlert, decodeError, illegalParameter, unexpectedMessage } from '../errors.js';
import { createSession, SESSION_FLAG_EXTMS, type Session } from '../session/session.js';
import type { ConnectionInfo } from '../types.js';

type State =
  | 'wait_sh'
  | 'wait_cert'
  | 'wait_ske'
  | 'wait_cr_done'
  | 'wait_done'
  | 'wait_ticket_ccs'
  | 'wait_finished'
  | 'connected';

/** ServerHello extensions a TLS 1.2 server may answer with (each only if we offered it). */
const SH12_ALLOWED = new Set<number>([
  ExtensionType.renegotiation_info,
  ExtensionType.server_name,
  ExtensionType.ec_point_formats,
  ExtensionType.session_ticket,
  ExtensionType.application_layer_protocol_negotiation,
  ExtensionType.encrypt_then_mac,
  ExtensionType.extended_master_secret,
  ExtensionType.max_fragment_length,
  ExtensionType.status_request,
  ExtensionType.signed_certificate_timestamp,
]);

/** One TLS 1.2 handshake, initial or renegotiation. */
class Tls12Handshake {
  state: State = 'wait_sh';
  sh?: ServerHello;
  suite?: CipherSuite;
  master?: Uint8Array;
  ems = false;
  etm = false;
  resumed = false;
  peerKey?: PeerKey;
  peerChain: Uint8Array[] = [];
  ske?: ReturnType<typeof decodeServerKeyExchangeEcdhe>;
  certRequest?: ReturnType<typeof decodeCertificateRequest12>;
  newTicket?: { lifetimeHint: number; ticket: Uint8Array };
  clientVerifyData: Uint8Array = new Uint8Array(0);
  serverVerifyData: Uint8Array = new Uint8Array(0);
  private pendingRead?: RecordProtection;

  constructor(
    private readonly host: HandshakeHost,
    private readonly info: ConnectionInfo,
    readonly transcript: Transcript,
    readonly clientRandom: Uint8Array,
    private readonly offeredExtensions: number[],
    private readonly offeredSessionId: Uint8Array,
    private readonly session: Session | undefined,
    /** verify_data of the previous handshake for renegotiation_info (RFC 5746 §3.4), or null initially. */
    private readonly previous: { client: Uint8Array; server: Uint8Array } | null,
    private readonly verifyName: string | null,
  ) {}

  private get p() {
    return this.host.options.provider;
  }

  /** ServerHello for TLS 1.2: extensions, secure renegotiation, EMS, resumption decision. */
  onServerHello(sh: ServerHello, raw: Uint8Array | null): void {
    this.sh = sh;
    this.suite = suiteById(sh.cipherSuite)!;
    if (raw) {
      this.transcript.setHash(this.suite.hash);
      this.transcript.add(raw);
    }
    for (const e of sh.extensions) {
      if (!SH12_ALLOWED.has(e.type) || !this.offeredExtensions.includes(e.type)) {
        throw new TlsAlert(
          AlertDescription.unsupported_extension,
          `unsolicited ${extensionName(e.type)} in ServerHello`,
        );
      }
    }
    const ri = findExtension(sh.extensions, ExtensionType.renegotiation_info);
    const expected = this.previous ? concat(this.previous.client, this.previous.server) : new Uint8Array(0);
    if (!ri) throw new TlsAlert(AlertDescription.handshake_failure, 'unsafe legacy renegotiation disabled');
    if (!constantTimeEqual(readRenegotiationInfo(ri.data), expected))
      throw new TlsAlert(AlertDescription.handshake_failure, 'renegotiation mismatch');
    this.info.secureRenegotiation = true;
    this.ems = !!findExtension(sh.extensions, ExtensionType.extended_master_secret);
    this.etm = this.suite.cipher.kind === 'cbc' && !!findExtension(sh.extensions, ExtensionType.encrypt_then_mac);
    const alpn = findExtension(sh.extensions, ExtensionType.application_layer_protocol_negotiation);
    if (alpn) {
      const proto = readSelectedAlpn(alpn.data);
      if (!this.host.options.alpn.includes(proto))
        throw illegalParameter(`server selected ALPN protocol ${proto} we did not offer`);
      this.info.alpn = proto;
    }
    if (findExtension(sh.extensions, ExtensionType.server_name)) this.info.sniAcknowledged = true;
    const mfl = findExtension(sh.extensions, ExtensionType.max_fragment_length);
    if (mfl) {
      // RFC 6066 §4: the server echoes the requested length exactly.
      if (mfl.data.length !== 1 || mfl.data[0] !== this.host.options.maxFragmentLength)
        throw illegalParameter('max_fragment_length mismatch');
      this.info.maxSendFragment = Math.min(this.info.maxSendFragment, 1 << (8 + mfl.data[0]!));
    }
    const s = this.session;
    if (s && this.offeredSessionId.length > 0 && equalBytes(sh.sessionId, this.offeredSessionId)) {
      // OpenSSL sets `hit` before checking the resumption (§5.1), so a failure below is a failed
      // resumption of this session, and the bad-session rule applies to it.
      this.resumed = true;
      this.info.resumed = true;
      this.info.handshake = 'resumed';
      if (s.version !== 0x0303 || s.cipherSuite !== sh.cipherSuite)
        throw illegalParameter('resumed session with another version or cipher');
      // RFC 7627 §5.3 / OpenSSL final_ems: the EMS state must match the session's.
      if (this.ems !== ((s.flags & SESSION_FLAG_EXTMS) !== 0))
        throw new TlsAlert(AlertDescription.handshake_failure, 'inconsistent extms');
      this.master = s.masterKey;
      this.info.verify = {
        ok: s.verifyResult === 0,
        code: s.verifyResult,
        message: s.verifyResult === 0 ? 'ok' : 'stored verification result',
        depth: 0,
      };
      this.deriveKeys();
      this.state = 'wait_ticket_ccs';
    } else {
      this.state = 'wait_cert';
    }
    this.info.extendedMasterSecret = this.ems;
    this.info.sessionId = sh.sessionId.slice();
  }

  /** Handles one handshake message; returns true when the handshake completed with it. */
  handle(type: number, body: Uint8Array, raw: Uint8Array): boolean {
    switch (`${this.state}:${type}`) {
      case `wait_sh:${HandshakeType.server_hello}`: {
        const sh = decodeServerHello(body);
        if (sh.isHrr || sh.legacyVersion !== 0x0303 || findExtension(sh.extensions, ExtensionType.supported_versions)) {
          throw new TlsAlert(AlertDescription.protocol_version, 'renegotiation must stay at TLS 1.2');
        }
        if (!this.host.options.cipherSuites12.includes(sh.cipherSuite))
          throw illegalParameter('server chose a cipher suite we did not offer');
        if (sh.compression !== 0) throw illegalParameter('non-zero compression method');
        this.onServerHello(sh, raw);
        return false;
      }
      case `wait_cert:${HandshakeType.certificate}`:
        return this.onCertificate(body, raw);
      case `wait_ske:${HandshakeType.server_key_exchange}`:
        return this.onServerKeyExchange(body, raw);
      case `wait_cr_done:${HandshakeType.certificate_request}`: {
        this.certRequest = decodeCertificateRequest12(body);
        this.info.clientCertRequested = true;
        this.transcript.add(raw);
        this.state = 'wait_done';
        return false;
      }
      case `wait_cr_done:${HandshakeType.server_hello_done}`:
      case `wait_done:${HandshakeType.server_hello_done}`:
        expectEmptyBody(body, 'ServerHelloDone');
        this.transcript.add(raw);
        this.host.state('TLS_ST_CR_SRVR_DONE');
        this.sendClientFlight();
        this.state = 'wait_ticket_ccs';
        return false;
      case `wait_ticket_ccs:${HandshakeType.new_session_ticket}`: {
        if (
          !this.offeredExtensions.includes(ExtensionType.session_ticket) ||
          !findExtension(this.sh!.extensions, ExtensionType.session_ticket)
        ) {
          throw unexpectedMessage('NewSessionTicket without session_ticket negotiated');
        }
        this.newTicket = decodeNewSessionTicket12(body);
        this.transcript.add(raw);
        return false;
      }
      case `wait_finished:${HandshakeType.finished}`:
        return this.onServerFinished(body, raw);
      default:
        throw unexpectedMessage(`unexpected ${handshakeName(type)} in state ${this.state}`);
    }
  }

  private onCertificate(body: Uint8Array, raw: Uint8Array): boolean {
    const msg = decodeCertificate(body, false);
    if (msg.entries.length === 0) throw decodeError('server sent no certificate');
    this.peerChain = msg.entries.map((e) => e.der);
    this.peerKey = certificateKey(this.peerChain[0]!);
    const kx = this.suite!.kx;
    const fits =
      kx === 'ECDHE_RSA'
        ? this.peerKey.type === 'rsa' || this.peerKey.type === 'rsa-pss'
        : this.peerKey.type === 'ec' || this.peerKey.type === 'ed25519';
    if (!fits) throw new TlsAlert(AlertDescription.handshake_failure, 'wrong certificate type for the cipher suite');
    verifyPeer(this.host.options, this.info, this.peerChain, this.verifyName);
    this.transcript.add(raw);
    this.state = 'wait_ske';
    this.host.state('TLS_ST_CR_CERT');
    return false;
  }

  /** ServerKeyExchange: a group we offered, signed over both randoms and the params. */
  private onServerKeyExchange(body: Uint8Array, raw: Uint8Array): boolean {
    const ske = decodeServerKeyExchangeEcdhe(body);
    const g = groupById(ske.group);
    if (!g || g.name === 'X25519MLKEM768' || !this.host.options.groups.includes(g.name))
      throw illegalParameter('server chose a group we did not offer');
    const scheme = checkPeerScheme(ske.scheme, this.host.options.signatureAlgorithms, this.peerKey!, false);
    const signed = concat(this.clientRandom, this.sh!.random, ske.params);
    if (!this.p.verify(scheme, this.peerKey!.spki, signed, ske.signature))
      throw new TlsAlert(AlertDescription.decrypt_error, 'bad signature');
    this.info.peerSignatureScheme = scheme.id;
    this.info.group = g.id;
    this.ske = ske;
    this.transcript.add(raw);
    this.state = 'wait_cr_done';
    this.host.state('TLS_ST_CR_KEY_EXCH');
    return false;
  }

  /** [Certificate] ClientKeyExchange [CertificateVerify] ChangeCipherSpec Finished. */
  private sendClientFlight(): void {
    const o = this.host.options;
    const g = groupById(this.ske!.group)!;
    const share = this.p.generateKeyShare(g.name);
    const preMaster = share.computeSecret(this.ske!.point);
    const cc = o.clientCertificate;
    const key = cc ? ownKey(cc.chain) : undefined;
    const scheme =
      this.certRequest && key
        ? o.signatureAlgorithms
            .map((id) => sigSchemeById(id)!)
            .find((s) => s && this.certRequest!.sigalgs.includes(s.id) && schemeFitsKey(s, key, false))
        : undefined;
    if (this.certRequest)
      this.send(frameHandshake(HandshakeType.certificate, encodeCertificate(cc && scheme ? cc.chain : [], false)));
    this.send(frameHandshake(HandshakeType.client_key_exchange, encodeClientKeyExchangeEcdhe(share.publicKey)));
    this.host.state('TLS_ST_CW_KEY_EXCH');
    const hash = this.suite!.hash;
    this.master = this.ems
      ? masterSecret(this.p, hash, preMaster, { sessionHash: this.transcript.hash() })
      : masterSecret(this.p, hash, preMaster, { clientRandom: this.clientRandom, serverRandom: this.sh!.random });
    if (cc && scheme) {
      const sig = this.p.sign(scheme, cc.key, this.transcript.messages());
      this.send(
        frameHandshake(
          HandshakeType.certificate_verify,
          encodeCertificateVerify({ scheme: scheme.id, signature: sig }),
        ),
      );
      this.info.clientCertSent = true;
    }
    this.deriveKeys();
    this.sendCcsAndFinished();
  }

  private send(msg: Uint8Array): void {
    this.transcript.add(msg);
    this.host.sendHandshake(msg);
  }

  /** Key block → record protections; our write side switches at our CCS, read at theirs. */
  private deriveKeys(): void {
    const suite = this.suite!;
    const c = suite.cipher;
    this.host.keylog('CLIENT_RANDOM', this.clientRandom, this.master!);
    const sizes =
      c.kind === 'aead'
        ? { macKey: 0, key: c.keyLength, iv: c.fixedIvLength }
        : { macKey: c.macLength, key: c.keyLength, iv: 0 };
    const kb = keyBlock(this.p, suite.hash, this.master!, this.clientRandom, this.sh!.random, sizes);
    const make = (key: Uint8Array, iv: Uint8Array, mac: Uint8Array): RecordProtection =>
      c.kind === 'aead'
        ? new Tls12AeadProtection(this.p, c.aead, key, iv)
        : new Tls12CbcProtection(this.p, key, c.macHash, mac, this.etm);
    this.writeProt = make(kb.clientKey, kb.clientIv, kb.clientMac);
    this.pendingRead = make(kb.serverKey, kb.serverIv, kb.serverMac);
  }
  private writeProt?: RecordProtection;

  private sendCcsAndFinished(): void {
    this.host.sendChangeCipherSpec();
    this.host.state('TLS_ST_CW_CHANGE');
    this.host.setWriteProtection(this.writeProt!);
    this.clientVerifyData = finished12(this.p, this.suite!.hash, this.master!, true, this.transcript.hash());
    this.send(frameHandshake(HandshakeType.finished, this.clientVerifyData));
    this.host.state('TLS_ST_CW_FINISHED');
  }

  /** The server's ChangeCipherSpec: switch the read side (after an optional NewSessionTicket). */
  onChangeCipherSpec(): void {
    if (this.state !== 'wait_ticket_ccs' || !this.pendingRead) throw unexpectedMessage('unexpected ChangeCipherSpec');
    this.host.setReadProtection(this.pendingRead);
    this.state = 'wait_finished';
    this.host.state('TLS_ST_CR_CHANGE');
  }

  private onServerFinished(body: Uint8Array, raw: Uint8Array): boolean {
    const expected = finished12(this.p, this.suite!.hash, this.master!, false, this.transcript.hash());
    if (!constantTimeEqual(expected, body)) throw new TlsAlert(AlertDescription.decrypt_error, 'digest check failed');
    this.serverVerifyData = body.slice();
    this.transcript.add(raw);
    this.host.state('TLS_ST_CR_FINISHED');
    if (this.resumed) this.sendCcsAndFinished();
    this.state = 'connected';
    return true;
  }

  /** The session of a completed full handshake (ticket → session ID = SHA-256(ticket), §5.3). */
  session12(): Session | undefined {
    const sh = this.sh!;
    const ticket = this.newTicket?.ticket.length ? this.newTicket.ticket : undefined;
    const sessionId = ticket ? this.p.digest('sha256', ticket) : sh.sessionId;
    if (sessionId.length === 0) return undefined;
    const o = this.host.options;
    return createSession({
      version: 0x0303,
      cipherSuite: sh.cipherSuite,
      masterKey: this.master!,
      time: Math.floor(o.now() / 1000),
      sessionId,
      ticket,
      tickLifetimeHint: this.newTicket?.lifetimeHint ?? 0,
      flags: this.ems ? SESSION_FLAG_EXTMS : 0,
      peerCertificate: this.peerChain[0],
      verifyResult: this.info.verify.code,
      hostname: this.info.sniAcknowledged ? (this.info.servername ?? undefined) : undefined,
      alpnSelected: this.info.alpn !== null ? utf8(this.info.alpn) : undefined,
      kexGroup: this.info.group ?? 0,
      receivedAtMs: o.now(),
    });
  }
}

export class Tls12Client implements VersionFlow {
  private current: Tls12Handshake;
  /** A renegotiation (after a HelloRequest) is running: no application data may be sent. */
  renegotiating = false;
  /** Completed renegotiations (SSL_num_renegotiations). */
  renegotiations = 0;

  constructor(private readonly o: HelloOutcome) {
    const offered = o.hello.extensions.map((e) => e.type);
    const session = o.params.session?.version === 0x0303 ? o.params.session : undefined;
    this.current = new Tls12Handshake(
      o.host,
      o.info,
      o.transcript,
      o.clientRandom,
      offered,
      o.hello.sessionId,
      session,
      null,
      o.params.verifyName,
    );
    o.host.setRecordVersion(0x0303);
    this.current.onServerHello(o.serverHello, null);
  }

  get done(): boolean {
    return this.renegotiating || this.current.state === 'connected';
  }

  handle(type: number, body: Uint8Array, raw: Uint8Array): void {
    if (this.current.handle(type, body, raw)) this.completed(false);
  }

  onChangeCipherSpec(): void {
    this.current.onChangeCipherSpec();
  }

  private completed(renegotiation: boolean): void {
    const host = this.o.host;
    host.state(renegotiation ? 'TLS_ST_OK (renegotiated)' : 'TLS_ST_OK');
    // A full handshake makes a session; a resumption makes one only when the server renewed the
    // ticket (RFC 5077 §3.3), since the old ticket may no longer be accepted.
    if (!this.current.resumed || this.current.newTicket) {
      const s = this.current.session12();
      if (s) host.newSession(s);
    }
  }

  /** HelloRequest starts a renegotiation; its messages are consumed until it completes (§3). */
  postHandshake(type: number, body: Uint8Array, raw: Uint8Array): string | null {
    if (!this.renegotiating) {
      if (type !== HandshakeType.hello_request)
        throw unexpectedMessage(`unexpected post-handshake ${handshakeName(type)}`);
      expectEmptyBody(body, 'HelloRequest');
      this.startRenegotiation();
      return null;
    }
    if (type === HandshakeType.hello_request) return null; // ignored while renegotiating (RFC 5246 §7.4.1.1)
    if (!this.current.handle(type, body, raw)) return null;
    this.renegotiating = false;
    this.renegotiations++;
    this.completed(true);
    return 'renegotiation';
  }

  private startRenegotiation(): void {
    const host = this.o.host;
    const prev = { client: this.current.clientVerifyData, server: this.current.serverVerifyData };
    const random = host.options.provider.randomBytes(32);
    const transcript = new Transcript(host.options.provider);
    const options = { ...host.options, minVersion: 0x0303 as const, maxVersion: 0x0303 as const };
    const { hello, message } = buildClientHello(options, {
      random,
      sessionId: new Uint8Array(0),
      servername: this.o.params.servername,
      keyShares: [],
      renegotiationInfo: prev.client,
    });
    transcript.add(message);
    this.current = new Tls12Handshake(
      host,
      this.o.info,
      transcript,
      random,
      hello.extensions.map((e) => e.type),
      new Uint8Array(0),
      undefined,
      prev,
      this.o.params.verifyName,
    );
    this.renegotiating = true;
    host.state('TLS_ST_CW_CLNT_HELLO (renegotiation)');
    host.sendHandshake(message);
  }
}
