/**
 * The client's side of the TLS 1.0–1.2 RSA and DHE key exchanges, as functions a TLS 1.2-style
 * state can call: which certificate a suite's key exchange needs, the ServerKeyExchange
 * signature check for each version, and the pre-master secret with its ClientKeyExchange body.
 * Sans-IO: bytes in, bytes out, crypto through the provider.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import type { PeerKey } from './auth.js';
import { checkPeerScheme } from './auth.js';
import { AlertDescription } from '../codec/alerts.js';
import { groupById, ProtocolVersion, type KeyExchangeKind, type NamedGroup } from '../codec/names.js';
import { sigSchemeByName, type SignatureScheme } from '../codec/sigschemes.js';
import {
  decodeServerKeyExchangeDhe,
  decodeServerKeyExchangeEcdheAt,
  encodeClientKeyExchangeDhe,
  encodeClientKeyExchangeRsa,
  type ServerKeyExchangeDhe,
  type SkeSignature,
} from '../codec/keyexchange.js';
import { encodeClientKeyExchangeEcdhe } from '../codec/handshake.js';
import { checkDhParams, minDhBits, type DhParams } from '../crypto/ffdhe.js';
import { TlsAlert, illegalParameter, unexpectedMessage } from '../errors.js';
import type { ConnectionInfo, ContextOptions } from '../types.js';
import { concat } from '../codec/bytes.js';
import { pskClientKeyExchange, type PskServerKx } from './psk12.js';

/** A pre-master secret and the ClientKeyExchange body that carries it to the server. */
export interface ClientKeyExchange {
  preMaster: Uint8Array;
  /** The ClientKeyExchange message body (without the handshake header). */
  body: Uint8Array;
}

/**
 * Whether the leaf's key can serve the suite's key exchange (OpenSSL ssl3_check_cert_and_algorithm):
 * RSA key exchange encrypts to it, so only an rsaEncryption key (not RSA-PSS); DHE-RSA and
 * ECDHE-RSA sign with RSA (PKCS#1 or, in TLS 1.2, PSS with an rsaEncryption or RSA-PSS key);
 * ECDHE-ECDSA needs an EC key, or Ed25519 in TLS 1.2 (RFC 8422 §5.1.1: EdDSA is not for TLS 1.0/1.1).
 */
export function keyFitsKeyExchange(kx: KeyExchangeKind, key: PeerKey, version: number): boolean {
  switch (kx) {
    case 'RSA':
      return key.type === 'rsa';
    case 'DHE_RSA':
    case 'ECDHE_RSA':
      return key.type === 'rsa' || (version >= ProtocolVersion.TLS1_2 && key.type === 'rsa-pss');
    case 'ECDHE_ECDSA':
      return key.type === 'ec' || (version >= ProtocolVersion.TLS1_2 && key.type === 'ed25519');
    case 'PSK':
    case 'ECDHE_PSK':
    case 'TLS13':
      return false;
  }
}

/** What a verified ServerKeyExchange signature was, for "Peer signature type" / "Peer signing digest". */
export interface SkeSignatureInfo {
  /** The TLS 1.2 scheme, or the implied one before TLS 1.2 (ecdsa_sha1; null for RSA MD5-SHA1). */
  scheme: SignatureScheme | null;
  /** "RSA", "ECDSA", "RSA-PSS", ... as s_client prints it. */
  type: string;
  /** "SHA256", "MD5-SHA1", ... as s_client prints "Peer signing digest". */
  digest: string;
}

/**
 * Verifies the ServerKeyExchange signature over client_random || server_random || params.
 * TLS 1.2: the scheme must be one we offered that fits the key (RFC 5246 §7.4.1.4.1, illegal_parameter
 * "wrong signature type"). TLS 1.0/1.1: no scheme on the wire; RSA signs MD5 || SHA-1 (RFC 2246
 * §7.4.3), ECDSA signs SHA-1 (RFC 4492 §5.4). A bad signature is decrypt_error, as OpenSSL.
 */
export function verifyServerKeyExchange(
  p: CryptoProvider,
  version: number,
  key: PeerKey,
  sig: SkeSignature,
  signed: { clientRandom: Uint8Array; serverRandom: Uint8Array; params: Uint8Array },
  offeredSigalgs: number[],
): SkeSignatureInfo {
  const data = concat(signed.clientRandom, signed.serverRandom, signed.params);
  const bad = (): TlsAlert => new TlsAlert(AlertDescription.decrypt_error, 'bad signature');
  if (version >= ProtocolVersion.TLS1_2) {
    if (sig.scheme === null) throw illegalParameter('wrong signature type');
    const scheme = checkPeerScheme(sig.scheme, offeredSigalgs, key, false);
    if (!p.verify(scheme, key.spki, data, sig.signature)) throw bad();
    return { scheme, type: scheme.sigType, digest: (scheme.hash ?? 'none').toUpperCase() };
  }
  if (sig.scheme !== null) throw illegalParameter('wrong signature type');
  if (key.type === 'rsa') {
    if (!p.verifyMd5Sha1(key.spki, data, sig.signature)) throw bad();
    return { scheme: null, type: 'RSA', digest: 'MD5-SHA1' };
  }
  const ecdsaSha1 = sigSchemeByName('ecdsa_sha1');
  if (key.type !== 'ec' || !ecdsaSha1) throw illegalParameter('wrong signature type');
  if (!p.verify(ecdsaSha1, key.spki, data, sig.signature)) throw bad();
  return { scheme: ecdsaSha1, type: 'ECDSA', digest: 'SHA1' };
}

/**
 * RSA key exchange (RFC 5246 §7.4.7.1): pre-master = client_version || 46 random bytes, where
 * client_version is the version the ClientHello offered (its legacy_version: 0x0303 even when 1.3
 * was offered too), not the negotiated one, so the server can detect a version rollback. The
 * pre-master is encrypted with RSAES-PKCS1-v1_5 to the leaf's key.
 */
export function rsaClientKeyExchange(p: CryptoProvider, key: PeerKey, clientHelloVersion: number): ClientKeyExchange {
  if (key.type !== 'rsa') throw new TlsAlert(AlertDescription.handshake_failure, 'wrong certificate type');
  // RFC 8017 §7.2.1: RSAES-PKCS1-v1_5 carries at most k - 11 bytes, so a modulus under 472 bits
  // cannot hold the 48-byte pre-master: the server's fault, refused before any encryption.
  if (Math.ceil(key.bits / 8) - 11 < 48)
    throw new TlsAlert(
      AlertDescription.handshake_failure,
      `server RSA key of ${key.bits} bits is too small for the pre-master`,
    );
  const preMaster = concat(Uint8Array.of(clientHelloVersion >> 8, clientHelloVersion & 0xff), p.randomBytes(46));
  return { preMaster, body: encodeClientKeyExchangeRsa(p.rsaEncrypt(key.spki, preMaster)) };
}

/**
 * DHE (RFC 5246 §8.1.2): our key share in the server's group, checked beforehand by
 * checkDhParams (crypto/ffdhe.ts); the shared secret without leading zeros is the pre-master.
 */
export function dheClientKeyExchange(p: CryptoProvider, ske: ServerKeyExchangeDhe): ClientKeyExchange {
  const share = p.generateDhKeyShare(ske.p, ske.g);
  const preMaster = share.computeSecret(ske.ys);
  return { preMaster, body: encodeClientKeyExchangeDhe(share.publicKey) };
}

/** What the server's ServerKeyExchange (or, for RSA key exchange, its certificate) gave us to answer. */
export type ServerKx =
  | { kind: 'rsa' }
  | { kind: 'ecdhe'; group: NamedGroup; point: Uint8Array }
  | { kind: 'dhe'; ske: ServerKeyExchangeDhe; params: DhParams }
  | PskServerKx;

/**
 * ServerKeyExchange for the suite's key exchange (RFC 5246 §7.4.3, RFC 8422 §5.4): decoded for
 * this version, the group checked (an ECDHE group we offered; a DH group per checkDhParams and
 * the security level), the signature verified; the report facts go into `info`.
 */
export function readServerKeyExchange(
  p: CryptoProvider,
  o: ContextOptions,
  info: ConnectionInfo,
  a: { version: number; kx: KeyExchangeKind; peerKey: PeerKey; clientRandom: Uint8Array; serverRandom: Uint8Array },
  body: Uint8Array,
): ServerKx {
  const randoms = { clientRandom: a.clientRandom, serverRandom: a.serverRandom };
  if (a.kx === 'DHE_RSA') {
    const ske = decodeServerKeyExchangeDhe(body, a.version);
    const sig = verifyServerKeyExchange(
      p,
      a.version,
      a.peerKey,
      ske,
      { ...randoms, params: ske.params },
      o.signatureAlgorithms,
    );
    const params = checkDhParams(ske.p, ske.g, ske.ys, minDhBits(o.securityLevel));
    recordSignature(info, sig);
    info.dhBits = params.bits;
    return { kind: 'dhe', ske, params };
  }
  if (a.kx !== 'ECDHE_ECDSA' && a.kx !== 'ECDHE_RSA') throw unexpectedMessage('unexpected ServerKeyExchange');
  const ske = decodeServerKeyExchangeEcdheAt(body, a.version);
  const group = groupById(ske.group);
  if (!group || group.name === 'X25519MLKEM768' || !o.groups.includes(group.name))
    throw illegalParameter('server chose a group we did not offer');
  const sig = verifyServerKeyExchange(
    p,
    a.version,
    a.peerKey,
    ske,
    { ...randoms, params: ske.params },
    o.signatureAlgorithms,
  );
  recordSignature(info, sig);
  info.group = group.id;
  return { kind: 'ecdhe', group, point: ske.point };
}

function recordSignature(info: ConnectionInfo, sig: SkeSignatureInfo): void {
  info.peerSignatureScheme = sig.scheme?.id ?? null;
  info.peerSignatureMd5Sha1 = sig.scheme === null;
}

/** Our answer to the server's key exchange: the pre-master secret and the ClientKeyExchange body. */
export function clientKeyExchange(
  p: CryptoProvider,
  o: ContextOptions,
  kx: ServerKx,
  peerKey: PeerKey | null,
  clientHelloVersion: number,
): ClientKeyExchange {
  switch (kx.kind) {
    case 'rsa':
      if (!peerKey) throw new TlsAlert(AlertDescription.internal_error, 'RSA key exchange without a certificate');
      return rsaClientKeyExchange(p, peerKey, clientHelloVersion);
    case 'psk':
    case 'ecdhe_psk':
      return pskClientKeyExchange(p, o, kx);
    case 'dhe':
      return dheClientKeyExchange(p, kx.ske);
    case 'ecdhe': {
      const share = p.generateKeyShare(kx.group.name);
      return { preMaster: share.computeSecret(kx.point), body: encodeClientKeyExchangeEcdhe(share.publicKey) };
    }
  }
}

/** "Server Temp Key: DH, 2048 bits" as s_client prints it for a DHE connection. */
export function dhTempKey(params: DhParams): string {
  return `DH, ${params.bits} bits`;
}
