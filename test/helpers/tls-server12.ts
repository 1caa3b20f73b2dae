/**
 * The TLS 1.2 side of the test server: full ECDHE handshake (RFC 5246 §7.3, RFC 8422) with the
 * extended master secret (RFC 7627), abbreviated handshakes from a session-ID cache or an RFC 5077
 * ticket, and server-initiated secure renegotiation (HelloRequest, RFC 5746).
 */
import { concat, constantTimeEqual } from '../../src/tls/codec/bytes.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import {
  ExtensionType,
  ecPointFormatsExt,
  emptyExt,
  findExtension,
  readRenegotiationInfo,
  renegotiationInfoExt,
  selectedAlpnExt,
  type Extension,
} from '../../src/tls/codec/extensions.js';
import {
  DOWNGRADE_TLS12,
  EMPTY_BODY,
  HandshakeType,
  decodeClientKeyExchangeEcdhe,
  encodeCertificate,
  encodeNewSessionTicket12,
  encodeServerEcdhParams,
  encodeServerHello,
  encodeServerKeyExchangeEcdhe,
  frameHandshake,
  handshakeName,
} from '../../src/tls/codec/handshake.js';
import { ProtocolVersion, groupByName, suiteById, type CipherSuite } from '../../src/tls/codec/names.js';
import { sigSchemeById } from '../../src/tls/codec/sigschemes.js';
import type { DhKeyShare, KeyShare } from '../../src/tls/crypto/provider.js';
import { constants, createPrivateKey, privateDecrypt } from 'node:crypto';
import {
  decodeClientKeyExchangeDhe,
  decodeClientKeyExchangeRsa,
  encodeServerDhParams,
  encodeServerKeyExchangeDhe,
} from '../../src/tls/codec/keyexchange.js';
import { FFDHE_PRIMES, bigintToBytes } from '../../src/tls/crypto/ffdhe.js';
import { pkcs1PreMaster } from '../../src/tls/crypto/kx12.js';
import { TamperingCbc } from './tls-server-cbc.js';
import { TlsAlert, illegalParameter, unexpectedMessage } from '../../src/tls/errors.js';
import { finished12, keyBlock, masterSecret } from '../../src/tls/handshake/prf.js';
import { Transcript } from '../../src/tls/handshake/transcript.js';
import { Tls12AeadProtection, Tls12CbcProtection } from '../../src/tls/record/protection12.js';
import type { RecordProtection } from '../../src/tls/record/protection.js';
import {
  ServerStore,
  chooseAlpn,
  chooseScheme,
  clientAlpn,
  clientServerName,
  clientU16List,
  clientVersions,
  type ParsedClientHello,
  type ServerHost,
  type Session12,
} from './tls-server-common.js';

type State = 'wait_cke' | 'wait_ccs' | 'wait_finished' | 'connected';

/** One TLS 1.2 handshake, initial or renegotiation. */
class Handshake12 {
  state: State = 'wait_cke';
  readonly transcript: Transcript;
  master: Uint8Array = new Uint8Array(0);
  share?: KeyShare;
  dh?: DhKeyShare;
  pendingRead?: RecordProtection;
  pendingWrite?: RecordProtection;
  issueTicket = false;
  clientVerify: Uint8Array = new Uint8Array(0);
  serverVerify: Uint8Array = new Uint8Array(0);
  constructor(
    host: ServerHost,
    readonly ch: ParsedClientHello,
    readonly suite: CipherSuite,
    readonly serverRandom: Uint8Array,
    readonly sessionId: Uint8Array,
    readonly ems: boolean,
    readonly etm: boolean,
    readonly resumed: boolean,
  ) {
    this.transcript = new Transcript(host.p);
    this.transcript.setHash(suite.hash);
  }
}

export class Server12Flow {
  private hs?: Handshake12;
  /** verify_data of the last completed handshake (RFC 5746 §3.1). */
  private prev: { client: Uint8Array; server: Uint8Array } | null = null;

  constructor(private readonly host: ServerHost) {
    const id = host.opts.suite ?? 0xc02b;
    const suite = suiteById(id);
    if (!suite || suite.version !== ProtocolVersion.TLS1_2)
      throw new Error(`test server: ${id.toString(16)} is not a TLS 1.2 suite`);
  }

  get connected(): boolean {
    return this.prev !== null;
  }

  handle(type: number, body: Uint8Array, raw: Uint8Array, ch: ParsedClientHello | null): void {
    if (type === HandshakeType.client_hello && ch && (!this.hs || this.hs.state === 'connected'))
      return this.onClientHello(ch);
    const hs = this.hs;
    if (hs?.state === 'wait_cke' && type === HandshakeType.client_key_exchange)
      return this.onClientKeyExchange(hs, body, raw);
    if (hs?.state === 'wait_finished' && type === HandshakeType.finished) return this.onFinished(hs, body, raw);
    throw unexpectedMessage(`test server: unexpected ${handshakeName(type)} in state ${hs?.state ?? 'wait_ch'}`);
  }

  /** The client's ChangeCipherSpec: its pending keys take over the read side. */
  changeCipherSpec(): void {
    const hs = this.hs;
    if (hs?.state !== 'wait_ccs' || !hs.pendingRead)
      throw unexpectedMessage('test server: unexpected ChangeCipherSpec');
    this.host.setReadProtection(hs.pendingRead);
    hs.state = 'wait_finished';
  }

  /** HelloRequest (RFC 5246 §7.4.1.1): asks the client to renegotiate. In no transcript. */
  helloRequest(): void {
    if (!this.connected || this.hs?.state !== 'connected')
      throw new Error('test server: HelloRequest needs a connected TLS 1.2 session');
    this.host.sendHandshake(frameHandshake(HandshakeType.hello_request, EMPTY_BODY));
  }

  private onClientHello(ch: ParsedClientHello): void {
    const { opts, p, facts } = this.host;
    const reneg = this.prev !== null;
    if (!clientVersions(ch).includes(ProtocolVersion.TLS1_2))
      throw new TlsAlert(AlertDescription.protocol_version, 'client does not offer TLS 1.2');
    if (!ch.compression.includes(0)) throw illegalParameter('no null compression');
    const ri = findExtension(ch.extensions, ExtensionType.renegotiation_info);
    const secure = ri !== undefined || ch.cipherSuites.includes(0x00ff);
    if (reneg) {
      if (!ri || !constantTimeEqual(readRenegotiationInfo(ri.data), this.prev!.client)) {
        throw new TlsAlert(
          AlertDescription.handshake_failure,
          'renegotiation_info does not carry the client verify_data',
        );
      }
    } else if (ri && readRenegotiationInfo(ri.data).length !== 0) {
      throw new TlsAlert(AlertDescription.handshake_failure, 'non-empty renegotiation_info in the initial handshake');
    }
    const suite = suiteById(opts.suite ?? 0xc02b)!;
    if (!ch.cipherSuites.includes(suite.id)) throw new TlsAlert(AlertDescription.handshake_failure, 'no shared cipher');
    const emsOffered = findExtension(ch.extensions, ExtensionType.extended_master_secret) !== undefined;
    const ems = opts.ems && emsOffered;
    const etm =
      suite.cipher.kind === 'cbc' &&
      !opts.noEtm &&
      findExtension(ch.extensions, ExtensionType.encrypt_then_mac) !== undefined;
    const ticketExt = findExtension(ch.extensions, ExtensionType.session_ticket);

    let session: Session12 | undefined;
    if (opts.ticket12 && ticketExt && ticketExt.data.length > 0)
      session = opts.store.tickets12.get(ServerStore.key(ticketExt.data));
    if (!session && opts.sessionCache && ch.sessionId.length > 0)
      session = opts.store.sessions12.get(ServerStore.key(ch.sessionId));
    if (session && session.ems && !emsOffered)
      throw new TlsAlert(AlertDescription.handshake_failure, 'resumption without EMS of an EMS session');
    if (session && (session.suite !== suite.id || session.ems !== ems)) session = undefined;

    const serverRandom = p.randomBytes(32);
    if (opts.downgradeSentinel && clientVersions(ch).includes(ProtocolVersion.TLS1_3))
      serverRandom.set(DOWNGRADE_TLS12, 24);
    const sessionId = session ? ch.sessionId : opts.sessionCache ? p.randomBytes(32) : new Uint8Array(0);
    const hs = new Handshake12(this.host, ch, suite, serverRandom, sessionId, ems, etm, session !== undefined);
    hs.issueTicket = opts.ticket12 && ticketExt !== undefined && !session;
    this.hs = hs;
    hs.transcript.add(ch.raw);
    if (!reneg) facts.servername = clientServerName(ch);

    const exts: Extension[] = [];
    if (secure)
      exts.push(renegotiationInfoExt(reneg ? concat(this.prev!.client, this.prev!.server) : new Uint8Array(0)));
    if (!session && opts.ackServerName && clientServerName(ch) !== null) exts.push(emptyExt(ExtensionType.server_name));
    if (findExtension(ch.extensions, ExtensionType.ec_point_formats)) exts.push(ecPointFormatsExt());
    if (hs.issueTicket) exts.push(emptyExt(ExtensionType.session_ticket));
    const alpn = chooseAlpn(opts.alpn, clientAlpn(ch));
    if (alpn !== null) exts.push(selectedAlpnExt(alpn));
    if (etm) exts.push(emptyExt(ExtensionType.encrypt_then_mac));
    if (ems) exts.push(emptyExt(ExtensionType.extended_master_secret));
    const sh = encodeServerHello({
      legacyVersion: ProtocolVersion.TLS1_2,
      random: serverRandom,
      sessionId,
      cipherSuite: suite.id,
      compression: 0,
      extensions: exts,
    });
    this.host.sendHandshake(frameHandshake(HandshakeType.server_hello, sh), hs.transcript);
    Object.assign(facts, {
      version: ProtocolVersion.TLS1_2,
      suite: suite.id,
      resumed: session !== undefined,
      extendedMasterSecret: ems,
      alpn,
    });

    if (session) {
      // Abbreviated handshake (RFC 5246 §7.3): ServerHello, ChangeCipherSpec, Finished first.
      hs.master = session.master;
      this.deriveKeys(hs);
      this.sendCcsAndFinished(hs);
      hs.state = 'wait_ccs';
      return;
    }
    this.host.sendHandshake(
      frameHandshake(HandshakeType.certificate, encodeCertificate(opts.chain, false)),
      hs.transcript,
    );
    if (hs.suite.kx === 'RSA' || hs.suite.kx === 'DHE_RSA') {
      // RSA key exchange: no ServerKeyExchange (RFC 5246 §7.4.3); DHE: signed ServerDHParams.
      if (hs.suite.kx === 'DHE_RSA') this.sendDheServerKeyExchange(hs);
      this.host.sendHandshake(frameHandshake(HandshakeType.server_hello_done, EMPTY_BODY), hs.transcript);
      hs.state = 'wait_cke';
      return;
    }
    const group = groupByName(opts.group);
    if (!group || group.name === 'X25519MLKEM768')
      throw new Error(`test server: ${opts.group} is not a TLS 1.2 ECDHE group`);
    if (!clientU16List(ch, ExtensionType.supported_groups, 'supported_groups').includes(group.id)) {
      throw new TlsAlert(AlertDescription.handshake_failure, 'no shared group');
    }
    hs.share = p.generateKeyShare(group.name);
    facts.group = group.id;
    const params = encodeServerEcdhParams(group.id, hs.share.publicKey);
    const scheme = chooseScheme(
      opts,
      clientU16List(ch, ExtensionType.signature_algorithms, 'signature_algorithms'),
      false,
    );
    const signature = p.sign(sigSchemeById(scheme)!, opts.key, concat(ch.random, serverRandom, params));
    this.host.sendHandshake(
      frameHandshake(
        HandshakeType.server_key_exchange,
        encodeServerKeyExchangeEcdhe({ group: group.id, point: hs.share.publicKey, scheme, signature }),
      ),
      hs.transcript,
    );
    this.host.sendHandshake(frameHandshake(HandshakeType.server_hello_done, EMPTY_BODY), hs.transcript);
    hs.state = 'wait_cke';
  }

  /** DHE ServerKeyExchange (RFC 5246 §7.4.3): our group and public value, signed over both randoms. */
  private sendDheServerKeyExchange(hs: Handshake12): void {
    const { opts, p } = this.host;
    const group = opts.dh ?? { p: bigintToBytes(FFDHE_PRIMES.ffdhe2048), g: Uint8Array.of(2) };
    try {
      hs.dh = p.generateDhKeyShare(group.p, group.g);
    } catch {
      // Hostile parameters the DH implementation itself rejects: the client refuses them before
      // its ClientKeyExchange, so no key share is needed.
    }
    const params = encodeServerDhParams(group.p, group.g, opts.dh?.ys ?? hs.dh?.publicKey ?? Uint8Array.of(2));
    const scheme = chooseScheme(
      opts,
      clientU16List(hs.ch, ExtensionType.signature_algorithms, 'signature_algorithms'),
      false,
    );
    const sigScheme = sigSchemeById(scheme);
    if (!sigScheme) throw new Error(`test server: unknown scheme ${scheme}`);
    const signature = p.sign(sigScheme, opts.key, concat(hs.ch.random, hs.serverRandom, params));
    const body = encodeServerKeyExchangeDhe(params, ProtocolVersion.TLS1_2, { scheme, signature });
    this.host.sendHandshake(frameHandshake(HandshakeType.server_key_exchange, body), hs.transcript);
  }

  /** The pre-master secret from the ClientKeyExchange, for the suite's key exchange. */
  private preMaster(hs: Handshake12, body: Uint8Array): Uint8Array {
    const p = this.host.p;
    if (hs.suite.kx === 'DHE_RSA') {
      if (!hs.dh) throw new Error('test server: no DH key share');
      return hs.dh.computeSecret(decodeClientKeyExchangeDhe(body));
    }
    if (hs.suite.kx === 'RSA') {
      // RFC 5246 §7.4.7.1: decrypt without padding, then the masked PKCS#1 / version check.
      const key = createPrivateKey({ key: Buffer.from(this.host.opts.key), format: 'der', type: 'pkcs8' });
      const em = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, decodeClientKeyExchangeRsa(body));
      return pkcs1PreMaster(new Uint8Array(em), hs.ch.legacyVersion, p.randomBytes(48));
    }
    return hs.share!.computeSecret(decodeClientKeyExchangeEcdhe(body));
  }

  private onClientKeyExchange(hs: Handshake12, body: Uint8Array, raw: Uint8Array): void {
    const p = this.host.p;
    const preMaster = this.preMaster(hs, body);
    hs.transcript.add(raw);
    hs.master = hs.ems
      ? masterSecret(p, hs.suite.hash, preMaster, { sessionHash: hs.transcript.hash() })
      : masterSecret(p, hs.suite.hash, preMaster, { clientRandom: hs.ch.random, serverRandom: hs.serverRandom });
    this.deriveKeys(hs);
    hs.state = 'wait_ccs';
  }

  private deriveKeys(hs: Handshake12): void {
    const p = this.host.p;
    const c = hs.suite.cipher;
    const sizes =
      c.kind === 'aead'
        ? { macKey: 0, key: c.keyLength, iv: c.fixedIvLength }
        : { macKey: c.macLength, key: c.keyLength, iv: 0 };
    const kb = keyBlock(p, hs.suite.hash, hs.master, hs.ch.random, hs.serverRandom, sizes);
    const make = (key: Uint8Array, iv: Uint8Array, mac: Uint8Array): RecordProtection =>
      c.kind === 'aead'
        ? new Tls12AeadProtection(p, c.aead, key, iv)
        : new Tls12CbcProtection(p, key, c.macHash, mac, hs.etm);
    hs.pendingRead = make(kb.clientKey, kb.clientIv, kb.clientMac);
    hs.pendingWrite =
      this.host.opts.cbcTamper && c.kind === 'cbc' && !hs.etm
        ? new TamperingCbc(p, kb.serverKey, c.macHash, kb.serverMac, this.host.opts.cbcTamper)
        : make(kb.serverKey, kb.serverIv, kb.serverMac);
  }

  private sendCcsAndFinished(hs: Handshake12): void {
    this.host.sendChangeCipherSpec();
    this.host.setWriteProtection(hs.pendingWrite!);
    hs.serverVerify = finished12(this.host.p, hs.suite.hash, hs.master, false, hs.transcript.hash());
    this.host.sendHandshake(frameHandshake(HandshakeType.finished, hs.serverVerify), hs.transcript);
  }

  /** The client's Finished; a full handshake answers [NewSessionTicket] ChangeCipherSpec Finished. */
  private onFinished(hs: Handshake12, body: Uint8Array, raw: Uint8Array): void {
    const { p, opts, facts } = this.host;
    const expected = finished12(p, hs.suite.hash, hs.master, true, hs.transcript.hash());
    if (!constantTimeEqual(expected, body))
      throw new TlsAlert(AlertDescription.decrypt_error, 'client Finished does not verify');
    hs.clientVerify = body.slice();
    hs.transcript.add(raw);
    if (!hs.resumed) {
      const session: Session12 = { master: hs.master, suite: hs.suite.id, ems: hs.ems };
      if (hs.issueTicket) {
        const ticket = concat(Uint8Array.of(0x54, 0x32), p.randomBytes(62)); // opaque to the client
        opts.store.tickets12.set(ServerStore.key(ticket), session);
        this.host.sendHandshake(
          frameHandshake(
            HandshakeType.new_session_ticket,
            encodeNewSessionTicket12({ lifetimeHint: opts.ticketLifetime, ticket }),
          ),
          hs.transcript,
        );
        facts.ticketsSent++;
      }
      if (hs.sessionId.length > 0) opts.store.sessions12.set(ServerStore.key(hs.sessionId), session);
      this.sendCcsAndFinished(hs);
    }
    hs.state = 'connected';
    if (this.prev) facts.renegotiations++;
    this.prev = { client: hs.clientVerify, server: hs.serverVerify };
    facts.connected = true;
    facts.appWriteReady = true;
  }
}
