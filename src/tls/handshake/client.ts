/**
 * The client handshake up to ServerHello: ClientHello, HelloRetryRequest, version selection and
 * downgrade protection (RFC 8446 §4.1). After ServerHello the TLS 1.3 flow (client13.ts) or the
 * TLS 1.2 flow takes over. Reads top to bottom as the RFC's message flow.
 */
import { equalBytes } from './util.js';
import type { HandshakeHost } from './host.js';
import { Transcript } from './transcript.js';
import { buildClientHello, offeredGroups, offeredSuites, offeredVersions, type PskOffer } from './clienthello.js';
import { Tls13Client } from './client13.js';
import { Tls12Client } from './client12.js';
import { KeySchedule, finishedVerifyData } from './keyschedule.js';
import { AlertDescription } from '../codec/alerts.js';
import {
  ExtensionType,
  extensionName,
  findExtension,
  isRecognizedExtension,
  readCookie,
  readHrrKeyShare,
  readSelectedVersion,
} from '../codec/extensions.js';
import {
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  HandshakeType,
  decodeServerHello,
  handshakeName,
  type ClientHello,
  type ServerHello,
} from '../codec/handshake.js';
import { groupById, suiteById, type CipherSuite } from '../codec/names.js';
import type { KeyShare } from '../crypto/provider.js';
import { TlsAlert, illegalParameter, unexpectedMessage } from '../errors.js';
import type { Session } from '../session/session.js';
import { obfuscatedTicketAge, isResumable } from '../session/session.js';
import { emptyInfo } from './info.js';
import type { ConnectionInfo } from '../types.js';

export interface ClientParams {
  /** SNI to send, or null. */
  servername: string | null;
  /** Name checked against the certificate (host name or IP literal), or null to skip. */
  verifyName: string | null;
  /** A session to offer for resumption. */
  session?: Session;
}

/** What a version-specific flow implements once ServerHello has been processed. */
export interface VersionFlow {
  readonly done: boolean;
  handle(type: number, body: Uint8Array, raw: Uint8Array): void;
  /**
   * A post-handshake message. Returns the name of the exchange it completed (for WANT_READ
   * reporting), or null while a longer exchange (a TLS 1.2 renegotiation) is still running.
   */
  postHandshake(type: number, body: Uint8Array, raw: Uint8Array): string | null;
  /** A ChangeCipherSpec record (TLS 1.2 only; TLS 1.3's compatibility CCS never reaches the flow). */
  onChangeCipherSpec?(): void;
}

/** Shared facts of one handshake, passed from the hello phase to the version flow. */
export interface HelloOutcome {
  host: HandshakeHost;
  params: ClientParams;
  info: ConnectionInfo;
  transcript: Transcript;
  clientRandom: Uint8Array;
  hello: ClientHello;
  serverHello: ServerHello;
  suite: CipherSuite;
  keyShares: KeyShare[];
  /** The offered PSK session and its key schedule when a PSK was offered. */
  pskSession?: Session;
  /** Sent a non-empty legacy_session_id (so the server expects a CCS from us). */
  compatMode: boolean;
}

export class ClientHandshake {
  readonly info: ConnectionInfo;
  private readonly transcript: Transcript;
  private readonly clientRandom: Uint8Array;
  private readonly legacySessionId: Uint8Array;
  private keyShares: KeyShare[] = [];
  private hello?: ClientHello;
  private hrr?: ServerHello;
  private cookie?: Uint8Array;
  private flow?: VersionFlow;
  private pskSession?: Session;
  private readonly session12?: Session;
  private started = false;

  constructor(
    private readonly host: HandshakeHost,
    readonly params: ClientParams,
  ) {
    const p = host.options.provider;
    this.transcript = new Transcript(p);
    this.clientRandom = p.randomBytes(32);
    // A TLS 1.2 session is offered by its ID (RFC 5246 §7.4.1.2; with a ticket, SHA-256 of it,
    // RFC 5077 §3.4); otherwise middlebox compatibility mode (RFC 8446 §D.4) sends 32 fresh bytes.
    const s12 =
      params.session?.version === 0x0303 &&
      isResumable(params.session) &&
      offeredVersions(host.options).includes(0x0303)
        ? params.session
        : undefined;
    this.session12 = s12;
    this.legacySessionId = s12
      ? s12.sessionId
      : offeredVersions(host.options).includes(0x0304)
        ? p.randomBytes(32)
        : new Uint8Array(0);
    this.info = emptyInfo(params.servername, host.options.maxSendFragment);
  }

  /** True once the handshake has completed (Finished exchanged). */
  get done(): boolean {
    return this.flow?.done ?? false;
  }

  /** True while a TLS 1.2 renegotiation runs (application data must wait, as in OpenSSL). */
  get renegotiating(): boolean {
    return this.flow instanceof Tls12Client && this.flow.renegotiating;
  }

  /** Sends the first ClientHello. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const o = this.host.options;
    this.keyShares = o.keyShareGroups.map((g) => o.provider.generateKeyShare(g));
    this.sendHello();
    this.host.state('TLS_ST_CW_CLNT_HELLO');
  }

  /** Handles one handshake message during the handshake. */
  handle(type: number, body: Uint8Array, raw: Uint8Array): void {
    if (this.flow) return this.flow.handle(type, body, raw);
    if (type !== HandshakeType.server_hello)
      throw unexpectedMessage(`unexpected ${handshakeName(type)} before ServerHello`);
    const sh = decodeServerHello(body);
    if (sh.isHrr) return this.onHelloRetryRequest(sh, raw);
    this.onServerHello(sh, raw);
  }

  /** Handles a message after the handshake (tickets, KeyUpdate, HelloRequest). */
  postHandshake(type: number, body: Uint8Array, raw: Uint8Array): string | null {
    if (!this.flow) throw unexpectedMessage('post-handshake message before handshake');
    return this.flow.postHandshake(type, body, raw);
  }

  /** A ChangeCipherSpec record: TLS 1.2 switches keys; TLS 1.3 tolerates the compatibility CCS. */
  changeCipherSpec(): void {
    if (this.flow?.onChangeCipherSpec) return this.flow.onChangeCipherSpec();
    // Tolerated after the server's first ServerHello or HelloRetryRequest until the handshake ends.
    if (this.done || (this.info.version === null && !this.hrr)) throw unexpectedMessage('unexpected ChangeCipherSpec');
  }

  /**
   * Once the handshake is done, drops what only the handshake needed (key shares with their
   * private keys, the ClientHello's extensions, the kept transcript messages): an idle connection
   * keeps only its traffic keys.
   */
  releaseHandshakeState(): void {
    if (!this.done || this.released) return;
    this.released = true;
    this.keyShares.length = 0; // the array the version flow shares: private keys go with it
    if (this.hello) this.hello.extensions = [];
    this.transcript.release();
  }
  private released = false;

  /** Sends a TLS 1.3 KeyUpdate (the `k`/`K` of s_client). */
  keyUpdate(requestPeer: boolean): void {
    if (!(this.flow instanceof Tls13Client) || !this.flow.done)
      throw unexpectedMessage('KeyUpdate needs an established TLS 1.3 connection');
    this.flow.sendKeyUpdate(requestPeer);
  }

  private sendHello(): void {
    const o = this.host.options;
    const psk = this.pskOffer();
    const { hello, message } = buildClientHello(o, {
      random: this.clientRandom,
      sessionId: this.legacySessionId,
      servername: this.params.servername,
      keyShares: this.keyShares,
      ...(this.cookie ? { cookie: this.cookie } : {}),
      ...(this.session12?.ticket ? { ticket12: this.session12.ticket } : {}),
      ...(psk ? { psk } : {}),
    });
    this.hello = hello;
    this.transcript.add(message);
    this.host.sendHandshake(message);
  }

  /** A PSK offer for a resumable TLS 1.3 session whose suite we still offer (RFC 8446 §4.2.11). */
  private pskOffer(): PskOffer | undefined {
    const s = this.params.session;
    const o = this.host.options;
    if (!s || s.version !== 0x0304 || !s.ticket || !isResumable(s)) return undefined;
    if (!offeredVersions(o).includes(0x0304)) return undefined;
    const suite = suiteById(s.cipherSuite);
    if (!suite || !o.cipherSuites13.some((id) => suiteById(id)?.hash === suite.hash)) return undefined;
    const age = obfuscatedTicketAge(s, o.now());
    if (age === undefined) return undefined;
    if (this.hrr && this.hrr.cipherSuite && suiteById(this.hrr.cipherSuite)?.hash !== suite.hash) return undefined;
    this.pskSession = s;
    const p = o.provider;
    return {
      identity: s.ticket,
      obfuscatedAge: age,
      hash: suite.hash,
      binder: (truncated) => {
        const ks = new KeySchedule(p, suite.hash, s.masterKey);
        const th = this.hrr ? this.transcript.hashWith(truncated) : p.digest(suite.hash, truncated);
        return finishedVerifyData(p, suite.hash, ks.binderKey(false), th);
      },
    };
  }

  /** HelloRetryRequest (RFC 8446 §4.1.4): at most one, and it must change something. */
  private onHelloRetryRequest(hrr: ServerHello, raw: Uint8Array): void {
    if (this.hrr) throw unexpectedMessage('second HelloRetryRequest');
    const o = this.host.options;
    const ver = findExtension(hrr.extensions, ExtensionType.supported_versions);
    if (!ver || readSelectedVersion(ver.data) !== 0x0304 || !offeredVersions(o).includes(0x0304)) {
      throw illegalParameter('HelloRetryRequest without TLS 1.3');
    }
    this.checkCommonServerHello(hrr, true);
    for (const e of hrr.extensions) {
      if (
        ![ExtensionType.supported_versions, ExtensionType.key_share, ExtensionType.cookie].includes(
          e.type as 43 | 51 | 44,
        )
      ) {
        // RFC 8446 §4.2: recognized but not an HRR extension → illegal_parameter; unknown (never offered) → unsupported_extension.
        if (isRecognizedExtension(e.type))
          throw illegalParameter(`${extensionName(e.type)} not allowed in HelloRetryRequest`);
        throw new TlsAlert(AlertDescription.unsupported_extension, 'unsolicited extension in HelloRetryRequest');
      }
    }
    const suite = suiteById(hrr.cipherSuite)!;
    const ks = findExtension(hrr.extensions, ExtensionType.key_share);
    const ck = findExtension(hrr.extensions, ExtensionType.cookie);
    if (!ks && !ck) throw illegalParameter('HelloRetryRequest that changes nothing');
    if (ks) {
      const groupId = readHrrKeyShare(ks.data);
      const g = groupById(groupId);
      if (!g || !offeredGroups(o).includes(groupId))
        throw illegalParameter('HelloRetryRequest for a group not offered');
      if (this.keyShares.some((k) => k.group === g.name))
        throw illegalParameter('HelloRetryRequest for a group already shared');
      this.keyShares = [o.provider.generateKeyShare(g.name)];
    }
    if (ck) this.cookie = readCookie(ck.data);
    this.hrr = hrr;
    this.info.handshake = 'full-hrr';
    this.transcript.replaceWithMessageHash(suite.hash);
    this.transcript.add(raw);
    this.host.state('TLS_ST_CR_SRVR_HELLO (HelloRetryRequest)');
    this.sendHello();
  }

  /**
   * Checks shared by ServerHello and HRR: offered suite, null compression, and in TLS 1.3 the
   * legacy_session_id echo (a TLS 1.2 server assigns its own session ID).
   */
  private checkCommonServerHello(sh: ServerHello, tls13: boolean): void {
    if (tls13 && !equalBytes(sh.sessionId, this.hello!.sessionId))
      throw illegalParameter('legacy_session_id_echo mismatch');
    if (!offeredSuites(this.host.options).includes(sh.cipherSuite))
      throw illegalParameter('server chose a cipher suite we did not offer');
    if (sh.compression !== 0) throw illegalParameter('non-zero compression method');
  }

  /** ServerHello: pick the version, refuse downgrades, hand over to the version's flow. */
  private onServerHello(sh: ServerHello, raw: Uint8Array): void {
    const o = this.host.options;
    const offered = offeredVersions(o);
    const ver = findExtension(sh.extensions, ExtensionType.supported_versions);
    const version = ver ? readSelectedVersion(ver.data) : sh.legacyVersion;
    // RFC 8446 §4.2.1: supported_versions naming anything but TLS 1.3 is illegal_parameter (as OpenSSL).
    if (ver && version !== 0x0304)
      throw illegalParameter('supported_versions in ServerHello selects a version other than TLS 1.3');
    if (!offered.includes(version)) {
      throw new TlsAlert(
        AlertDescription.protocol_version,
        `server selected ${version === 0x0304 || version === 0x0303 ? 'a version we did not offer' : 'an unsupported version'}`,
      );
    }
    if (this.hrr && version !== 0x0304) throw illegalParameter('ServerHello after HelloRetryRequest is not TLS 1.3');
    if (version === 0x0304 && sh.legacyVersion !== 0x0303)
      throw illegalParameter('bad legacy_version in TLS 1.3 ServerHello');
    if (version < 0x0304 && offered.includes(0x0304)) {
      const tail = sh.random.subarray(24);
      if (equalBytes(tail, DOWNGRADE_TLS12) || equalBytes(tail, DOWNGRADE_TLS11))
        throw illegalParameter('downgrade sentinel in ServerHello.random');
    }
    this.checkCommonServerHello(sh, version === 0x0304);
    const suite = suiteById(sh.cipherSuite)!;
    if (suite.version !== version)
      throw illegalParameter(`cipher suite ${suite.openssl} does not belong to the selected version`);
    if (this.hrr && sh.cipherSuite !== this.hrr.cipherSuite)
      throw illegalParameter('cipher suite changed after HelloRetryRequest');
    this.info.version = version;
    this.info.cipherSuite = suite.id;
    if (!this.info.handshake) this.info.handshake = 'full';
    this.transcript.setHash(suite.hash);
    this.transcript.add(raw);
    this.host.state('TLS_ST_CR_SRVR_HELLO');
    const outcome: HelloOutcome = {
      host: this.host,
      params: this.params,
      info: this.info,
      transcript: this.transcript,
      clientRandom: this.clientRandom,
      hello: this.hello!,
      serverHello: sh,
      suite,
      keyShares: this.keyShares,
      compatMode: this.legacySessionId.length > 0 && !this.session12,
      ...(this.pskSession ? { pskSession: this.pskSession } : {}),
    };
    this.flow = version === 0x0304 ? new Tls13Client(outcome) : new Tls12Client(outcome);
  }
}
