/**
 * The TLS 1.3 client after ServerHello (RFC 8446 §4.1.3–§4.6): key agreement, the encrypted
 * server flight, our second flight, and the post-handshake messages. Each state takes one
 * message; anything else is unexpected_message.
 */
import type { HelloOutcome, VersionFlow } from './client.js';
import {
  KeySchedule,
  trafficKeys,
  finishedVerifyData,
  verifyFinished,
  nextTrafficSecret,
  resumptionPsk,
} from './keyschedule.js';
import {
  certificateKey,
  checkPeerScheme,
  certificateVerifyContent,
  ownKey,
  schemeFitsKey,
  type PeerKey,
} from './auth.js';
import { verifyPeer } from './verify.js';
import { AlertDescription } from '../codec/alerts.js';
import {
  ExtensionType,
  extensionName,
  findExtension,
  isRecognizedExtension,
  readSelectedAlpn,
  readSelectedIdentity,
  readServerKeyShare,
  readU16List,
  type Extension,
} from '../codec/extensions.js';
import {
  HandshakeType,
  decodeCertificate,
  decodeCertificateRequest13,
  decodeCertificateVerify,
  decodeEncryptedExtensions,
  decodeKeyUpdate,
  decodeNewSessionTicket13,
  encodeCertificate,
  encodeCertificateVerify,
  frameHandshake,
  handshakeName,
} from '../codec/handshake.js';
import { Writer, utf8 } from '../codec/bytes.js';
import { groupById, sigSchemeById, suiteById } from '../codec/names.js';
import { Tls13Protection } from '../record/protection.js';
import { TlsAlert, decodeError, illegalParameter, unexpectedMessage } from '../errors.js';
import { createSession, sessionFromTls13Ticket } from '../session/session.js';

type State = 'wait_ee' | 'wait_cert_cr' | 'wait_cert' | 'wait_cv' | 'wait_finished' | 'connected';

/** Extensions a server may put in EncryptedExtensions (RFC 8446 §4.2 table, "EE" column). */
const EE_ALLOWED = new Set<number>([
  ExtensionType.server_name,
  ExtensionType.max_fragment_length,
  ExtensionType.supported_groups,
  ExtensionType.application_layer_protocol_negotiation,
  ExtensionType.early_data,
  ExtensionType.record_size_limit,
  14 /* use_srtp */,
  15 /* heartbeat */,
  19 /* client_certificate_type */,
  20 /* server_certificate_type */,
]);

const MAX_TICKET_LIFETIME = 604800;

export class Tls13Client implements VersionFlow {
  private state: State = 'wait_ee';
  private readonly ks: KeySchedule;
  private readonly hs: { client: Uint8Array; server: Uint8Array };
  private app?: { client: Uint8Array; server: Uint8Array };
  private resumptionMaster?: Uint8Array;
  private peerKey?: PeerKey;
  private certRequest?: { context: Uint8Array; sigalgs: number[] };
  private readonly resumed: boolean;

  constructor(private readonly o: HelloOutcome) {
    const { host, serverHello: sh, suite, info } = o;
    const p = host.options.provider;
    for (const e of sh.extensions) {
      if (
        e.type === ExtensionType.supported_versions ||
        e.type === ExtensionType.key_share ||
        (e.type === ExtensionType.pre_shared_key && o.pskSession)
      )
        continue;
      // RFC 8446 §4.2: recognized but not a ServerHello extension → illegal_parameter; not offered → unsupported_extension.
      if (e.type !== ExtensionType.pre_shared_key && isRecognizedExtension(e.type))
        throw illegalParameter(`${extensionName(e.type)} not allowed in ServerHello`);
      throw new TlsAlert(AlertDescription.unsupported_extension, `unsolicited ${extensionName(e.type)} in ServerHello`);
    }
    const pskExt = findExtension(sh.extensions, ExtensionType.pre_shared_key);
    let psk: Uint8Array | undefined;
    if (pskExt && o.pskSession) {
      if (readSelectedIdentity(pskExt.data) !== 0)
        throw illegalParameter('server selected a PSK identity we did not offer');
      if (suiteById(o.pskSession.cipherSuite)?.hash !== suite.hash)
        throw illegalParameter('PSK cipher suite hash mismatch');
      psk = o.pskSession.masterKey;
    }
    this.resumed = psk !== undefined;
    const ksExt = findExtension(sh.extensions, ExtensionType.key_share);
    if (!ksExt) throw new TlsAlert(AlertDescription.missing_extension, 'ServerHello without key_share');
    const share = readServerKeyShare(ksExt.data);
    const group = groupById(share.group);
    const mine = o.keyShares.find((k) => group && k.group === group.name);
    if (!group || !mine) throw illegalParameter('server key share for a group we sent no share for');
    const shared = mine.computeSecret(share.key);

    info.group = group.id;
    info.resumed = this.resumed;
    if (this.resumed) info.handshake = 'resumed';
    this.ks = new KeySchedule(p, suite.hash, psk);
    this.ks.deriveHandshakeSecret(shared);
    this.hs = this.ks.handshakeTrafficSecrets(o.transcript.hash());
    host.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', o.clientRandom, this.hs.server);
    host.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', o.clientRandom, this.hs.client);
    host.setRecordVersion(0x0303);
    host.setReadProtection(this.protection(this.hs.server));
  }

  get done(): boolean {
    return this.state === 'connected';
  }

  private protection(secret: Uint8Array): Tls13Protection {
    const p = this.o.host.options.provider;
    const c = this.o.suite.cipher;
    if (c.kind !== 'aead') throw new Error('TLS 1.3 suite without AEAD');
    const { key, iv } = trafficKeys(p, this.o.suite.hash, secret, c.keyLength, 12);
    return new Tls13Protection(p, c.aead, key, iv);
  }

  handle(type: number, body: Uint8Array, raw: Uint8Array): void {
    const expected = this.expectedTypes();
    if (!expected.includes(type)) throw unexpectedMessage(`unexpected ${handshakeName(type)} in state ${this.state}`);
    switch (type) {
      case HandshakeType.encrypted_extensions:
        return this.onEncryptedExtensions(body, raw);
      case HandshakeType.certificate_request:
        return this.onCertificateRequest(body, raw);
      case HandshakeType.certificate:
        return this.onCertificate(body, raw);
      case HandshakeType.certificate_verify:
        return this.onCertificateVerify(body, raw);
      case HandshakeType.finished:
        return this.onFinished(body, raw);
    }
  }

  private expectedTypes(): number[] {
    switch (this.state) {
      case 'wait_ee':
        return [HandshakeType.encrypted_extensions];
      case 'wait_cert_cr':
        return this.resumed ? [HandshakeType.finished] : [HandshakeType.certificate_request, HandshakeType.certificate];
      case 'wait_cert':
        return [HandshakeType.certificate];
      case 'wait_cv':
        return [HandshakeType.certificate_verify];
      case 'wait_finished':
        return [HandshakeType.finished];
      case 'connected':
        return [];
    }
  }

  /** EncryptedExtensions: only EE extensions, only ones we asked for. */
  private onEncryptedExtensions(body: Uint8Array, raw: Uint8Array): void {
    const { host, hello, info } = this.o;
    const exts = decodeEncryptedExtensions(body);
    for (const e of exts) {
      if (!EE_ALLOWED.has(e.type) && isRecognizedExtension(e.type))
        throw illegalParameter(`${extensionName(e.type)} not allowed in EncryptedExtensions`);
      if (e.type !== ExtensionType.supported_groups && !findExtension(hello.extensions, e.type)) {
        throw new TlsAlert(
          AlertDescription.unsupported_extension,
          `unsolicited ${extensionName(e.type)} in EncryptedExtensions`,
        );
      }
    }
    this.readAlpn(exts);
    const sni = findExtension(exts, ExtensionType.server_name);
    if (sni) {
      if (sni.data.length !== 0) throw decodeError('non-empty server_name in EncryptedExtensions');
      info.sniAcknowledged = true;
    }
    const mfl = findExtension(exts, ExtensionType.max_fragment_length);
    if (mfl) {
      if (mfl.data.length !== 1 || mfl.data[0] !== host.options.maxFragmentLength)
        throw illegalParameter('max_fragment_length mismatch');
      info.maxSendFragment = Math.min(info.maxSendFragment, 1 << (8 + mfl.data[0]!));
    }
    this.o.transcript.add(raw);
    this.state = 'wait_cert_cr';
    host.state('TLS_ST_CR_ENCRYPTED_EXTENSIONS');
  }

  private readAlpn(exts: Extension[]): void {
    const e = findExtension(exts, ExtensionType.application_layer_protocol_negotiation);
    if (!e) return;
    const proto = readSelectedAlpn(e.data);
    if (!this.o.host.options.alpn.includes(proto))
      throw illegalParameter(`server selected ALPN protocol ${proto} we did not offer`);
    this.o.info.alpn = proto;
  }

  /** CertificateRequest in the handshake (RFC 8446 §4.3.2): empty context, signature_algorithms required. */
  private onCertificateRequest(body: Uint8Array, raw: Uint8Array): void {
    const cr = decodeCertificateRequest13(body);
    if (cr.context.length !== 0) throw illegalParameter('non-empty certificate_request_context in handshake');
    const sa = findExtension(cr.extensions, ExtensionType.signature_algorithms);
    if (!sa) throw new TlsAlert(AlertDescription.missing_extension, 'CertificateRequest without signature_algorithms');
    this.certRequest = { context: cr.context, sigalgs: readU16List(sa.data, 'signature_algorithms') };
    this.o.info.clientCertRequested = true;
    this.o.transcript.add(raw);
    this.state = 'wait_cert';
    this.o.host.state('TLS_ST_CR_CERT_REQ');
  }

  /** Certificate: decode, verify the chain (chain, dates, name), keep the leaf key. */
  private onCertificate(body: Uint8Array, raw: Uint8Array): void {
    const msg = decodeCertificate(body, true);
    if (msg.context.length !== 0) throw illegalParameter('non-empty certificate_request_context from server');
    if (msg.entries.length === 0) throw decodeError('server sent no certificate');
    const chain = msg.entries.map((e) => e.der);
    this.peerKey = certificateKey(chain[0]!);
    verifyPeer(this.o.host.options, this.o.info, chain, this.o.params.verifyName);
    this.o.transcript.add(raw);
    this.state = 'wait_cv';
    this.o.host.state('TLS_ST_CR_CERT');
  }

  /** CertificateVerify: a scheme we offered, fitting the key, over the transcript so far. */
  private onCertificateVerify(body: Uint8Array, raw: Uint8Array): void {
    const { host, transcript, info } = this.o;
    const cv = decodeCertificateVerify(body);
    const scheme = checkPeerScheme(cv.scheme, host.options.signatureAlgorithms, this.peerKey!, true);
    const content = certificateVerifyContent(true, transcript.hash());
    if (!host.options.provider.verify(scheme, this.peerKey!.spki, content, cv.signature)) {
      throw new TlsAlert(AlertDescription.decrypt_error, 'bad signature');
    }
    info.peerSignatureScheme = scheme.id;
    transcript.add(raw);
    this.state = 'wait_finished';
    host.state('TLS_ST_CR_CERT_VRFY');
  }

  /** Server Finished, then our flight: [CCS] [Certificate [CertificateVerify]] Finished. */
  private onFinished(body: Uint8Array, raw: Uint8Array): void {
    const { host, transcript, suite } = this.o;
    const p = host.options.provider;
    if (!verifyFinished(p, suite.hash, this.hs.server, transcript.hash(), body)) {
      throw new TlsAlert(AlertDescription.decrypt_error, 'digest check failed');
    }
    transcript.add(raw);
    this.ks.deriveMasterSecret();
    const app = this.ks.applicationSecrets(transcript.hash());
    this.app = { client: app.client, server: app.server };
    host.keylog('EXPORTER_SECRET', this.o.clientRandom, app.exporter);
    host.keylog('SERVER_TRAFFIC_SECRET_0', this.o.clientRandom, app.server);
    host.keylog('CLIENT_TRAFFIC_SECRET_0', this.o.clientRandom, app.client);
    host.setReadProtection(this.protection(app.server));
    host.state('TLS_ST_CR_FINISHED');

    if (this.o.compatMode) host.sendChangeCipherSpec();
    host.setWriteProtection(this.protection(this.hs.client));
    if (this.certRequest) this.sendClientAuth(this.certRequest);
    const fin = frameHandshake(
      HandshakeType.finished,
      finishedVerifyData(p, suite.hash, this.hs.client, transcript.hash()),
    );
    transcript.add(fin);
    host.sendHandshake(fin);
    host.state('TLS_ST_CW_FINISHED');
    this.resumptionMaster = this.ks.resumptionMasterSecret(transcript.hash());
    host.setWriteProtection(this.protection(app.client));
    this.state = 'connected';
    host.state('TLS_ST_OK');
  }

  /** Our Certificate (possibly empty) and, with a key, CertificateVerify. */
  private sendClientAuth(req: { context: Uint8Array; sigalgs: number[] }): void {
    const { host, transcript, info } = this.o;
    const cc = host.options.clientCertificate;
    const key = cc ? ownKey(cc.chain) : undefined;
    const scheme = key
      ? host.options.signatureAlgorithms
          .map((id) => sigSchemeById(id)!)
          .find((s) => s && req.sigalgs.includes(s.id) && s.tls13 && schemeFitsKey(s, key, true))
      : undefined;
    const chain = cc && scheme ? cc.chain : [];
    const cert = frameHandshake(HandshakeType.certificate, encodeCertificate(chain, true, req.context));
    transcript.add(cert);
    host.sendHandshake(cert);
    if (!cc || !scheme) return;
    const sig = host.options.provider.sign(scheme, cc.key, certificateVerifyContent(false, transcript.hash()));
    const cv = frameHandshake(
      HandshakeType.certificate_verify,
      encodeCertificateVerify({ scheme: scheme.id, signature: sig }),
    );
    transcript.add(cv);
    host.sendHandshake(cv);
    info.clientCertSent = true;
  }

  postHandshake(type: number, body: Uint8Array, _raw: Uint8Array): string {
    switch (type) {
      case HandshakeType.new_session_ticket:
        this.onNewSessionTicket(body);
        break;
      case HandshakeType.key_update:
        this.onKeyUpdate(body);
        break;
      default:
        throw unexpectedMessage(`unexpected post-handshake ${handshakeName(type)}`);
    }
    return handshakeName(type);
  }

  /** NewSessionTicket (RFC 8446 §4.6.1) → a resumable session with the resumption PSK. */
  private onNewSessionTicket(body: Uint8Array): void {
    const { host, suite, info } = this.o;
    const t = decodeNewSessionTicket13(body);
    if (t.lifetime > MAX_TICKET_LIFETIME) throw illegalParameter('ticket lifetime above 7 days');
    let maxEarlyData = 0;
    for (const e of t.extensions) {
      if (e.type === ExtensionType.early_data) {
        if (e.data.length !== 4) throw decodeError('bad early_data in NewSessionTicket');
        maxEarlyData = ((e.data[0]! << 24) >>> 0) + ((e.data[1]! << 16) | (e.data[2]! << 8) | e.data[3]!);
      }
    }
    const p = host.options.provider;
    const psk = resumptionPsk(p, suite.hash, this.resumptionMaster!, t.nonce);
    info.tickets++;
    const now = host.options.now();
    const base = createSession({
      version: 0x0304,
      cipherSuite: suite.id,
      masterKey: psk,
      time: Math.floor(now / 1000),
      peerCertificate: info.peerCertificates[0]?.der,
      verifyResult: info.verify.code,
      hostname: info.sniAcknowledged ? (info.servername ?? undefined) : undefined,
      alpnSelected: info.alpn !== null ? utf8(info.alpn) : undefined,
      kexGroup: info.group ?? 0,
    });
    host.newSession(
      sessionFromTls13Ticket(
        base,
        { lifetime: t.lifetime, ageAdd: t.ageAdd, ticket: t.ticket, maxEarlyData },
        psk,
        now,
        (d) => p.digest('sha256', d),
      ),
    );
  }

  /** KeyUpdate (RFC 8446 §4.6.3): new read keys; answer update_requested with our own update. */
  private onKeyUpdate(body: Uint8Array): void {
    const { host, suite } = this.o;
    const p = host.options.provider;
    const req = decodeKeyUpdate(body);
    if (req !== 0 && req !== 1) throw illegalParameter('bad KeyUpdate request value');
    this.app!.server = nextTrafficSecret(p, suite.hash, this.app!.server);
    host.setReadProtection(this.protection(this.app!.server));
    if (req === 1) this.sendKeyUpdate(false);
  }

  /** Sends KeyUpdate and switches our write keys (RFC 8446 §4.6.3). */
  sendKeyUpdate(requestPeer: boolean): void {
    const { host, suite } = this.o;
    host.sendHandshake(frameHandshake(HandshakeType.key_update, new Writer(1).u8(requestPeer ? 1 : 0).finish()));
    this.app!.client = nextTrafficSecret(host.options.provider, suite.hash, this.app!.client);
    host.setWriteProtection(this.protection(this.app!.client));
  }
}
