/**
 * The client's side of one ECH offer (RFC 9849 §6.1), independent of the handshake state machine:
 * it picks the config, sets up HPKE once (one seal per ClientHello, the same context after
 * HelloRetryRequest), seals each ClientHelloInner into its ClientHelloOuter, keeps the inner
 * messages it needs, and decides acceptance from the HelloRetryRequest (§7.2.1) and the
 * ServerHello (§7.2). The handshake keeps both transcripts until that decision.
 */
import { constantTimeEqual } from '../codec/bytes.js';
import { encodeClientHello, frameHandshake, HandshakeType, type ClientHello } from '../codec/handshake.js';
import type { HashName } from '../codec/names.js';
import { illegalParameter } from '../errors.js';
import { setupBaseS, type HpkeContext, type HpkeSuite } from '../crypto/hpke.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { chooseEchConfig, decodeEchConfigList, type EchChoice } from './config.js';
import { echInnerExtension, encodeClientHelloInner, sealClientHelloOuter } from './inner.js';
import { echConfirmation, hrrForConfirmation, serverHelloForConfirmation } from './confirm.js';

/** RFC 9849 §6.1: the HPKE info is "tls ech" || 0x00 || ECHConfig. */
function hpkeInfo(rawConfig: Uint8Array): Uint8Array {
  const label = new TextEncoder().encode('tls ech');
  const out = new Uint8Array(label.length + 1 + rawConfig.length);
  out.set(label, 0);
  out.set(rawConfig, label.length + 1);
  return out;
}

export class EchOffer {
  private readonly context: HpkeContext;
  private readonly enc: Uint8Array;
  private readonly fields: { suite: HpkeSuite; configId: number };
  /** Inner messages for the confirmation transcripts: CH1 inner, then (after HRR) HRR and CH2 inner. */
  private innerMessages: Uint8Array[] = [];
  private innerRandom: Uint8Array | undefined;
  private hrrSeen = false;

  private constructor(
    private readonly p: CryptoProvider,
    readonly choice: EchChoice,
  ) {
    const { enc, context } = setupBaseS(p, choice.suite, choice.contents.publicKey, hpkeInfo(choice.config.raw));
    this.enc = enc;
    this.context = context;
    this.fields = { suite: choice.suite, configId: choice.contents.configId };
  }

  /** An offer from an ECHConfigList, or null when no config in it is usable (the caller may GREASE). */
  static create(p: CryptoProvider, configList: Uint8Array): EchOffer | null {
    const choice = chooseEchConfig(decodeEchConfigList(configList));
    return choice ? new EchOffer(p, choice) : null;
  }

  /** The config's public_name: the outer SNI unless overridden, and the name a rejection is verified for. */
  get publicName(): string {
    return this.choice.contents.publicName;
  }

  /** The inner variant of encrypted_client_hello, which ClientHelloInner must carry (§5). */
  static innerExtension = echInnerExtension;

  /**
   * Seals ClientHelloInner (TLS 1.3 only, with the inner ECH extension) into `outerBase` (its
   * own random, the inner legacy_session_id, the public name; the `compress`ed extensions in the
   * same relative order as in the inner hello). The first call uses HPKE's enc; the call after
   * HelloRetryRequest sends an empty enc on the same context (§6.1.5). Returns the outer hello.
   */
  seal(inner: ClientHello, outerBase: ClientHello, compress: readonly number[]): ClientHello {
    if (this.innerRandom !== undefined && (this.innerMessages.length !== 2 || !this.hrrSeen)) {
      throw new TypeError('ECH: a second ClientHello only after a HelloRetryRequest');
    }
    if (this.innerRandom !== undefined && !constantTimeEqual(this.innerRandom, inner.random)) {
      throw new TypeError('ECH: the second ClientHelloInner keeps the first one random');
    }
    const first = this.innerRandom === undefined;
    this.innerRandom = inner.random;
    const encoded = encodeClientHelloInner(inner, compress, this.choice.contents.maximumNameLength);
    const { hello } = sealClientHelloOuter(outerBase, encoded, this.context, {
      ...this.fields,
      enc: first ? this.enc : new Uint8Array(0),
    });
    this.innerMessages.push(frameHandshake(HandshakeType.client_hello, encodeClientHello(inner)).slice());
    return hello;
  }

  /** The HPKE seals made so far (RFC 9849 costs one per ClientHello). */
  get seals(): number {
    return this.context.sequence;
  }

  /**
   * A HelloRetryRequest (framed): true when its encrypted_client_hello confirmation matches
   * (ECH accepted), false when it has none (rejected). A confirmation of another length is
   * decode_error; a mismatch means rejection (§7.2.1 "Determining ECH Acceptance").
   */
  helloRetryRequest(hash: HashName, hrr: Uint8Array): boolean {
    const ch1 = this.innerMessages[0];
    if (ch1 === undefined || this.innerRandom === undefined || this.hrrSeen) throw new TypeError('ECH: unexpected HRR');
    this.hrrSeen = true;
    const found = hrrForConfirmation(hrr);
    // RFC 8446 §4.4.1: after HRR the transcript starts with message_hash(ClientHello1).
    const messageHash = frameHandshake(HandshakeType.message_hash, this.p.digest(hash, ch1)).slice();
    this.innerMessages = [messageHash, hrr.slice()];
    if (!found) return false;
    const th = this.p.digest(hash, concatAll([messageHash, found.zeroed]));
    return constantTimeEqual(echConfirmation(this.p, hash, this.innerRandom, th, true), found.confirmation);
  }

  /**
   * The ServerHello (framed): true when the last 8 bytes of its random are the confirmation over
   * the inner transcript (accepted), false otherwise (rejected: the outer hello is the one in
   * use). After an HRR that accepted ECH, a ServerHello that does not is illegal_parameter (§6.1.5).
   */
  serverHello(hash: HashName, sh: Uint8Array, hrrAccepted: boolean | null): boolean {
    if (this.innerRandom === undefined) throw new TypeError('ECH: ServerHello before any ClientHello');
    // Rejected in the HelloRetryRequest: the outer hello is in use for good.
    if (hrrAccepted === false) return false;
    const { zeroed, confirmation } = serverHelloForConfirmation(sh);
    const th = this.p.digest(hash, concatAll([...this.innerMessages, zeroed]));
    const accepted = constantTimeEqual(echConfirmation(this.p, hash, this.innerRandom, th, false), confirmation);
    if (hrrAccepted === true && !accepted)
      throw illegalParameter('ECH accepted in HelloRetryRequest but not in ServerHello');
    return accepted;
  }
}

function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const x of parts) n += x.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}
