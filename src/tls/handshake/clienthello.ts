/**
 * Building the ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) from the context's options, in
 * the extension order OpenSSL uses, and the TLS 1.3 PSK offer with its binder (§4.2.11).
 */
import { Writer } from '../codec/bytes.js';
import {
  Extension,
  ExtensionType,
  alpnExt,
  cookieExt,
  ecPointFormatsExt,
  ext,
  keyShareClientExt,
  maxFragmentLengthExt,
  pskModesExt,
  renegotiationInfoExt,
  serverNameExt,
  signatureAlgorithmsExt,
  supportedGroupsExt,
  supportedVersionsExt,
} from '../codec/extensions.js';
import { encodeClientHello, frameHandshake, HandshakeType, type ClientHello } from '../codec/handshake.js';
import { CERT_STATUS_OCSP } from '../codec/certificate.js';
import {
  greaseValue,
  groupByName,
  HASH_LENGTH,
  isPskKeyExchange,
  ProtocolVersion,
  suiteById,
  suiteMinVersion,
  TLS_FALLBACK_SCSV,
  type GroupName,
  type HashName,
} from '../codec/names.js';
import { certCompressionByName } from '../codec/sigschemes.js';
import { encodeCompressCertificateExt } from '../codec/compressed-certificate.js';
import { AlertDescription } from '../codec/alerts.js';
import { TlsAlert } from '../errors.js';
import type { KeyShare } from '../crypto/provider.js';
import type { ContextOptions } from '../types.js';

/** Versions offered, highest first (TLS 1.0 and 1.1 only when the options reach down to them). */
export function offeredVersions(o: ContextOptions): number[] {
  const v: number[] = [];
  for (const version of [
    ProtocolVersion.TLS1_3,
    ProtocolVersion.TLS1_2,
    ProtocolVersion.TLS1_1,
    ProtocolVersion.TLS1_0,
  ])
    if (o.minVersion <= version && version <= o.maxVersion) v.push(version);
  return v;
}

/** The highest TLS 1.0–1.2 version offered (what legacy_version and an RSA pre-master carry), or null. */
export function maxLegacyVersion(o: ContextOptions): number | null {
  return offeredVersions(o).find((v) => v <= ProtocolVersion.TLS1_2) ?? null;
}

/**
 * Suites offered: TLS 1.3 ones when 1.3 is offered, then the TLS 1.0–1.2 ones usable at the
 * highest such version offered (RFC 5246 §A.5: a TLS 1.0/1.1-only offer has no AEAD or SHA-256 suites).
 */
export function offeredSuites(o: ContextOptions): number[] {
  const v = offeredVersions(o);
  const legacy = maxLegacyVersion(o);
  return [
    ...(v.includes(ProtocolVersion.TLS1_3) ? o.cipherSuites13 : []),
    ...(legacy === null
      ? []
      : o.cipherSuites12.filter((id) => {
          const s = suiteById(id);
          // PSK suites only with a PSK to use (RFC 4279 §2; OpenSSL ssl_cipher_disabled without a PSK callback).
          return s !== undefined && suiteMinVersion(s) <= legacy && (o.psk !== undefined || !isPskKeyExchange(s.kx));
        })),
  ];
}

/** The IANA id of one of our groups (a GroupName always has a row in NAMED_GROUPS). */
function groupId(name: GroupName): number {
  const g = groupByName(name);
  if (!g) throw new TlsAlert(AlertDescription.internal_error, `unknown group ${name}`);
  return g.id;
}

/** Group ids of supported_groups. */
export function offeredGroups(o: ContextOptions): number[] {
  return o.groups.map(groupId);
}

/** A TLS 1.3 PSK identity to offer (from a resumable session). */
export interface PskOffer {
  identity: Uint8Array;
  obfuscatedAge: number;
  hash: HashName;
  /** Computes the binder over the ClientHello truncated before the binders list. */
  binder: (truncatedHello: Uint8Array) => Uint8Array;
}

export interface HelloParams {
  random: Uint8Array;
  sessionId: Uint8Array;
  servername: string | null;
  keyShares: KeyShare[];
  cookie?: Uint8Array;
  /** TLS 1.2 session ticket to offer (empty array requests a new one). */
  ticket12?: Uint8Array;
  /** RFC 5746 renegotiation_info: the previous client verify_data (empty for the first handshake). */
  renegotiationInfo?: Uint8Array;
  /** A renegotiation repeats the first ClientHello's legacy_version (OpenSSL ssl_set_client_hello_version). */
  legacyVersion?: number;
  psk?: PskOffer;
  /** Extensions after OpenSSL's list (ECH's, RFC 9849 §5), before RFC 7685 padding and pre_shared_key. */
  extra?: Extension[];
  /** Reorders the extensions before padding and pre_shared_key (ClientHelloInner groups what it compresses, RFC 9849 §5.1). */
  arrange?: (exts: Extension[]) => Extension[];
  /** No RFC 7685 padding: ECH pads ClientHelloInner itself (RFC 9849 §6.1.3) and the outer hello is long already. */
  noPadding?: boolean;
  /** Offer early_data (RFC 8446 §4.2.10): 0-RTT data follows the ClientHello. */
  earlyData?: boolean;
  /** RFC 8701: GREASE the hello (ContextOptions.grease); false for a second ClientHello's key_share. */
  greaseKeyShare?: boolean;
}

/**
 * The GREASE values of one connection (RFC 8701 §3.1), taken from our random so that a second
 * ClientHello repeats them: cipher suite, group, version, and two distinct extensions.
 */
function greaseValues(random: Uint8Array): {
  suite: number;
  group: number;
  version: number;
  ext1: number;
  ext2: number;
} {
  const v = (i: number): number => greaseValue(random[i] ?? 0);
  const ext1 = v(3);
  const ext2 = v(4) === ext1 ? ext1 ^ 0x1010 : v(4);
  return { suite: v(0), group: v(1), version: v(2), ext1, ext2 };
}

/** The extensions of a ClientHello in OpenSSL's order, pre_shared_key excluded. */
export function helloExtensions(o: ContextOptions, h: HelloParams): Extension[] {
  const versions = offeredVersions(o);
  // The TLS 1.0–1.2 extensions go with any of those versions (RFC 5746, 4492, 5077, 7366, 7627).
  const offers12 = maxLegacyVersion(o) !== null;
  const offers13 = versions.includes(ProtocolVersion.TLS1_3);
  const g = o.grease ? greaseValues(h.random) : undefined;
  const exts: Extension[] = [];
  if (offers12) exts.push(renegotiationInfoExt(h.renegotiationInfo));
  if (h.servername) exts.push(serverNameExt(h.servername));
  if (o.maxFragmentLength) exts.push(maxFragmentLengthExt(o.maxFragmentLength));
  // status_request (RFC 6066 §8): ocsp, no responder_id_list, no request_extensions.
  if (o.statusRequest) exts.push(ext(ExtensionType.status_request, (w) => w.u8(CERT_STATUS_OCSP).u16(0).u16(0)));
  if (offers12) exts.push(ecPointFormatsExt());
  exts.push(supportedGroupsExt([...(g ? [g.group] : []), ...offeredGroups(o)]));
  if (offers12) exts.push(ext(ExtensionType.session_ticket, (w) => w.bytes(h.ticket12 ?? new Uint8Array(0))));
  if (o.alpn.length) exts.push(alpnExt(o.alpn));
  // signed_certificate_timestamp (RFC 6962 §3.3.1): empty in the ClientHello.
  if (o.signedCertificateTimestamps) exts.push(ext(ExtensionType.signed_certificate_timestamp));
  if (offers12) exts.push(ext(ExtensionType.encrypt_then_mac), ext(ExtensionType.extended_master_secret));
  // RFC 5246 §7.4.1.4.1: not offered when only versions before TLS 1.2 are.
  if ((versions[0] ?? 0) >= ProtocolVersion.TLS1_2) exts.push(signatureAlgorithmsExt(o.signatureAlgorithms));
  if (offers13) {
    exts.push(supportedVersionsExt([...(g ? [g.version] : []), ...versions]));
    if (h.cookie) exts.push(cookieExt(h.cookie));
    exts.push(pskModesExt());
    const shares = h.keyShares.map((k) => ({ group: groupId(k.group), key: k.publicKey }));
    // RFC 8701 §3.1 a one-byte GREASE share; not in a second ClientHello, whose key_share holds
    // just the group the HelloRetryRequest named (RFC 8446 §4.1.2).
    if (g && h.greaseKeyShare !== false) shares.unshift({ group: g.group, key: Uint8Array.of(0) });
    exts.push(keyShareClientExt(shares));
    // RFC 8879 §3: the algorithms we can decompress, in our order of preference.
    const algs = o.certCompression.map((n) => certCompressionByName(n)?.id ?? 0).filter((id) => id !== 0);
    if (algs.length > 0)
      exts.push({ type: ExtensionType.compress_certificate, data: encodeCompressCertificateExt(algs) });
    if (h.earlyData) exts.push(ext(ExtensionType.early_data));
    // RFC 8446 §4.2.6: empty; we answer a post-handshake CertificateRequest.
    if (o.postHandshakeAuth) exts.push(ext(ExtensionType.post_handshake_auth));
  }
  const ordered = o.permuteExtensions ? permuted(exts, h.random) : exts;
  // RFC 8701 §3.1: an empty GREASE extension first, one with a byte of data last (as BoringSSL).
  return g
    ? [{ type: g.ext1, data: new Uint8Array(0) }, ...ordered, { type: g.ext2, data: Uint8Array.of(0) }]
    : ordered;
}

/**
 * Our extensions in an order drawn from our random (BoringSSL SSL_set_permute_extensions, as Chrome
 * sends them, so that servers cannot depend on one order). Each type gets a key from the random,
 * so a second ClientHello keeps the order of the extensions it repeats (RFC 8446 §4.1.2).
 */
function permuted(exts: Extension[], random: Uint8Array): Extension[] {
  const key = (type: number): number => {
    let h = 0x811c9dc5; // FNV-1a over the random and the type
    for (const b of [...random, type >> 8, type & 0xff]) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h;
  };
  return [...exts].sort((a, b) => key(a.type) - key(b.type));
}

/**
 * RFC 7685 padding, BoringSSL's ssl_add_clienthello_tlsext rule (OpenSSL's
 * tls_construct_ctos_padding with SSL_OP_TLSEXT_PADDING): a ClientHello whose handshake message
 * would be 256..511 bytes long (some F5 load balancers hang on those) is padded to 512. The padding
 * extension is at least one byte long, so that an empty extension is never last (WebSphere).
 * `messageLength` is the whole handshake message without padding, header and binders included.
 */
export function paddingExtension(messageLength: number): Extension | null {
  if (messageLength <= 0xff || messageLength >= 0x200) return null;
  const room = 0x200 - messageLength;
  return { type: ExtensionType.padding, data: new Uint8Array(room > 4 ? room - 4 : 1) };
}

/**
 * Encodes a whole ClientHello message. With a PSK, pre_shared_key goes last and its binder is
 * computed over the message truncated before the binders list (RFC 8446 §4.2.11.2); the RFC 7685
 * padding goes just before it.
 */
export function buildClientHello(o: ContextOptions, h: HelloParams): { hello: ClientHello; message: Uint8Array } {
  let extensions = [...helloExtensions(o, h), ...(h.extra ?? [])];
  if (h.arrange) extensions = h.arrange(extensions);
  const paddingFor = (length: number): Extension | null => (h.noPadding ? null : paddingExtension(length));
  const hello: ClientHello = {
    // RFC 8446 §4.1.2: TLS 1.2 when 1.3 is offered; otherwise the highest version offered (RFC 5246 §E.1).
    legacyVersion: h.legacyVersion ?? maxLegacyVersion(o) ?? ProtocolVersion.TLS1_2,
    random: h.random,
    sessionId: h.sessionId,
    // RFC 7507 §4: the fallback SCSV goes after the suites, and only in a deliberate fallback.
    cipherSuites: [
      ...(o.grease ? [greaseValues(h.random).suite] : []),
      ...offeredSuites(o),
      ...(o.fallbackScsv ? [TLS_FALLBACK_SCSV] : []),
    ],
    extensions,
  };
  const encode = (): Uint8Array => frameHandshake(HandshakeType.client_hello, encodeClientHello(hello));
  const psk = h.psk;
  if (!psk) {
    const padding = paddingFor(encode().length);
    if (padding) hello.extensions = [...extensions, padding];
    return { hello, message: encode() };
  }

  const binderLength = HASH_LENGTH[psk.hash];
  const pskExt = (binder: Uint8Array): Extension => ({
    type: ExtensionType.pre_shared_key,
    data: new Writer(64)
      .vec16((l) => l.vec16(psk.identity).u32(psk.obfuscatedAge))
      .vec16((l) => l.vec8(binder))
      .finish()
      .slice(),
  });
  const placeholderExt = pskExt(new Uint8Array(binderLength));
  hello.extensions = [...extensions, placeholderExt];
  const padding = paddingFor(encode().length);
  const padded = padding ? [...extensions, padding] : extensions;
  hello.extensions = [...padded, placeholderExt];
  const placeholder = encode();
  const truncated = placeholder.subarray(0, placeholder.length - (2 + 1 + binderLength));
  const binder = psk.binder(truncated);
  hello.extensions = [...padded, pskExt(binder)];
  return { hello, message: encode() };
}

/** The hash a suite id uses (for binder checks). */
export function suiteHash(id: number): HashName | undefined {
  return suiteById(id)?.hash;
}
