/**
 * The client handshake up to ServerHello: ClientHello, HelloRetryRequest, version selection and
 * downgrade protection (RFC 8446 §4.1; the checks in server-hello.ts, the PSK offer in
 * psk-offer.ts). After ServerHello the TLS 1.3 flow (client13.ts) or the TLS 1.2 flow
 * (client12.ts) takes over; this class then forwards to it and answers the connection's
 * questions (established? renegotiating?) from the typed state.
 */
import type { HandshakeHost } from './host.js';
import type { ClientParams, EarlyOffer, HelloOutcome } from './hello-outcome.js';
import { Transcript } from './transcript.js';
import { buildClientHello, offeredVersions } from './clienthello.js';
import { checkServerExtensions } from './negotiated.js';
import { checkCommonServerHello, retryKeyShare, selectedVersion } from './server-hello.js';
import { pskOffer, type ExternalPsk } from './psk-offer.js';
import { Tls13Client } from './client13.js';
import { Tls12Client } from './client12.js';
import { findExtension, readCookie, readHrrKeyShare, readSelectedVersion } from '../codec/extensions.js';
import { decodeServerHello, type ClientHello, type ServerHello } from '../codec/handshake.js';
import { ExtensionType, HandshakeType, handshakeName } from '../codec/registry.js';
import { ProtocolVersion, suiteById, suiteUsableAt, type CipherSuite } from '../codec/names.js';
import { prfHashFor } from './prf.js';
import type { KeyShare } from '../crypto/provider.js';
import { illegalParameter, unexpectedMessage } from '../errors.js';
import type { Session } from '../session/session.js';
import { isResumable } from '../session/session.js';
import { emptyInfo } from './info.js';
import { echHelloRetryRequest, echHellos, echServerHello, startEch, type EchHelloState } from './ech-hello.js';
import { earlyDataFor, sendEarly } from './early-data.js';
import { NullProtection } from '../record/protection.js';
import type { ConnectionInfo } from '../types.js';

/** What clientRandom and legacySessionId become once a TLS 1.3 handshake is done. */
const RELEASED = new Uint8Array(0);

export type { ClientParams } from './hello-outcome.js';

/** A ClientHello that is out, with the private halves of its key shares, the session its PSK offers and its early data. */
interface SentHello {
  hello: ClientHello;
  /** With ECH, the ClientHelloInner sealed in `hello` (RFC 9849 §6.1). */
  inner?: ClientHello;
  keyShares: KeyShare[];
  pskSession?: Session;
  /** The external PSK that ClientHello offered instead of a session (psk-offer.ts). */
  pskExternal?: ExternalPsk;
  early?: EarlyOffer;
}

/** Where the client handshake is (RFC 8446 §2; RFC 5246 §7.3 after a TLS 1.2 ServerHello). */
type HandshakeState =
  | { k: 'start' }
  /** Our first ClientHello is out: ServerHello or HelloRetryRequest comes next (§4.1.3, §4.1.4). */
  | ({ k: 'wait_sh' } & SentHello)
  /** Our second ClientHello answers the HelloRetryRequest: only a TLS 1.3 ServerHello may follow. */
  | ({ k: 'wait_sh2'; hrr: ServerHello; suite: CipherSuite } & SentHello)
  | { k: 'tls13'; flow: Tls13Client; outcome: HelloOutcome | null }
  | { k: 'tls12'; flow: Tls12Client; outcome: HelloOutcome };

export class ClientHandshake {
  readonly info: ConnectionInfo;
  private state: HandshakeState = { k: 'start' };
  /** The outer transcript; the inner one replaces it when the server accepts ECH (RFC 9849 §6.1.4). */
  private tr: Transcript | null;
  private readonly ech: EchHelloState;
  /** The hello's random and legacy_session_id: only the hellos read them (released once connected). */
  private clientRandom: Uint8Array;
  private legacySessionId: Uint8Array;
  /** The TLS 1.2 session offered by its ID or ticket, if any. */
  private readonly session12?: Session;

  constructor(
    private readonly host: HandshakeHost,
    readonly params: ClientParams,
  ) {
    const p = host.options.provider;
    const versions = offeredVersions(host.options);
    this.tr = new Transcript(p);
    this.clientRandom = p.randomBytes(32);
    this.info = emptyInfo(params.servername, host.options.maxSendFragment);
    this.ech = startEch(host.options, this.info);
    // A TLS 1.2 session is offered by its ID (RFC 5246 §7.4.1.2; with a ticket, SHA-256 of it,
    // RFC 5077 §3.4); otherwise middlebox compatibility mode (RFC 8446 §D.4) sends 32 fresh bytes.
    // A TLS 1.0–1.2 session is offered when its version is offered (RFC 5246 §7.4.1.2), and
    // never beside ECH, whose inner hello offers TLS 1.3 only (RFC 9849 §6.1).
    const s12 =
      this.ech.k !== 'offered' &&
      params.session &&
      params.session.version <= ProtocolVersion.TLS1_2 &&
      isResumable(params.session) &&
      versions.includes(params.session.version)
        ? params.session
        : undefined;
    if (s12) this.session12 = s12;
    this.legacySessionId = s12
      ? s12.sessionId
      : versions.includes(ProtocolVersion.TLS1_3)
        ? p.randomBytes(32)
        : new Uint8Array(0);
  }

  /** The transcript while the handshake runs (a connected TLS 1.3 client has none). */
  private get transcript(): Transcript {
    if (!this.tr) throw unexpectedMessage('handshake message after the handshake');
    return this.tr;
  }

  /**
   * The first handshake has completed (Finished exchanged): application data may flow. Stays
   * true while a TLS 1.2 renegotiation runs (see `renegotiating`).
   */
  get established(): boolean {
    const s = this.state;
    return (s.k === 'tls13' || s.k === 'tls12') && s.flow.established;
  }

  /** Same as `established` (the name the connection and tests use). */
  get done(): boolean {
    return this.established;
  }

  /** renegotiation 'explicit': a HelloRequest waits for renegotiate() (SSL_read gives WANT_RENEGOTIATE). */
  get renegotiatePending(): boolean {
    return this.state.k === 'tls12' && this.state.flow.renegotiatePending;
  }

  /** True while a TLS 1.2 renegotiation runs (application data must wait, as in OpenSSL). */
  get renegotiating(): boolean {
    return this.state.k === 'tls12' && this.state.flow.renegotiating;
  }

  /** Sends the first ClientHello. */
  start(): void {
    if (this.state.k !== 'start') return;
    const o = this.host.options;
    const keyShares = o.keyShareGroups.map((g) => o.provider.generateKeyShare(g));
    const sent = this.sendHello(keyShares, undefined, undefined);
    this.state = { k: 'wait_sh', ...sent };
    this.host.state('TLS_ST_CW_CLNT_HELLO');
    if (sent.early) this.host.state('TLS_ST_EARLY_DATA');
  }

  /** Handles one handshake message during the handshake. */
  handle(type: number, body: Uint8Array, raw: Uint8Array): void {
    const s = this.state;
    switch (s.k) {
      case 'start':
        break;
      case 'wait_sh': {
        if (type !== HandshakeType.server_hello) break;
        const sh = decodeServerHello(body);
        if (sh.isHrr) return this.onHelloRetryRequest(sh, raw, s);
        return this.onServerHello(sh, raw, s, undefined);
      }
      case 'wait_sh2': {
        if (type !== HandshakeType.server_hello) break;
        const sh = decodeServerHello(body);
        if (sh.isHrr) throw unexpectedMessage('second HelloRetryRequest');
        return this.onServerHello(sh, raw, s, s);
      }
      case 'tls13':
      case 'tls12':
        return s.flow.handle(type, body, raw);
    }
    throw unexpectedMessage(`unexpected ${handshakeName(type)} before ServerHello`);
  }

  /** Handles a message after the handshake (tickets, KeyUpdate, HelloRequest). */
  postHandshake(type: number, body: Uint8Array, raw: Uint8Array): string | null {
    const s = this.state;
    if (s.k === 'tls13') return s.flow.postHandshake(type, body, raw);
    if (s.k === 'tls12') return s.flow.postHandshake(type, body, raw);
    throw unexpectedMessage('post-handshake message before handshake');
  }

  /** A ChangeCipherSpec record: TLS 1.2 switches keys; TLS 1.3 tolerates the compatibility CCS. */
  changeCipherSpec(): void {
    const s = this.state;
    if (s.k === 'tls12') return s.flow.onChangeCipherSpec();
    // RFC 8446 §5: tolerated after the server's first ServerHello or HelloRetryRequest until the handshake ends.
    if (s.k === 'wait_sh2' || (s.k === 'tls13' && !s.flow.established)) return;
    throw unexpectedMessage('unexpected ChangeCipherSpec');
  }

  /**
   * Once the handshake is done, drops what only the handshake needed (key shares with their
   * private keys, the ClientHello's extensions, the kept transcript messages): an idle connection
   * keeps only its traffic keys.
   */
  releaseHandshakeState(): void {
    const s = this.state;
    if ((s.k !== 'tls13' && s.k !== 'tls12') || !s.flow.established) return;
    if (s.outcome) {
      s.outcome.keyShares.length = 0;
      s.outcome.hello.extensions = [];
    }
    // A TLS 1.3 client that offered post_handshake_auth keeps the running hash: each post-handshake
    // CertificateRequest is answered over the transcript through our Finished (RFC 8446 §4.4.1).
    this.tr?.release(s.k === 'tls13' && !this.host.options.postHandshakeAuth);
    if (s.k === 'tls13') {
      // TLS 1.3 needs nothing of the hello outcome once connected (RFC 8446 §4.6 messages only),
      // nor our hello's random and legacy_session_id (issue #14: ~430 B per idle connection).
      s.flow.release();
      s.outcome = null;
      this.tr = null; // with post_handshake_auth, the connected state holds it
      this.clientRandom = RELEASED;
      this.legacySessionId = RELEASED;
    }
  }

  /** Application data went out (TLS 1.3: the next update_requested is answered again, RFC 8446 §4.6.3). */
  appDataSent(): void {
    if (this.state.k === 'tls13') this.state.flow.appDataSent();
  }

  /**
   * SSL_renegotiate (the `R` of s_client): starts a TLS 1.2 renegotiation, or says why not
   * (OpenSSL can_renegotiate: "wrong ssl version" under TLS 1.3, RFC 8446 having none).
   */
  renegotiate(): string | null {
    const s = this.state;
    if (s.k === 'tls13') return 'wrong ssl version (TLS 1.3 has no renegotiation)';
    if (s.k !== 'tls12') return 'handshake not done';
    return s.flow.renegotiate();
  }

  /** A warning alert the record layer tolerated (ConnectionInfo.warningAlerts has it already). */
  warningAlert(description: number): void {
    const s = this.state;
    if (s.k === 'tls12') s.flow.onWarningAlert(description);
  }

  /** The current TLS 1.3 application traffic secrets once connected (SSL_get_traffic_secrets), else null. */
  trafficSecrets(): { read: Uint8Array; write: Uint8Array } | null {
    return this.state.k === 'tls13' ? this.state.flow.trafficSecrets() : null;
  }

  /** Sends a TLS 1.3 KeyUpdate (the `k`/`K` of s_client). */
  keyUpdate(requestPeer: boolean): void {
    const s = this.state;
    if (s.k !== 'tls13') throw unexpectedMessage('KeyUpdate needs an established TLS 1.3 connection');
    s.flow.sendKeyUpdate(requestPeer);
  }

  /** Sends a ClientHello (RFC 8446 §4.1.2): the first one, or the second one answering `hrr`. */
  private sendHello(keyShares: KeyShare[], cookie: Uint8Array | undefined, hrr: ServerHello | undefined): SentHello {
    const o = this.host.options;
    const ech = this.ech;
    const base = { sessionId: this.legacySessionId, keyShares, ...(cookie ? { cookie } : {}) };
    const offer = pskOffer(o, this.params.session, hrr, ech.k === 'offered' ? ech.inner : this.transcript);
    const session = offer && 'session' in offer ? offer.session : undefined;
    if (session) this.info.maxEarlyData = session.maxEarlyData >>> 0;
    const psk = offer ? { psk: offer.psk } : {};
    const ticket12 = this.session12?.ticket ? { ticket12: this.session12.ticket } : {};
    const pskSession = session
      ? { pskSession: session }
      : offer && 'external' in offer
        ? { pskExternal: offer.external }
        : {};
    // RFC 8446 §4.2.10: early data only in the first ClientHello, with a ticket that allows it.
    const early = earlyDataFor(this.host, this.params.earlyData, session, hrr !== undefined);
    const ed = early ? { earlyData: true } : {};
    const compat = this.legacySessionId.length > 0;
    if (ech.k === 'offered') {
      // RFC 9849 §6.1: the PSK goes in ClientHelloInner only; the outer hello names the public name.
      // early_data goes in both (as BoringSSL offers it), so a server that rejects ECH and answers
      // the outer hello skips our 0-RTT records (RFC 8446 §4.2.10) instead of failing on them.
      const outerParams = { ...base, ...ticket12, ...ed, random: this.clientRandom, servername: ech.outerName };
      const innerParams = { ...base, ...psk, ...ed, random: ech.innerRandom, servername: this.params.servername };
      const sealed = echHellos(o, ech, outerParams, innerParams);
      this.transcript.add(sealed.message);
      this.host.sendHandshake(sealed.message);
      const sent = { hello: sealed.outer, inner: sealed.inner, keyShares, ...pskSession };
      if (!session || !early) return sent;
      const e = sendEarly(this.host, this.info, session, sealed.innerMessage, ech.innerRandom, compat, early);
      return { ...sent, early: e };
    }
    const { hello, message } = buildClientHello(o, {
      ...base,
      ...ticket12,
      ...psk,
      ...ed,
      random: this.clientRandom,
      servername: this.params.servername,
      ...(ech.k === 'grease' ? { extra: [ech.ext] } : {}),
      ...(hrr ? { greaseKeyShare: false } : {}),
    });
    this.transcript.add(message);
    this.host.sendHandshake(message);
    if (!session || !early) return { hello, keyShares, ...pskSession };
    const e = sendEarly(this.host, this.info, session, message, this.clientRandom, compat, early);
    return { hello, keyShares, pskSession: session, early: e };
  }

  /** HelloRetryRequest (RFC 8446 §4.1.4): TLS 1.3, at most one, and it must change something. */
  private onHelloRetryRequest(hrr: ServerHello, raw: Uint8Array, sent: SentHello): void {
    const o = this.host.options;
    const ver = findExtension(hrr.extensions, ExtensionType.supported_versions);
    if (
      !ver ||
      readSelectedVersion(ver.data) !== ProtocolVersion.TLS1_3 ||
      !offeredVersions(o).includes(ProtocolVersion.TLS1_3)
    ) {
      throw illegalParameter('HelloRetryRequest without TLS 1.3');
    }
    checkCommonServerHello(o, hrr, sent.hello, true);
    checkServerExtensions('HelloRetryRequest', hrr.extensions, sent.hello.extensions);
    this.host.endOfFlight();
    const suite = suiteById(hrr.cipherSuite);
    if (!suite) throw illegalParameter('server chose a cipher suite we did not offer');
    const ks = findExtension(hrr.extensions, ExtensionType.key_share);
    const ck = findExtension(hrr.extensions, ExtensionType.cookie);
    if (!ks && !ck) throw illegalParameter('HelloRetryRequest that changes nothing');
    const keyShares = ks ? [retryKeyShare(o, readHrrKeyShare(ks.data), sent.keyShares)] : sent.keyShares;
    const cookie = ck ? readCookie(ck.data) : undefined;
    this.info.handshake = 'full-hrr';
    // RFC 8446 §4.2.10: a HelloRetryRequest rejects early data; the second ClientHello is plaintext.
    if (sent.early) {
      this.info.earlyData = 'rejected';
      this.host.setWriteProtection(new NullProtection());
    }
    // RFC 8446 §4.4.1: ClientHello1 is replaced by its message_hash.
    echHelloRetryRequest(this.ech, suite.hash, hrr, raw);
    this.transcript.replaceWithMessageHash(suite.hash);
    this.transcript.add(raw);
    this.host.state('TLS_ST_CR_SRVR_HELLO (HelloRetryRequest)');
    // RFC 8446 §5.1: every record but an initial ClientHello carries legacy_record_version 0x0303.
    this.host.setRecordVersion(ProtocolVersion.TLS1_2);
    // RFC 8446 §D.4: in middlebox-compatibility mode the CCS goes immediately before the second
    // ClientHello (as BoringSSL, OpenSSL and rustls send it; BoGo's runner requires this place).
    // (With early data the CCS went out before it already.)
    if (this.legacySessionId.length > 0 && !sent.early) this.host.sendChangeCipherSpec();
    this.state = { k: 'wait_sh2', hrr, suite, ...this.sendHello(keyShares, cookie, hrr) };
  }

  /** ServerHello (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3): pick the version, hand over to its flow. */
  private onServerHello(
    sh: ServerHello,
    raw: Uint8Array,
    sent: SentHello,
    retry: { hrr: ServerHello; suite: CipherSuite } | undefined,
  ): void {
    const o = this.host.options;
    const version = selectedVersion(o, sh, retry !== undefined);
    checkCommonServerHello(o, sh, sent.hello, version === ProtocolVersion.TLS1_3);
    const suite = suiteById(sh.cipherSuite);
    if (!suite || !suiteUsableAt(suite, version))
      throw illegalParameter(
        `cipher suite ${suite?.openssl ?? sh.cipherSuite} does not belong to the selected version`,
      );
    if (retry && sh.cipherSuite !== retry.hrr.cipherSuite)
      throw illegalParameter('cipher suite changed after HelloRetryRequest');
    // RFC 9849 §6.1.4: accepted, the inner hello, transcript and random (BoringSSL's client_random,
    // for key log lines) go on; rejected, the outer ones do, without the PSK (offered inner only)
    // and verified for the outer name (§6.1.6); a caller that checks no name still checks none.
    let { hello, pskSession, pskExternal } = sent;
    let [params, clientRandom] = [this.params, this.clientRandom];
    if (this.ech.k === 'offered') {
      if (echServerHello(this.ech, this.info, suite.hash, raw, version) && sent.inner) {
        hello = sent.inner;
        this.tr = this.ech.inner;
        clientRandom = this.ech.innerRandom;
      } else {
        pskSession = undefined;
        pskExternal = undefined;
        params = { ...params, verifyName: params.verifyName === null ? null : this.ech.outerName };
      }
    }
    this.info.version = version;
    this.info.cipherSuite = suite.id;
    if (!this.info.handshake) this.info.handshake = 'full';
    this.transcript.setHash(prfHashFor(version, suite.hash));
    this.transcript.add(raw);
    this.host.state('TLS_ST_CR_SRVR_HELLO');
    const outcome: HelloOutcome = {
      host: this.host,
      params,
      info: this.info,
      transcript: this.transcript,
      clientRandom,
      hello,
      serverHello: sh,
      suite,
      keyShares: sent.keyShares,
      // Any non-empty legacy_session_id, a TLS 1.2 session's ID included: the server echoes it and
      // then expects our CCS (RFC 8446 §D.4); after a HelloRetryRequest it has gone out already.
      // With early data the CCS went out before it (early-data.ts).
      compatMode: this.legacySessionId.length > 0 && retry === undefined && !sent.early,
      ...(pskSession ? { pskSession } : {}),
      ...(pskExternal ? { pskExternal } : {}),
      ...(sent.early ? { early: sent.early } : {}),
    };
    this.state =
      version === ProtocolVersion.TLS1_3
        ? { k: 'tls13', flow: new Tls13Client(outcome), outcome }
        : { k: 'tls12', flow: new Tls12Client(outcome), outcome };
  }
}
