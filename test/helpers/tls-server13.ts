/**
 * The TLS 1.3 side of the test server (RFC 8446 §4): ClientHello → [HelloRetryRequest] →
 * ServerHello, EncryptedExtensions, Certificate, CertificateVerify, Finished; the client's
 * Finished; then NewSessionTickets, KeyUpdate, and PSK resumption with binder verification.
 * Built only from the project's codec, key schedule, transcript and record protection.
 */
import { concat, constantTimeEqual, Writer } from '../../src/tls/codec/bytes.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import {
  ExtensionType,
  cookieExt,
  emptyExt,
  findExtension,
  hrrKeyShareExt,
  readCookie,
  selectedAlpnExt,
  selectedIdentityExt,
  selectedVersionExt,
  serverKeyShareExt,
  type Extension,
} from '../../src/tls/codec/extensions.js';
import {
  HRR_RANDOM,
  HandshakeType,
  decodeKeyUpdate,
  encodeCertificate,
  encodeCertificateVerify,
  encodeEncryptedExtensions,
  encodeKeyUpdate,
  encodeNewSessionTicket13,
  encodeServerHello,
  frameHandshake,
  handshakeName,
} from '../../src/tls/codec/handshake.js';
import { groupByName, suiteById, type CipherSuite } from '../../src/tls/codec/names.js';
import { sigSchemeById } from '../../src/tls/codec/sigschemes.js';
import { PQ_GROUPS, hybridEncapsulate, isPqGroup, pqEncapsulate } from '../../src/tls/crypto/hybrid.js';
import { TlsAlert, illegalParameter, unexpectedMessage } from '../../src/tls/errors.js';
import { certificateVerifyContent } from '../../src/tls/handshake/auth.js';
import {
  KeySchedule,
  Label,
  deriveSecret,
  finishedVerifyData,
  nextTrafficSecret,
  resumptionPsk,
  trafficKeys,
  verifyFinished,
} from '../../src/tls/handshake/keyschedule.js';
import { Transcript } from '../../src/tls/handshake/transcript.js';
import { confirmServerHello, retryConfigsExtension } from './tls-server-ech.js';
import { equalBytes } from '../../src/tls/handshake/util.js';
import { Tls13Protection } from '../../src/tls/record/protection.js';
import { ServerEarlyData } from './tls-server-early.js';
import { ServerPha } from './tls-server-pha.js';
import {
  ServerStore,
  chooseAlpn,
  chooseScheme,
  clientAlpn,
  clientKeyShares,
  clientPsk,
  clientPskModes,
  clientServerName,
  clientU16List,
  randomU32,
  type ParsedClientHello,
  type ServerHost,
} from './tls-server-common.js';

type State = 'wait_ch' | 'wait_ch2' | 'wait_finished' | 'connected';

export class Server13Flow {
  private state: State = 'wait_ch';
  private readonly transcript: Transcript;
  private readonly suite: CipherSuite;
  private ch1?: ParsedClientHello;
  private cookieSent?: Uint8Array;
  private compat = false;
  private ks?: KeySchedule;
  private hs?: { client: Uint8Array; server: Uint8Array };
  private app?: { client: Uint8Array; server: Uint8Array };
  private resumptionMaster?: Uint8Array;
  private ticketNonce = 0;
  /** 0-RTT: early data read (accepted) or skipped (rejected). */
  readonly early = new ServerEarlyData();
  /** Post-handshake client authentication (tls-server-pha.ts). */
  readonly pha: ServerPha;

  constructor(private readonly host: ServerHost) {
    this.transcript = new Transcript(host.p);
    const id = host.opts.suite ?? 0x1301;
    const suite = suiteById(id);
    if (!suite || suite.version !== ProtocolVersion.TLS1_3)
      throw new Error(`test server: ${id.toString(16)} is not a TLS 1.3 suite`);
    this.suite = suite;
    this.pha = new ServerPha(host.p, suite);
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  handle(type: number, body: Uint8Array, raw: Uint8Array, ch: ParsedClientHello | null): void {
    if ((this.state === 'wait_ch' || this.state === 'wait_ch2') && type === HandshakeType.client_hello && ch)
      return this.onClientHello(ch);
    if (this.state === 'wait_finished' && type === HandshakeType.finished) return this.onFinished(body, raw);
    if (this.state === 'connected' && type === HandshakeType.key_update) return this.onKeyUpdate(body);
    if (this.state === 'connected' && this.pha.inProgress)
      return this.pha.handle(type, body, raw, this.transcript, this.app!.client);
    throw unexpectedMessage(`test server: unexpected ${handshakeName(type)} in state ${this.state}`);
  }

  private protection(secret: Uint8Array): Tls13Protection {
    const c = this.suite.cipher;
    if (c.kind !== 'aead') throw new Error('TLS 1.3 suite without AEAD');
    const { key, iv } = trafficKeys(this.host.p, this.suite.hash, secret, c.keyLength, 12);
    return new Tls13Protection(this.host.p, c.aead, key, iv);
  }

  private onClientHello(ch: ParsedClientHello): void {
    const { opts, facts } = this.host;
    if (ch.compression.length !== 1 || ch.compression[0] !== 0)
      throw illegalParameter('TLS 1.3 ClientHello with compression');
    if (!ch.cipherSuites.includes(this.suite.id))
      throw new TlsAlert(AlertDescription.handshake_failure, 'no shared cipher');
    const group = groupByName(opts.group);
    if (!group) throw new Error(`test server: unknown group ${opts.group}`);
    if (!clientU16List(ch, ExtensionType.supported_groups, 'supported_groups').includes(group.id)) {
      throw new TlsAlert(AlertDescription.handshake_failure, 'no shared group');
    }
    const share = clientKeyShares(ch).find((s) => s.group === group.id);
    let psk: { index: number; psk: Uint8Array } | undefined;
    if (this.state === 'wait_ch') {
      this.compat = ch.sessionId.length > 0;
      facts.servername = clientServerName(ch);
      if (!share || opts.hrr === 'always') {
        this.transcript.add(ch.raw);
        return this.sendHelloRetryRequest(ch, share ? null : group.id);
      }
      psk = this.selectPsk(ch, true);
      this.transcript.setHash(this.suite.hash);
    } else {
      if (!share) throw illegalParameter('ClientHello2 without a share for the requested group');
      if (!equalBytes(ch.sessionId, this.ch1!.sessionId))
        throw illegalParameter('ClientHello2 changed legacy_session_id');
      const ck = findExtension(ch.extensions, ExtensionType.cookie);
      if (this.cookieSent && (!ck || !equalBytes(readCookie(ck.data), this.cookieSent)))
        throw illegalParameter('ClientHello2 without our cookie');
      psk = this.selectPsk(ch, false);
      this.early.end();
    }
    this.transcript.add(ch.raw);
    this.sendServerFlight(ch, group.id, share!.key, psk);
  }

  /** HelloRetryRequest: the group we insist on and/or a cookie (RFC 8446 §4.1.4). */
  private sendHelloRetryRequest(ch: ParsedClientHello, groupId: number | null): void {
    const { opts, p, facts } = this.host;
    this.transcript.replaceWithMessageHash(this.suite.hash);
    const exts: Extension[] = [selectedVersionExt(ProtocolVersion.TLS1_3)];
    if (groupId !== null) exts.push(hrrKeyShareExt(groupId));
    const cookie = opts.cookie ?? (groupId === null ? p.randomBytes(16) : undefined);
    if (cookie) exts.push(cookieExt(cookie));
    this.cookieSent = cookie;
    const hrr = encodeServerHello({
      legacyVersion: ProtocolVersion.TLS1_2,
      random: HRR_RANDOM,
      sessionId: ch.sessionId,
      cipherSuite: this.suite.id,
      compression: 0,
      extensions: exts,
    });
    this.host.sendHandshake(frameHandshake(HandshakeType.server_hello, hrr), this.transcript);
    facts.hrrSent = true;
    if (findExtension(ch.extensions, ExtensionType.early_data)) {
      facts.earlyData = 'rejected';
      this.early.drop(); // RFC 8446 §4.2.10: a HelloRetryRequest rejects early data
    }
    if (this.compat && opts.ccs === 'first-message') this.host.sendChangeCipherSpec();
    this.ch1 = ch;
    this.state = 'wait_ch2';
  }

  /**
   * The first of the client's PSK identities this server issued for this suite's hash, with its
   * binder checked over the truncated ClientHello (RFC 8446 §4.2.11.2). A bad binder is fatal.
   */
  private selectPsk(ch: ParsedClientHello, firstHello: boolean): { index: number; psk: Uint8Array } | undefined {
    const { opts, p, facts } = this.host;
    if (!opts.acceptPsk) return undefined;
    const offer = clientPsk(ch);
    if (!offer || !clientPskModes(ch).includes(1)) return undefined;
    const hash = this.suite.hash;
    for (const [index, id] of offer.identities.entries()) {
      const entry = opts.store.psks.get(ServerStore.key(id.identity));
      if (!entry || entry.hash !== hash) continue;
      const truncated = ch.raw.subarray(0, ch.raw.length - offer.bindersLength);
      const th = firstHello ? p.digest(hash, truncated) : this.transcript.hashWith(truncated);
      const expected = finishedVerifyData(p, hash, new KeySchedule(p, hash, entry.psk).binderKey(false), th);
      if (!constantTimeEqual(expected, offer.binders[index]!))
        throw new TlsAlert(AlertDescription.decrypt_error, 'PSK binder does not verify');
      facts.psk = { identity: index, ticketAgeMs: (id.obfuscatedAge - entry.ageAdd) >>> 0 };
      return { index, psk: entry.psk };
    }
    return undefined;
  }

  /** ServerHello [CCS] EncryptedExtensions [Certificate CertificateVerify] Finished. */
  private sendServerFlight(
    ch: ParsedClientHello,
    groupId: number,
    clientShare: Uint8Array,
    psk: { index: number; psk: Uint8Array } | undefined,
  ): void {
    const host = this.host;
    const { opts, p, facts } = host;
    const hash = this.suite.hash;
    const chHash = this.transcript.hash(); // ClientHello: client_early_traffic_secret's context (RFC 8446 §7.1)
    const group = groupByName(opts.group)!;
    let serverShare: Uint8Array;
    let shared: Uint8Array;
    if (group.name === 'X25519MLKEM768') {
      ({ serverShare, sharedSecret: shared } = hybridEncapsulate(clientShare, p.generateKeyShare('x25519')));
    } else if (isPqGroup(group.name)) {
      const ec = PQ_GROUPS[group.name].ec;
      ({ serverShare, sharedSecret: shared } = pqEncapsulate(
        group.name,
        clientShare,
        ec ? p.generateKeyShare(ec.group) : undefined,
      ));
    } else {
      const ks = p.generateKeyShare(group.name);
      shared = ks.computeSecret(clientShare);
      serverShare = ks.publicKey;
    }
    const exts = [selectedVersionExt(ProtocolVersion.TLS1_3), serverKeyShareExt(groupId, serverShare)];
    if (psk) exts.push(selectedIdentityExt(psk.index));
    const sh = encodeServerHello({
      legacyVersion: ProtocolVersion.TLS1_2,
      random: p.randomBytes(32),
      sessionId: ch.sessionId,
      cipherSuite: this.suite.id,
      compression: 0,
      extensions: exts,
    });
    const shMessage = frameHandshake(HandshakeType.server_hello, sh);
    const inner = facts.echInnerRandom;
    host.sendHandshake(
      opts.ech && inner ? confirmServerHello(p, opts.ech, hash, this.transcript, inner, shMessage) : shMessage,
      this.transcript,
    );
    Object.assign(facts, {
      version: ProtocolVersion.TLS1_3,
      suite: this.suite.id,
      group: groupId,
      resumed: psk !== undefined,
    });
    if (this.compat && (opts.ccs === 'server-hello' || (opts.ccs === 'first-message' && !facts.hrrSent)))
      host.sendChangeCipherSpec();

    this.ks = new KeySchedule(p, hash, psk?.psk);
    const earlySecret = this.ks.earlySecret;
    this.ks.deriveHandshakeSecret(shared);
    this.hs = this.ks.handshakeTrafficSecrets(this.transcript.hash());
    host.setWriteProtection(this.protection(this.hs.server));
    host.setReadProtection(this.protection(this.hs.client));
    const acceptEarly = this.earlyDataDecision(ch, psk, earlySecret, chHash);

    const ee: Extension[] = [];
    if (facts.servername !== null && opts.ackServerName) ee.push(emptyExt(ExtensionType.server_name));
    const alpn = chooseAlpn(opts.alpn, clientAlpn(ch));
    if (alpn !== null) ee.push(selectedAlpnExt(alpn));
    facts.alpn = alpn;
    const retry = opts.ech ? retryConfigsExtension(opts.ech, facts.echInnerRandom !== undefined) : null;
    if (retry) ee.push(retry);
    if (acceptEarly || opts.forceEarlyDataExt) ee.push(emptyExt(ExtensionType.early_data));
    host.sendHandshake(
      frameHandshake(HandshakeType.encrypted_extensions, encodeEncryptedExtensions(ee)),
      this.transcript,
    );
    if (!psk) {
      host.sendHandshake(
        frameHandshake(HandshakeType.certificate, encodeCertificate(opts.chain, true)),
        this.transcript,
      );
      const scheme = chooseScheme(
        opts,
        clientU16List(ch, ExtensionType.signature_algorithms, 'signature_algorithms'),
        true,
      );
      const signature = p.sign(
        sigSchemeById(scheme)!,
        opts.key,
        certificateVerifyContent(true, this.transcript.hash()),
      );
      host.sendHandshake(
        frameHandshake(HandshakeType.certificate_verify, encodeCertificateVerify({ scheme, signature })),
        this.transcript,
      );
    }
    const fin = finishedVerifyData(p, hash, this.hs.server, this.transcript.hash());
    host.sendHandshake(frameHandshake(HandshakeType.finished, fin), this.transcript);
    this.ks.deriveMasterSecret();
    const app = this.ks.applicationSecrets(this.transcript.hash());
    this.app = { client: app.client, server: app.server };
    host.setWriteProtection(this.protection(app.server));
    facts.appWriteReady = true;
    this.state = 'wait_finished';
  }

  /**
   * Offered early data (RFC 8446 §4.2.10): accepted with the first PSK identity when the policy
   * says so, read under client_early_traffic_secret until EndOfEarlyData; otherwise skipped.
   */
  private earlyDataDecision(
    ch: ParsedClientHello,
    psk: { index: number; psk: Uint8Array } | undefined,
    earlySecret: Uint8Array,
    chHash: Uint8Array,
  ): boolean {
    const { opts, p, facts } = this.host;
    if (!findExtension(ch.extensions, ExtensionType.early_data)) return false;
    const accept = opts.acceptEarlyData === true && psk !== undefined && psk.index === 0;
    facts.earlyData = accept ? 'accepted' : 'rejected';
    if (!accept) {
      this.early.skip(this.protection(this.hs!.client));
      return false;
    }
    const secret = deriveSecret(p, this.suite.hash, earlySecret, Label.clientEarlyTraffic, chHash);
    this.early.accept(this.protection(secret), (eoed) => this.transcript.add(eoed));
    return true;
  }

  /** The client's Finished; then the tickets go out, each in its own record. */
  private onFinished(body: Uint8Array, raw: Uint8Array): void {
    const { p, opts, facts } = this.host;
    if (!verifyFinished(p, this.suite.hash, this.hs!.client, this.transcript.hash(), body)) {
      throw new TlsAlert(AlertDescription.decrypt_error, 'client Finished does not verify');
    }
    this.transcript.add(raw);
    this.resumptionMaster = this.ks!.resumptionMasterSecret(this.transcript.hash());
    this.host.setReadProtection(this.protection(this.app!.client));
    this.state = 'connected';
    facts.connected = true;
    for (let i = 0; i < opts.tickets; i++) this.sendTicket();
  }

  /** One NewSessionTicket (RFC 8446 §4.6.1); its PSK goes into the store under the ticket. */
  sendTicket(): void {
    if (this.state !== 'connected') throw new Error('test server: NewSessionTicket needs a connected TLS 1.3 session');
    const { p, opts, facts } = this.host;
    const nonce = new Writer(2).u16(this.ticketNonce++).finish().slice();
    const ticket = concat(Uint8Array.of(0x54, 0x53), p.randomBytes(30)); // "TS" + random: identities are opaque
    const ageAdd = randomU32(p);
    const psk = resumptionPsk(p, this.suite.hash, this.resumptionMaster!, nonce);
    opts.store.psks.set(ServerStore.key(ticket), {
      psk,
      suite: this.suite.id,
      hash: this.suite.hash,
      ageAdd,
      issuedAtMs: Date.now(),
    });
    const extensions: Extension[] =
      opts.maxEarlyData === undefined
        ? []
        : [{ type: ExtensionType.early_data, data: new Writer(4).u32(opts.maxEarlyData).finish().slice() }];
    const body = encodeNewSessionTicket13({ lifetime: opts.ticketLifetime, ageAdd, nonce, ticket, extensions });
    this.host.sendHandshake(frameHandshake(HandshakeType.new_session_ticket, body));
    facts.ticketsSent++;
  }

  /** The client's KeyUpdate: new read keys; answer update_requested (RFC 8446 §4.6.3). */
  private onKeyUpdate(body: Uint8Array): void {
    const req = decodeKeyUpdate(body);
    if (req !== 0 && req !== 1) throw illegalParameter('bad KeyUpdate request value');
    this.app!.client = nextTrafficSecret(this.host.p, this.suite.hash, this.app!.client);
    this.host.setReadProtection(this.protection(this.app!.client));
    this.host.facts.keyUpdatesReceived++;
    if (req === 1) this.keyUpdate(false);
  }

  /** A post-handshake CertificateRequest (RFC 8446 §4.6.2). */
  requestClientCertificate(sigalgs: number[]): void {
    if (this.state !== 'connected')
      throw new Error('test server: post-handshake auth needs a connected TLS 1.3 session');
    this.host.sendHandshake(this.pha.request(sigalgs));
  }

  /** Sends KeyUpdate under the current keys, then moves to the next write secret. */
  keyUpdate(requestPeer: boolean): void {
    if (this.state !== 'connected') throw new Error('test server: KeyUpdate needs a connected TLS 1.3 session');
    this.host.sendHandshake(frameHandshake(HandshakeType.key_update, encodeKeyUpdate(requestPeer)));
    this.app!.server = nextTrafficSecret(this.host.p, this.suite.hash, this.app!.server);
    this.host.setWriteProtection(this.protection(this.app!.server));
  }
}
