/**
 * Building the ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) from the context's options, in
 * the extension order OpenSSL uses, and the TLS 1.3 PSK offer with its binder (§4.2.11).
 */
import { Writer } from '../codec/bytes.js';
import {
  Extension,
  ExtensionType,
  alpnExt,
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
import { groupByName, HASH_LENGTH, suiteById, type HashName } from '../codec/names.js';
import type { KeyShare } from '../crypto/provider.js';
import type { ContextOptions } from '../types.js';

/** Versions offered, highest first. */
export function offeredVersions(o: ContextOptions): number[] {
  const v: number[] = [];
  if (o.maxVersion >= 0x0304 && o.minVersion <= 0x0304) v.push(0x0304);
  if (o.minVersion <= 0x0303 && o.maxVersion >= 0x0303) v.push(0x0303);
  return v;
}

/** Suites offered: TLS 1.3 ones when 1.3 is offered, then TLS 1.2 ones when 1.2 is. */
export function offeredSuites(o: ContextOptions): number[] {
  const v = offeredVersions(o);
  return [...(v.includes(0x0304) ? o.cipherSuites13 : []), ...(v.includes(0x0303) ? o.cipherSuites12 : [])];
}

/** Group ids of supported_groups. */
export function offeredGroups(o: ContextOptions): number[] {
  return o.groups.map((g) => groupByName(g)!.id);
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
  psk?: PskOffer;
}

/** The extensions of a ClientHello in OpenSSL's order, pre_shared_key excluded. */
export function helloExtensions(o: ContextOptions, h: HelloParams): Extension[] {
  const versions = offeredVersions(o);
  const offers12 = versions.includes(0x0303);
  const offers13 = versions.includes(0x0304);
  const exts: Extension[] = [];
  if (offers12) exts.push(renegotiationInfoExt(h.renegotiationInfo));
  if (h.servername) exts.push(serverNameExt(h.servername));
  if (o.maxFragmentLength) exts.push(maxFragmentLengthExt(o.maxFragmentLength));
  if (offers12) exts.push(ecPointFormatsExt());
  exts.push(supportedGroupsExt(offeredGroups(o)));
  if (offers12) exts.push(ext(ExtensionType.session_ticket, (w) => w.bytes(h.ticket12 ?? new Uint8Array(0))));
  if (o.alpn.length) exts.push(alpnExt(o.alpn));
  if (offers12) exts.push(ext(ExtensionType.encrypt_then_mac), ext(ExtensionType.extended_master_secret));
  exts.push(signatureAlgorithmsExt(o.signatureAlgorithms));
  if (offers13) {
    exts.push(supportedVersionsExt(versions));
    if (h.cookie) exts.push(ext(ExtensionType.cookie, (w) => w.vec16(h.cookie!)));
    exts.push(pskModesExt());
    exts.push(keyShareClientExt(h.keyShares.map((k) => ({ group: groupByName(k.group)!.id, key: k.publicKey }))));
  }
  return exts;
}

/**
 * Encodes a whole ClientHello message. With a PSK, pre_shared_key goes last and its binder is
 * computed over the message truncated before the binders list (RFC 8446 §4.2.11.2).
 */
export function buildClientHello(o: ContextOptions, h: HelloParams): { hello: ClientHello; message: Uint8Array } {
  const extensions = helloExtensions(o, h);
  const hello: ClientHello = {
    legacyVersion: 0x0303,
    random: h.random,
    sessionId: h.sessionId,
    cipherSuites: offeredSuites(o),
    extensions,
  };
  if (!h.psk) return { hello, message: frameHandshake(HandshakeType.client_hello, encodeClientHello(hello)) };

  const binderLength = HASH_LENGTH[h.psk.hash];
  const pskExt = (binder: Uint8Array): Extension => ({
    type: ExtensionType.pre_shared_key,
    data: new Writer(64)
      .vec16((l) => l.vec16(h.psk!.identity).u32(h.psk!.obfuscatedAge))
      .vec16((l) => l.vec8(binder))
      .finish()
      .slice(),
  });
  hello.extensions = [...extensions, pskExt(new Uint8Array(binderLength))];
  const placeholder = frameHandshake(HandshakeType.client_hello, encodeClientHello(hello));
  const truncated = placeholder.subarray(0, placeholder.length - (2 + 1 + binderLength));
  const binder = h.psk.binder(truncated);
  hello.extensions = [...extensions, pskExt(binder)];
  return { hello, message: frameHandshake(HandshakeType.client_hello, encodeClientHello(hello)) };
}

/** The hash a suite id uses (for binder checks). */
export function suiteHash(id: number): HashName | undefined {
  return suiteById(id)?.hash;
}
