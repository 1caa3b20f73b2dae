/**
 * The TLS 1.2 client after ServerHello: the initial handshake, the connection it establishes,
 * and the server-initiated renegotiations that replace its keys (RFC 5246 §7.4.1.1, RFC 5746).
 * Each handshake's own message flow is a Tls12Handshake (handshake12.ts).
 */
import type { HelloOutcome } from './hello-outcome.js';
import { Transcript } from './transcript.js';
import { buildClientHello } from './clienthello.js';
import { Tls12Handshake, type Completed12 } from './handshake12.js';
import { expectEmptyBody } from '../codec/handshake.js';
import { HandshakeType, handshakeName } from '../codec/registry.js';
import { ProtocolVersion, isSupportedVersion, type SupportedVersion } from '../codec/names.js';
import { TlsAlert, unexpectedMessage } from '../errors.js';
import { AlertDescription } from '../codec/alerts.js';
import { answerHelloRequest, type PreviousHandshake, type VerifyData } from './renegotiation.js';

/** Where a TLS 1.2 connection is: in its first handshake, established, or renegotiating. */
type Phase12 =
  | { k: 'handshaking'; hs: Tls12Handshake }
  /** Established; the verify_data of the last handshake binds the next one (RFC 5746 §3.5). */
  | { k: 'connected'; verifyData: VerifyData }
  /** A HelloRequest started a new handshake; application data waits for it, as in OpenSSL. */
  | { k: 'renegotiating'; hs: Tls12Handshake };

export class Tls12Client {
  private phase: Phase12;
  /** The version of the first handshake, kept by every renegotiation. */
  private readonly version: SupportedVersion;

  /** Takes over after the hello phase's ServerHello (RFC 5246 §7.4.1.3). */
  constructor(private readonly o: HelloOutcome) {
    const version =
      o.info.version !== null && isSupportedVersion(o.info.version) ? o.info.version : ProtocolVersion.TLS1_2;
    this.version = version;
    const session = o.params.session?.version === version ? o.params.session : undefined;
    const hs = new Tls12Handshake({
      host: o.host,
      info: o.info,
      transcript: o.transcript,
      clientRandom: o.clientRandom,
      offered: o.hello.extensions,
      offeredSessionId: o.hello.sessionId,
      session,
      previous: null,
      verifyName: o.params.verifyName,
      version,
      clientHelloVersion: o.hello.legacyVersion,
    });
    o.host.setRecordVersion(version);
    hs.onServerHello(o.serverHello);
    this.phase = { k: 'handshaking', hs };
  }

  /** renegotiation 'explicit': a HelloRequest waits for the caller's renegotiate() (BoringSSL renegotiate_pending). */
  renegotiatePending = false;

  /** The first handshake has completed; the connection carries application data (also while renegotiating). */
  get established(): boolean {
    return this.phase.k !== 'handshaking';
  }

  /** A renegotiation is running: application data waits until it completes. */
  get renegotiating(): boolean {
    return this.phase.k === 'renegotiating';
  }

  /** A message of the first handshake. */
  handle(type: number, body: Uint8Array, raw: Uint8Array): void {
    const ph = this.phase;
    if (ph.k !== 'handshaking') throw unexpectedMessage(`unexpected ${handshakeName(type)} in state ${ph.k}`);
    const done = ph.hs.handle(type, body, raw);
    if (done) this.completed(done, false);
  }

  /** The server's ChangeCipherSpec, for the handshake in progress (RFC 5246 §7.1). */
  onChangeCipherSpec(): void {
    const ph = this.phase;
    if (ph.k === 'connected') throw unexpectedMessage('unexpected ChangeCipherSpec');
    ph.hs.onChangeCipherSpec();
  }

  private completed(done: Completed12, renegotiation: boolean): void {
    const host = this.o.host;
    this.phase = { k: 'connected', verifyData: done.verifyData };
    host.state(renegotiation ? 'TLS_ST_OK (renegotiated)' : 'TLS_ST_OK');
    // A renegotiation makes no resumable session: BoringSSL never caches one (its session is not
    // resumable), so the session of the first handshake stays the connection's.
    if (done.session && !renegotiation) host.newSession(done.session);
  }

  /**
   * After the handshake: a HelloRequest starts a renegotiation (RFC 5246 §7.4.1.1) whose messages
   * are consumed here until it completes. Returns 'renegotiation' when one completed, else null.
   */
  postHandshake(type: number, body: Uint8Array, raw: Uint8Array): string | null {
    const ph = this.phase;
    switch (ph.k) {
      case 'connected':
        if (type !== HandshakeType.hello_request)
          throw unexpectedMessage(`unexpected post-handshake ${handshakeName(type)}`);
        expectEmptyBody(body, 'HelloRequest');
        return this.onHelloRequest(ph.verifyData);
      case 'renegotiating': {
        if (type === HandshakeType.hello_request) return null; // ignored while renegotiating (RFC 5246 §7.4.1.1)
        const done = ph.hs.handle(type, body, raw);
        if (!done) return null;
        this.o.info.renegotiations++;
        this.completed(done, true);
        return 'renegotiation';
      }
      case 'handshaking':
        throw unexpectedMessage('post-handshake message before handshake');
    }
  }

  /**
   * A HelloRequest on an established connection (RFC 5246 §7.4.1.1): the renegotiation policy
   * decides (renegotiation.ts). A refusal is a no_renegotiation alert that ends the connection, as
   * BoringSSL sends it (ssl_do_renegotiate); RFC 5246 §7.2.2 calls no_renegotiation a warning, but
   * a server that asked to renegotiate does not go on without it (OpenSSL's server turns the
   * warning into a fatal handshake_failure), so we end the connection with a reason the user sees.
   */
  private onHelloRequest(verifyData: VerifyData): null {
    const { host, info } = this.o;
    const answer = answerHelloRequest(host.options, info.secureRenegotiation, info.renegotiations);
    if (answer.k === 'ignore') {
      host.state('TLS_ST_OK (HelloRequest ignored)');
      return null;
    }
    if (answer.k === 'refuse') throw new TlsAlert(AlertDescription.no_renegotiation, answer.reason);
    if (answer.k === 'defer') {
      this.renegotiatePending = true;
      return null;
    }
    this.startRenegotiation(this.previous(verifyData));
    return null;
  }

  /**
   * SSL_renegotiate: a client-initiated renegotiation (RFC 5246 §7.4.1.2), under the same policy
   * as a HelloRequest (BoringSSL ssl_can_renegotiate; secure renegotiation only unless
   * allowUnsafeLegacyRenegotiation). Returns why it cannot start, or null once the ClientHello is queued.
   */
  renegotiate(): string | null {
    const ph = this.phase;
    if (ph.k !== 'connected') return ph.k === 'renegotiating' ? 'a renegotiation is in progress' : 'handshake not done';
    const { host, info } = this.o;
    const answer = answerHelloRequest(host.options, info.secureRenegotiation, info.renegotiations, true);
    if (answer.k === 'ignore') return 'renegotiation refused (renegotiation disabled)';
    if (answer.k === 'refuse') return answer.reason;
    this.renegotiatePending = false;
    this.startRenegotiation(this.previous(ph.verifyData));
    return null;
  }

  /**
   * A warning alert: no_renegotiation while a renegotiation runs is the server's refusal of our
   * ClientHello (RFC 5246 §7.2.2), which ends the connection with handshake_failure as in OpenSSL
   * (ssl3_read_bytes: SSL_R_NO_RENEGOTIATION). Other warnings change nothing.
   */
  onWarningAlert(description: number): void {
    if (this.phase.k === 'renegotiating' && description === AlertDescription.no_renegotiation)
      throw new TlsAlert(AlertDescription.handshake_failure, 'the server refused to renegotiate (no_renegotiation)');
  }

  /** What the next renegotiation must keep from the handshake that established the connection's state. */
  private previous(verifyData: VerifyData): PreviousHandshake {
    const info = this.o.info;
    const leaf = info.peerCertificates[0]?.der ?? null;
    return { ...verifyData, secure: info.secureRenegotiation, ems: info.extendedMasterSecret, leaf };
  }

  /** A new TLS 1.2 ClientHello carrying our last verify_data in renegotiation_info (RFC 5746 §3.5). */
  private startRenegotiation(previous: PreviousHandshake): void {
    const host = this.o.host;
    const random = host.options.provider.randomBytes(32);
    const transcript = new Transcript(host.options.provider);
    const version = this.version;
    const options = { ...host.options, minVersion: version, maxVersion: version };
    const { hello, message } = buildClientHello(options, {
      random,
      sessionId: new Uint8Array(0),
      servername: this.o.params.servername,
      keyShares: [],
      renegotiationInfo: previous.client,
      // The first ClientHello's legacy_version, as OpenSSL and BoringSSL send it (BoGo Renegotiate-SameClientVersion).
      legacyVersion: this.o.hello.legacyVersion,
    });
    transcript.add(message);
    const hs = new Tls12Handshake({
      host,
      info: this.o.info,
      transcript,
      clientRandom: random,
      offered: hello.extensions,
      offeredSessionId: new Uint8Array(0),
      session: undefined,
      previous,
      verifyName: this.o.params.verifyName,
      version,
      clientHelloVersion: hello.legacyVersion,
    });
    this.phase = { k: 'renegotiating', hs };
    host.state('TLS_ST_CW_CLNT_HELLO (renegotiation)');
    host.sendHandshake(message);
  }
}
