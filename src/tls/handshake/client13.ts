/**
 * The TLS 1.3 client after ServerHello (RFC 8446 §4.1.3–§4.5): key agreement, the encrypted
 * server flight and our second flight; once connected, post13.ts reads the post-handshake
 * messages (§4.6). The state says what has been received and carries what the next message
 * needs; `handle` is one switch over it in the RFC's message order, and any other message is
 * unexpected_message.
 */
import type { HelloOutcome } from './hello-outcome.js';
import { KeySchedule, finishedVerifyData, verifyFinished } from './keyschedule.js';
import { certificateKey, checkLeafKeyUsage, checkPeerScheme, certificateVerifyContent, type PeerKey } from './auth.js';
import { reverifySession, verifyPeer } from './verify.js';
import { echEncryptedExtensions } from './ech-hello.js';
import { stapledOcsp, uncompressCertificate } from './certificate13.js';
import {
  checkServerExtensions,
  chooseClientCredential,
  negotiateAlpn,
  negotiateMaxFragmentLength,
  noteCertificateRequest,
  restoreSessionFacts,
} from './negotiated.js';
import { AlertDescription } from '../codec/alerts.js';
import {
  findExtension,
  readCertificateAuthorities,
  readSelectedIdentity,
  readServerKeyShare,
  readU16List,
} from '../codec/extensions.js';
import {
  decodeCertificate,
  decodeCertificateRequest13,
  decodeCertificateVerify,
  decodeEncryptedExtensions,
  encodeCertificate,
  encodeCertificateVerify,
  frameHandshake,
} from '../codec/handshake.js';
import { ExtensionType, HandshakeType, handshakeName } from '../codec/registry.js';
import { ProtocolVersion, groupById, suiteById } from '../codec/names.js';
import type { Tls13Protection } from '../record/protection.js';
import type { Session } from '../session/session.js';
import { TlsAlert, decodeError, illegalParameter, unexpectedMessage } from '../errors.js';
import { earlyDataVerdict } from './early-data.js';
import { Tls13Connected, packSecrets13, protection13, type Kept13, type TrafficSecrets } from './post13.js';

/** A CertificateRequest received during the handshake (RFC 8446 §4.3.2). */
interface CertRequest13 {
  context: Uint8Array;
  sigalgs: number[];
}

/** Where the client is in the RFC 8446 §2 message flow. */
type State13 =
  /** Handshake keys are in; EncryptedExtensions comes first (§4.3.1). */
  | { k: 'wait_ee' }
  /** Full handshake: CertificateRequest or the server's Certificate (§4.3.2, §4.4.2). */
  | { k: 'wait_cert_cr' }
  /** After a CertificateRequest: the server's Certificate. */
  | { k: 'wait_cert'; certRequest: CertRequest13 }
  /** CertificateVerify, signed by the key of the Certificate just read (§4.4.3). */
  | { k: 'wait_cv'; peerKey: PeerKey; certRequest?: CertRequest13 }
  /** The server's Finished (§4.4.4); a PSK handshake comes here straight from EncryptedExtensions. */
  | { k: 'wait_finished'; certRequest?: CertRequest13 }
  /** Application traffic secrets in force; post13.ts reads what may arrive now (§4.6). */
  | { k: 'connected'; post: Tls13Connected };

/** The handshake traffic secrets of every connected client: none (release()). */
const RELEASED_SECRETS: TrafficSecrets = Object.freeze({ client: new Uint8Array(0), server: new Uint8Array(0) });

export class Tls13Client {
  private state: State13 = { k: 'wait_ee' };
  /** The key schedule; dropped by release() (the connected state keeps its own secrets). */
  private keys: KeySchedule | null;
  /** The handshake traffic secrets; emptied by release(). */
  private hs: TrafficSecrets;
  private readonly resumed: boolean;
  /** The server took our PSK, a session's or an external one: it sends no Certificate (§4.1.1). */
  private readonly pskAuth: boolean;
  /** The hello outcome (ClientHello, ServerHello, key shares, transcript) until release(). */
  private outcome: HelloOutcome | null;
  private readonly kept: Kept13;

  /** ServerHello for TLS 1.3 (RFC 8446 §4.1.3): the PSK and key share, then the handshake keys. */
  constructor(o: HelloOutcome) {
    this.outcome = o;
    const { host, serverHello: sh, suite, info } = o;
    this.kept = { host, suite, info, pskSession: o.pskSession };
    checkServerExtensions('ServerHello13', sh.extensions, o.hello.extensions);
    const psk = this.acceptedPsk();
    this.resumed = psk?.session !== undefined;
    this.pskAuth = psk !== undefined;
    const shared = this.sharedSecret();
    info.resumed = this.resumed;
    if (psk?.session) {
      info.handshake = 'resumed';
      restoreSessionFacts(info, psk.session, false);
    } else if (psk) {
      // An external PSK authenticates the server; no certificate to verify (OpenSSL's verify_result
      // stays X509_V_OK, as for the TLS 1.2 PSK suites in psk12.ts).
      info.verify = { ok: true, code: 0, message: 'ok', depth: 0 };
      info.pskIdentity = o.pskExternal?.identity;
    }
    this.keys = new KeySchedule(host.options.provider, suite.hash, psk?.key);
    this.ks.deriveHandshakeSecret(shared);
    this.hs = this.ks.handshakeTrafficSecrets(o.transcript.hash());
    host.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', o.clientRandom, this.hs.server);
    host.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', o.clientRandom, this.hs.client);
    host.setRecordVersion(ProtocolVersion.TLS1_2);
    host.setReadProtection(this.protection(this.hs.server));
    // The handshake write key goes in now, as BoringSSL, OpenSSL and rustls do on ServerHello: an
    // alert we raise before the server's Finished must be protected, since the server reads with
    // its handshake keys from here on (RFC 8446 §5; §6: alerts are encrypted under the current keys).
    // The compatibility CCS (§D.4) is plaintext, so it goes first.
    if (o.compatMode) host.sendChangeCipherSpec();
    // With early data under a PSK the server took, the early keys stay until EncryptedExtensions
    // says whether it accepted them (RFC 8446 §4.2.10); without the PSK the early data is rejected.
    if (o.early && !this.resumed) info.earlyData = 'rejected';
    if (!o.early || !this.resumed) host.setWriteProtection(this.protection(this.hs.client));
  }

  /**
   * pre_shared_key (RFC 8446 §4.2.11): the one identity we offered, a session's or an external
   * one, with the suite's hash.
   */
  private acceptedPsk(): { key: Uint8Array; session?: Session } | undefined {
    const { serverHello: sh, pskSession, pskExternal, suite } = this.o;
    const ext = findExtension(sh.extensions, ExtensionType.pre_shared_key);
    if (!ext || (!pskSession && !pskExternal)) return undefined;
    if (readSelectedIdentity(ext.data) !== 0) throw illegalParameter('server selected a PSK identity we did not offer');
    const hash = pskSession ? suiteById(pskSession.cipherSuite)?.hash : pskExternal?.hash;
    if (hash !== suite.hash) throw illegalParameter('PSK cipher suite hash mismatch');
    if (pskSession) return { key: pskSession.masterKey, session: pskSession };
    return pskExternal && { key: pskExternal.key };
  }

  /** key_share (RFC 8446 §4.2.8): the server's share for a group we sent a share for → (EC)DHE secret. */
  private sharedSecret(): Uint8Array {
    const { serverHello: sh, keyShares, info } = this.o;
    const ext = findExtension(sh.extensions, ExtensionType.key_share);
    if (!ext) throw new TlsAlert(AlertDescription.missing_extension, 'ServerHello without key_share');
    const share = readServerKeyShare(ext.data);
    const group = groupById(share.group);
    const mine = keyShares.find((k) => group && k.group === group.name);
    if (!group || !mine) throw illegalParameter('server key share for a group we sent no share for');
    const shared = mine.computeSecret(share.key);
    info.group = group.id;
    return shared;
  }

  /** The key schedule until release(). */
  private get ks(): KeySchedule {
    if (!this.keys) throw unexpectedMessage('handshake message after the handshake');
    return this.keys;
  }

  /** The handshake's own state; gone once release() has run (only the handshake reads it). */
  private get o(): HelloOutcome {
    if (!this.outcome) throw unexpectedMessage('handshake message after the handshake');
    return this.outcome;
  }

  /**
   * Once connected, drops the handshake-only state (the hello outcome: both hellos, key shares,
   * transcript): an idle connection keeps its traffic secrets, the resumption secret and `kept`.
   */
  release(): void {
    if (this.state.k !== 'connected') return;
    this.outcome = null;
    // Nor the handshake traffic secrets and the secret chain: the record layer has its keys and
    // the state its application and resumption secrets (RFC 8446 §7.1-§7.2, §4.6).
    this.hs.client.fill(0);
    this.hs.server.fill(0);
    this.hs = RELEASED_SECRETS;
    this.keys?.forget(); // a second release() finds it gone
    this.keys = null;
  }

  /** The current application traffic secrets (read: the server's), once connected. */
  trafficSecrets(): { read: Uint8Array; write: Uint8Array } | null {
    const s = this.state;
    return s.k === 'connected' ? s.post.trafficSecrets() : null;
  }

  /** The handshake has completed (Finished exchanged). */
  get established(): boolean {
    return this.state.k === 'connected';
  }

  private protection(secret: Uint8Array): Tls13Protection {
    return protection13(this.kept.host.options.provider, this.kept.suite, secret);
  }

  /** One handshake message of the server's flight (RFC 8446 §2, Figure 1), in order. */
  handle(type: number, body: Uint8Array, raw: Uint8Array): void {
    const s = this.state;
    switch (s.k) {
      case 'wait_ee':
        if (type !== HandshakeType.encrypted_extensions) break;
        return this.onEncryptedExtensions(body, raw);
      case 'wait_cert_cr':
        if (type === HandshakeType.certificate_request) return this.onCertificateRequest(body, raw);
        if (type === HandshakeType.compressed_certificate) return this.onCompressed(body, raw, undefined);
        if (type !== HandshakeType.certificate) break;
        return this.onCertificate(body, raw, undefined);
      case 'wait_cert':
        if (type === HandshakeType.compressed_certificate) return this.onCompressed(body, raw, s.certRequest);
        if (type !== HandshakeType.certificate) break;
        return this.onCertificate(body, raw, s.certRequest);
      case 'wait_cv':
        if (type !== HandshakeType.certificate_verify) break;
        return this.onCertificateVerify(body, raw, s.peerKey, s.certRequest);
      case 'wait_finished':
        if (type !== HandshakeType.finished) break;
        return this.onFinished(body, raw, s.certRequest);
      case 'connected':
        break;
    }
    throw unexpectedMessage(`unexpected ${handshakeName(type)} in state ${s.k}`);
  }

  /** EncryptedExtensions (RFC 8446 §4.3.1): only EE extensions, only ones we asked for. */
  private onEncryptedExtensions(body: Uint8Array, raw: Uint8Array): void {
    const { host, hello, info } = this.o;
    const exts = decodeEncryptedExtensions(body);
    checkServerExtensions('EncryptedExtensions', exts, hello.extensions);
    echEncryptedExtensions(info.ech, exts);
    negotiateAlpn(exts, host.options, info);
    const sni = findExtension(exts, ExtensionType.server_name);
    if (sni) {
      // RFC 6066 §3: the server's server_name is empty.
      if (sni.data.length !== 0) throw decodeError('non-empty server_name in EncryptedExtensions');
      info.sniAcknowledged = true;
    }
    negotiateMaxFragmentLength(exts, host.options, info);
    // RFC 8446 §4.2.10: a rejection brings our handshake write keys in place of the early ones.
    if (earlyDataVerdict(exts, this.o, this.resumed) === 'rejected' && this.resumed)
      host.setWriteProtection(this.protection(this.hs.client));
    this.o.transcript.add(raw);
    // BoringSSL re-verifies a resumed session after EncryptedExtensions (ssl_reverify_peer_cert).
    if (this.resumed && this.o.pskSession) reverifySession(host.options, info, this.o.pskSession);
    this.state = this.pskAuth ? { k: 'wait_finished' } : { k: 'wait_cert_cr' };
    host.state('TLS_ST_CR_ENCRYPTED_EXTENSIONS');
  }

  /** CertificateRequest in the handshake (RFC 8446 §4.3.2): empty context, signature_algorithms required. */
  private onCertificateRequest(body: Uint8Array, raw: Uint8Array): void {
    const cr = decodeCertificateRequest13(body);
    if (cr.context.length !== 0) throw illegalParameter('non-empty certificate_request_context in handshake');
    const sa = findExtension(cr.extensions, ExtensionType.signature_algorithms);
    if (!sa) throw new TlsAlert(AlertDescription.missing_extension, 'CertificateRequest without signature_algorithms');
    const sigalgs = readU16List(sa.data, 'signature_algorithms');
    const ca = findExtension(cr.extensions, ExtensionType.certificate_authorities);
    const names = ca ? readCertificateAuthorities(ca.data) : [];
    noteCertificateRequest(this.o.info, new Uint8Array(0), sigalgs, names, this.o.host.options);
    this.o.transcript.add(raw);
    this.state = {
      k: 'wait_cert',
      certRequest: { context: cr.context, sigalgs },
    };
    this.o.host.state('TLS_ST_CR_CERT_REQ');
  }

  /** Certificate (RFC 8446 §4.4.2): decode, verify the chain (chain, dates, name), keep the leaf key. */
  private onCertificate(body: Uint8Array, raw: Uint8Array, certRequest: CertRequest13 | undefined): void {
    const msg = decodeCertificate(body, true);
    if (msg.context.length !== 0) throw illegalParameter('non-empty certificate_request_context from server');
    const leaf = msg.entries[0];
    if (!leaf) throw decodeError('server sent no certificate');
    // RFC 8446 §4.4.2: each entry's extensions must answer ones our ClientHello sent (§4.2 alerts).
    for (const e of msg.entries) checkServerExtensions('Certificate', e.extensions, this.o.hello.extensions);
    const peerKey = certificateKey(leaf.der);
    checkLeafKeyUsage(peerKey, 'sign', true, this.o.host.options, this.o.info);
    stapledOcsp(leaf.extensions, this.o.host.options, this.o.info);
    verifyPeer(
      this.o.host.options,
      this.o.info,
      msg.entries.map((e) => e.der),
      this.o.params.verifyName,
    );
    this.o.transcript.add(raw);
    this.state = certRequest ? { k: 'wait_cv', peerKey, certRequest } : { k: 'wait_cv', peerKey };
    this.o.host.state('TLS_ST_CR_CERT');
  }

  /** CompressedCertificate (RFC 8879 §4) in place of Certificate: the Certificate it holds, handled as one. */
  private onCompressed(body: Uint8Array, raw: Uint8Array, certRequest: CertRequest13 | undefined): void {
    this.onCertificate(uncompressCertificate(body, this.o.host.options, this.o.info), raw, certRequest);
  }

  /** CertificateVerify (RFC 8446 §4.4.3): a scheme we offered, fitting the key, over the transcript so far. */
  private onCertificateVerify(
    body: Uint8Array,
    raw: Uint8Array,
    peerKey: PeerKey,
    certRequest: CertRequest13 | undefined,
  ): void {
    const { host, transcript, info } = this.o;
    const cv = decodeCertificateVerify(body);
    const scheme = checkPeerScheme(cv.scheme, host.options.signatureAlgorithms, peerKey, true);
    const content = certificateVerifyContent(true, transcript.hash());
    if (!host.options.provider.verify(scheme, peerKey.spki, content, cv.signature)) {
      throw new TlsAlert(AlertDescription.decrypt_error, 'bad signature');
    }
    info.peerSignatureScheme = scheme.id;
    transcript.add(raw);
    this.state = certRequest ? { k: 'wait_finished', certRequest } : { k: 'wait_finished' };
    host.state('TLS_ST_CR_CERT_VRFY');
  }

  /** Server Finished (RFC 8446 §4.4.4), then our flight: [CCS] [Certificate [CertificateVerify]] Finished. */
  private onFinished(body: Uint8Array, raw: Uint8Array, certRequest: CertRequest13 | undefined): void {
    const { host, transcript, suite } = this.o;
    const p = host.options.provider;
    if (!verifyFinished(p, suite.hash, this.hs.server, transcript.hash(), body)) {
      throw new TlsAlert(AlertDescription.decrypt_error, 'digest check failed');
    }
    transcript.add(raw);
    this.ks.deriveMasterSecret();
    const app = this.ks.applicationSecrets(transcript.hash());
    host.keylog('EXPORTER_SECRET', this.o.clientRandom, app.exporter);
    host.keylog('SERVER_TRAFFIC_SECRET_0', this.o.clientRandom, app.server);
    host.keylog('CLIENT_TRAFFIC_SECRET_0', this.o.clientRandom, app.client);
    host.setReadProtection(this.protection(app.server));
    host.state('TLS_ST_CR_FINISHED');

    // RFC 8446 §4.5: accepted early data ends with EndOfEarlyData under the early keys.
    if (this.o.info.earlyData === 'accepted') {
      const eoed = frameHandshake(HandshakeType.end_of_early_data, new Uint8Array(0));
      transcript.add(eoed);
      host.sendHandshake(eoed);
      host.state('TLS_ST_CW_END_OF_EARLY_DATA');
      host.setWriteProtection(this.protection(this.hs.client));
    }
    if (certRequest) this.sendClientAuth(certRequest);
    const fin = frameHandshake(
      HandshakeType.finished,
      finishedVerifyData(p, suite.hash, this.hs.client, transcript.hash()),
    );
    transcript.add(fin);
    host.sendHandshake(fin);
    host.state('TLS_ST_CW_FINISHED');
    const packed = packSecrets13(
      app.client,
      app.server,
      this.ks.resumptionMasterSecret(transcript.hash()),
      app.exporter,
    );
    host.setWriteProtection(this.protection(app.client));
    // With post_handshake_auth offered, the transcript through our Finished stays (RFC 8446 §4.4.1).
    const phaBase = host.options.postHandshakeAuth ? transcript : undefined;
    const post = new Tls13Connected(this.kept, packed, this.resumed, phaBase);
    // SSL_export_keying_material works once the handshake is done (Connection checks that).
    host.exporterSecret(post);
    this.state = { k: 'connected', post };
    host.state('TLS_ST_OK');
  }

  /** Our Certificate (possibly empty) and, with a key, CertificateVerify (RFC 8446 §4.4.2, §4.4.3). */
  private sendClientAuth(req: CertRequest13): void {
    const { host, transcript, info } = this.o;
    const cred = chooseClientCredential(host.options, req.sigalgs, true, info.ech);
    const cert = frameHandshake(
      HandshakeType.certificate,
      encodeCertificate(cred ? cred.chain : [], true, req.context),
    );
    transcript.add(cert);
    host.sendHandshake(cert);
    if (!cred) return;
    const sig = host.options.provider.sign(cred.scheme, cred.key, certificateVerifyContent(false, transcript.hash()));
    const cv = frameHandshake(
      HandshakeType.certificate_verify,
      encodeCertificateVerify({ scheme: cred.scheme.id, signature: sig }),
    );
    transcript.add(cv);
    host.sendHandshake(cv);
    info.clientCertSent = true;
  }

  /** A post-handshake message (RFC 8446 §4.6); returns its name for WANT_READ reporting. */
  postHandshake(type: number, body: Uint8Array, raw: Uint8Array): string {
    const s = this.state;
    if (s.k !== 'connected') throw unexpectedMessage(`unexpected post-handshake ${handshakeName(type)}`);
    return s.post.handle(type, body, raw);
  }

  /** Application data went out under our current keys: the next update_requested gets an answer again. */
  appDataSent(): void {
    if (this.state.k === 'connected') this.state.post.appDataSent();
  }

  /** Sends KeyUpdate and switches our write keys (RFC 8446 §4.6.3); only once connected. */
  sendKeyUpdate(requestPeer: boolean): void {
    const s = this.state;
    if (s.k !== 'connected') throw unexpectedMessage('KeyUpdate needs an established TLS 1.3 connection');
    s.post.sendKeyUpdate(requestPeer);
  }
}
