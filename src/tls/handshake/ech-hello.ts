/**
 * ECH in the client's hello phase (RFC 9849 §6.1, §6.2) as a typed state beside client.ts's:
 * off, GREASE (§6.2), or a real offer that keeps the inner transcript until the ServerHello
 * decides which ClientHello the server used (§6.1.4, §7.2). The HPKE context is set up once,
 * when the handshake starts (one KEM encapsulation, one seal per ClientHello; §6.1.5 reuses it
 * after HelloRetryRequest). src/tls/ech holds the codec, the sealing and the confirmations.
 */
import { equalBytes } from './util.js';
import { Transcript } from './transcript.js';
import { buildClientHello, offeredVersions, type HelloParams } from './clienthello.js';
import { findExtension, type Extension } from '../codec/extensions.js';
import {
  encodeClientHello,
  frameHandshake,
  HandshakeType,
  type ClientHello,
  type ServerHello,
} from '../codec/handshake.js';
import { ExtensionType } from '../codec/registry.js';
import { AlertDescription } from '../codec/alerts.js';
import { ProtocolVersion, type HashName } from '../codec/names.js';
import { TlsAlert, decodeError } from '../errors.js';
import { EchOffer } from '../ech/client.js';
import { decodeEchConfigList, readRetryConfigs } from '../ech/config.js';
import { greaseEchExtension } from '../ech/inner.js';
import { ECH_CONFIRMATION_LENGTH } from '../ech/confirm.js';
import type { ConnectionInfo, ContextOptions, EchInfo } from '../types.js';

/** Where ECH is during the hello phase. */
export type EchHelloState =
  | { k: 'off' }
  /** §6.2: the same GREASE extension goes into both ClientHellos. */
  | { k: 'grease'; ext: Extension }
  /**
   * A real offer: ClientHelloInner's random and transcript, the outer server_name, and the
   * HelloRetryRequest's verdict (null before or without one).
   */
  | {
      k: 'offered';
      offer: EchOffer;
      inner: Transcript;
      innerRandom: Uint8Array;
      outerName: string;
      hrrAccepted: boolean | null;
      /** The first ClientHelloOuter's encrypted_client_hello, resent unchanged after an HRR that rejected ECH. */
      sent?: Extension;
    };

/**
 * The state a handshake starts in. ECH needs TLS 1.3 (§6.1); a config list with no usable config
 * falls back to GREASE when that was asked for, else nothing is offered.
 */
/** The state of every connection that does not offer ECH: one frozen object for all. */
const ECH_OFF: EchHelloState = Object.freeze({ k: 'off' });

export function startEch(o: ContextOptions, info: ConnectionInfo): EchHelloState {
  const e = o.ech;
  if (!e || !offeredVersions(o).includes(ProtocolVersion.TLS1_3)) return ECH_OFF;
  const offer = e.configList ? EchOffer.create(o.provider, e.configList) : null;
  const p = o.provider;
  if (offer) {
    const outerName = e.outerServerName ?? offer.publicName;
    info.ech = { status: 'not offered', outerServerName: outerName, retryConfigs: null };
    return {
      k: 'offered',
      offer,
      inner: new Transcript(p),
      innerRandom: p.randomBytes(32),
      outerName,
      hrrAccepted: null,
    };
  }
  if (!e.grease) return { k: 'off' };
  info.ech = { status: 'grease', outerServerName: null, retryConfigs: null };
  // §6.2: a payload as long as a real one might be; BoringSSL picks 128..224 bytes in steps of 32.
  const innerLength = 32 * (4 + ((p.randomBytes(1)[0] ?? 0) % 4));
  return { k: 'grease', ext: greaseEchExtension(p, innerLength) };
}

/**
 * Never compressed: what differs by design (§6.1.1, §6.1.2) and what must stay in place (a switch,
 * no table built at import). supported_versions is compressed when both hellos offer TLS 1.3 only,
 * as BoringSSL does.
 */
function neverCompressed(type: number): boolean {
  switch (type) {
    case ExtensionType.server_name:
    case ExtensionType.pre_shared_key:
    case ExtensionType.encrypted_client_hello:
    case ExtensionType.ech_outer_extensions:
      return true;
    default:
      return false;
  }
}

/**
 * ClientHelloInner's extension order for ech_outer_extensions (§5.1): the inner-only ones, then
 * every extension identical in both hellos in ClientHelloOuter's order (one contiguous run, so
 * one ech_outer_extensions), then the inner encrypted_client_hello.
 */
function arrangeInner(
  inner: Extension[],
  outer: readonly Extension[],
): { extensions: Extension[]; compress: number[] } {
  const same = (x: Extension): boolean =>
    !neverCompressed(x.type) && inner.some((e) => e.type === x.type && equalBytes(e.data, x.data));
  const compressed = outer.filter(same);
  const types = new Set(compressed.map((x) => x.type));
  const own = inner.filter((e) => !types.has(e.type) && e.type !== ExtensionType.encrypted_client_hello);
  return { extensions: [...own, ...compressed, EchOffer.innerExtension()], compress: [...types] };
}

/** The two hellos of one flight: the outer one goes on the wire, the inner one is sealed inside it. */
export interface EchHellos {
  outer: ClientHello;
  message: Uint8Array;
  inner: ClientHello;
  /** ClientHelloInner as a handshake message: 0-RTT keys hash it, not the outer one (§6.1). */
  innerMessage: Uint8Array;
}

/**
 * Builds ClientHelloInner (TLS 1.3 only, §6.1 rule 1; the PSK offer, if any, goes here) and
 * ClientHelloOuter (the public name, no PSK, §6.1.2), seals the inner one into the outer one
 * (§6.1.1, padding §6.1.3), and adds the inner message to the inner transcript.
 */
function sealEchHellos(
  o: ContextOptions,
  s: Extract<EchHelloState, { k: 'offered' }>,
  outerParams: HelloParams,
  innerParams: HelloParams,
): EchHellos {
  const outer = buildClientHello(o, { ...outerParams, noPadding: true });
  let compress: number[] = [];
  const innerOptions: ContextOptions = { ...o, minVersion: ProtocolVersion.TLS1_3, maxVersion: ProtocolVersion.TLS1_3 };
  const inner = buildClientHello(innerOptions, {
    ...innerParams,
    noPadding: true,
    extra: [EchOffer.innerExtension()],
    arrange: (exts) => {
      const a = arrangeInner(exts, outer.hello.extensions);
      compress = a.compress;
      return a.extensions;
    },
  });
  const sealed = s.offer.seal(inner.hello, outer.hello, compress);
  s.sent = findExtension(sealed.extensions, ExtensionType.encrypted_client_hello);
  s.inner.add(inner.message);
  return {
    outer: sealed,
    message: frameHandshake(HandshakeType.client_hello, encodeClientHello(sealed)),
    inner: inner.hello,
    innerMessage: inner.message,
  };
}

/**
 * The second ClientHelloOuter after an HRR that rejected ECH (no confirmation, §6.1.5): the server
 * is answering the outer hello, which may change only what RFC 8446 §4.1.2 allows, so the first
 * encrypted_client_hello goes again unchanged, as BoringSSL sends it (no second seal).
 */
export function resendOuter(
  o: ContextOptions,
  s: Extract<EchHelloState, { k: 'offered' }>,
  params: HelloParams,
): EchHellos | null {
  if (s.hrrAccepted !== false || !s.sent) return null;
  const outer = buildClientHello(o, { ...params, extra: [s.sent] });
  return { outer: outer.hello, message: outer.message, inner: outer.hello, innerMessage: outer.message };
}

/** The flight of a real offer: sealed, or resent unchanged after an HRR that rejected ECH. */
export function echHellos(
  o: ContextOptions,
  s: Extract<EchHelloState, { k: 'offered' }>,
  outerParams: HelloParams,
  innerParams: HelloParams,
): EchHellos {
  return resendOuter(o, s, outerParams) ?? sealEchHellos(o, s, outerParams, innerParams);
}

/**
 * HelloRetryRequest: with a real offer its confirmation (§7.2.1) says whether ECH is accepted so
 * far, and the inner transcript takes message_hash and the HRR as the outer one does (RFC 8446
 * §4.4.1); with GREASE the extension is only checked (§6.2: 8 bytes, else decode_error).
 */
export function echHelloRetryRequest(s: EchHelloState, hash: HashName, hrr: ServerHello, raw: Uint8Array): void {
  if (s.k === 'grease') {
    const e = findExtension(hrr.extensions, ExtensionType.encrypted_client_hello);
    if (e && e.data.length !== ECH_CONFIRMATION_LENGTH)
      throw decodeError('bad encrypted_client_hello in HelloRetryRequest');
    return;
  }
  if (s.k !== 'offered') return;
  s.hrrAccepted = s.offer.helloRetryRequest(hash, raw);
  s.inner.replaceWithMessageHash(hash);
  s.inner.add(raw);
}

/**
 * ServerHello (§6.1.4, §7.2): true when the server used ClientHelloInner. Below TLS 1.3 ECH is
 * rejected without a confirmation to check; after an HRR that confirmed, a ServerHello that does
 * not is illegal_parameter (EchOffer.serverHello).
 */
export function echServerHello(
  s: EchHelloState,
  info: ConnectionInfo,
  hash: HashName,
  raw: Uint8Array,
  version: number,
): boolean {
  if (s.k !== 'offered') return false;
  const accepted = version === ProtocolVersion.TLS1_3 && s.offer.serverHello(hash, raw, s.hrrAccepted);
  info.ech.status = accepted ? 'accepted' : 'rejected';
  return accepted;
}

/**
 * encrypted_client_hello in EncryptedExtensions (§5, §6.1.6, §6.2): retry configs after a
 * rejection (decode_error when they do not parse); after acceptance it is unsupported_extension;
 * with GREASE it is checked and ignored.
 */
export function echEncryptedExtensions(ech: EchInfo, exts: readonly Extension[]): void {
  const e = findExtension(exts, ExtensionType.encrypted_client_hello);
  // Not offered: checkServerExtensions refused the extension already (and `ech` is the shared default).
  if (!e || ech.status === 'not offered') return;
  if (ech.status === 'grease') {
    decodeEchConfigList(e.data);
    return;
  }
  ech.retryConfigs = readRetryConfigs(e.data, ech.status === 'accepted');
}

/** §6.1.6: a handshake completed on ClientHelloOuter (verified for the outer name) ends in ech_required. */
export function echRequired(ech: EchInfo): void {
  if (ech.status !== 'rejected') return;
  const retry = ech.retryConfigs ? 'with' : 'without';
  throw new TlsAlert(AlertDescription.ech_required, `server rejected ECH (${retry} retry configs)`);
}
