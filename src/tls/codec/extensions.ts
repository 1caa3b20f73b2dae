/**
 * TLS extensions (RFC 8446 §4.2 and friends): code points, the generic list codec, and one
 * encoder/decoder pair per extension body we send or read.
 */
import { Reader, Writer, utf8 } from './bytes.js';
import { TlsAlert, decodeError } from '../errors.js';
import { AlertDescription } from './alerts.js';
import { ExtensionType, extensionName } from './registry.js';

export { ExtensionType, extensionName, isRecognizedExtension } from './registry.js';

export interface Extension {
  type: number;
  data: Uint8Array;
}

/** Decodes an extensions block (with its 2-byte length); duplicates are illegal_parameter. */
export function readExtensions(r: Reader, what: string): Extension[] {
  if (r.remaining === 0) return [];
  const list = r.sub16(0, 0xffff, `${what} extensions`);
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (list.remaining > 0) {
    const type = list.u16();
    const data = list.vec16();
    if (seen.has(type))
      throw new TlsAlert(AlertDescription.illegal_parameter, `duplicate extension ${extensionName(type)} in ${what}`);
    seen.add(type);
    out.push({ type, data });
  }
  return out;
}

/** Encodes an extensions block with its 2-byte length. */
export function writeExtensions(w: Writer, exts: Extension[]): void {
  w.vec16((b) => {
    for (const e of exts) b.u16(e.type).vec16(e.data);
  });
}

/** Finds an extension by type. */
export function findExtension(exts: readonly Extension[], type: number): Extension | undefined {
  return exts.find((e) => e.type === type);
}

/** Builds an extension body with a Writer callback. */
export function ext(type: number, body: (w: Writer) => void = () => {}): Extension {
  const w = new Writer(64);
  body(w);
  return { type, data: w.finish().slice() };
}

// --- bodies we send ------------------------------------------------------------------------

/** server_name (RFC 6066 §3): one host_name entry. */
export function serverNameExt(host: string): Extension {
  return ext(ExtensionType.server_name, (w) => w.vec16((l) => l.u8(0).vec16(utf8(host))));
}
/** supported_groups (RFC 8446 §4.2.7). */
export function supportedGroupsExt(ids: number[]): Extension {
  return ext(ExtensionType.supported_groups, (w) => w.vec16((l) => ids.forEach((id) => l.u16(id))));
}
/** signature_algorithms (RFC 8446 §4.2.3). */
export function signatureAlgorithmsExt(ids: number[], type: number = ExtensionType.signature_algorithms): Extension {
  return ext(type, (w) => w.vec16((l) => ids.forEach((id) => l.u16(id))));
}
/** supported_versions in a ClientHello (RFC 8446 §4.2.1). */
export function supportedVersionsExt(versions: number[]): Extension {
  return ext(ExtensionType.supported_versions, (w) => w.vec8((l) => versions.forEach((v) => l.u16(v))));
}
/** application_layer_protocol_negotiation (RFC 7301). */
export function alpnExt(protocols: string[]): Extension {
  return ext(ExtensionType.application_layer_protocol_negotiation, (w) =>
    w.vec16((l) => protocols.forEach((p) => l.vec8(utf8(p)))),
  );
}
/** key_share in a ClientHello: a list of (group, key_exchange). */
export function keyShareClientExt(shares: { group: number; key: Uint8Array }[]): Extension {
  return ext(ExtensionType.key_share, (w) => w.vec16((l) => shares.forEach((s) => l.u16(s.group).vec16(s.key))));
}
/** psk_key_exchange_modes: psk_dhe_ke (1) only, as OpenSSL offers by default. */
export function pskModesExt(): Extension {
  return ext(ExtensionType.psk_key_exchange_modes, (w) => w.vec8(Uint8Array.of(1)));
}
/** ec_point_formats: uncompressed only (RFC 8422 §5.1.2). */
export function ecPointFormatsExt(): Extension {
  return ext(ExtensionType.ec_point_formats, (w) => w.vec8(Uint8Array.of(0)));
}
/** renegotiation_info (RFC 5746 §3.2) with the previous verify_data (empty initially). */
export function renegotiationInfoExt(verifyData: Uint8Array = new Uint8Array(0)): Extension {
  return ext(ExtensionType.renegotiation_info, (w) => w.vec8(verifyData));
}
/** max_fragment_length (RFC 6066 §4): code 1..4 = 2^9..2^12. */
export function maxFragmentLengthExt(code: number): Extension {
  return ext(ExtensionType.max_fragment_length, (w) => w.u8(code));
}
/** cookie echoed from a HelloRetryRequest. */
export function cookieExt(cookie: Uint8Array): Extension {
  return ext(ExtensionType.cookie, (w) => w.vec16(cookie));
}

// --- bodies we read ------------------------------------------------------------------------

/** supported_versions in ServerHello/HRR: the selected version. */
export function readSelectedVersion(data: Uint8Array): number {
  const r = new Reader(data, 'supported_versions');
  const v = r.u16();
  r.end();
  return v;
}
/** key_share in ServerHello: (group, key_exchange). */
export function readServerKeyShare(data: Uint8Array): { group: number; key: Uint8Array } {
  const r = new Reader(data, 'key_share');
  const group = r.u16();
  const key = r.vec16(1);
  r.end();
  return { group, key };
}
/** key_share in HelloRetryRequest: the selected group only. */
export function readHrrKeyShare(data: Uint8Array): number {
  const r = new Reader(data, 'key_share');
  const g = r.u16();
  r.end();
  return g;
}
/** cookie from HelloRetryRequest. */
export function readCookie(data: Uint8Array): Uint8Array {
  const r = new Reader(data, 'cookie');
  const c = r.vec16(1);
  r.end();
  return c;
}
/** ALPN in ServerHello/EncryptedExtensions: exactly one protocol. */
export function readSelectedAlpn(data: Uint8Array): string {
  const r = new Reader(data, 'alpn');
  const list = r.sub16(1);
  const p = list.vec8(1);
  list.end();
  r.end();
  return new TextDecoder().decode(p);
}
/** pre_shared_key in ServerHello: the selected identity index. */
export function readSelectedIdentity(data: Uint8Array): number {
  const r = new Reader(data, 'pre_shared_key');
  const i = r.u16();
  r.end();
  return i;
}
/** A list of u16 (signature_algorithms, supported_groups) from an extension body. */
export function readU16List(data: Uint8Array, what: string): number[] {
  const r = new Reader(data, what);
  const l = r.sub16(2);
  const out: number[] = [];
  if (l.remaining % 2 !== 0) throw decodeError(`${what} has odd length`);
  while (l.remaining > 0) out.push(l.u16());
  r.end();
  return out;
}
/** renegotiation_info body: the verify_data echo. */
export function readRenegotiationInfo(data: Uint8Array): Uint8Array {
  const r = new Reader(data, 'renegotiation_info');
  const v = r.vec8();
  r.end();
  return v;
}
/** An extension that must be empty (e.g. server_name ack, EMS, EtM). */
export function expectEmpty(e: Extension): void {
  if (e.data.length !== 0) throw decodeError(`${extensionName(e.type)} must be empty`);
}
