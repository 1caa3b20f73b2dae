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

// --- bodies, one extension at a time: encoder(s) then decoder(s) --------------------------------
// "…Ext" builds a whole Extension; "read…" decodes an extension body and checks it ends.

/** server_name (RFC 6066 §3): one host_name entry. */
export function serverNameExt(host: string): Extension {
  return ext(ExtensionType.server_name, (w) => w.vec16((l) => l.u8(NAME_TYPE_HOST_NAME).vec16(utf8(host))));
}
/** server_name in a ClientHello: the first host_name entry, or null when there is none. */
export function readServerName(data: Uint8Array): string | null {
  const r = new Reader(data, 'server_name');
  const l = r.sub16(1);
  let host: string | null = null;
  while (l.remaining > 0) {
    const type = l.u8();
    const name = l.vec16(1);
    if (type === NAME_TYPE_HOST_NAME && host === null) host = new TextDecoder().decode(name);
  }
  r.end();
  return host;
}
const NAME_TYPE_HOST_NAME = 0;

/** max_fragment_length (RFC 6066 §4): code 1..4 = 2^9..2^12. */
export function maxFragmentLengthExt(code: number): Extension {
  return ext(ExtensionType.max_fragment_length, (w) => w.u8(code));
}
/** max_fragment_length body: the code. */
export function readMaxFragmentLength(data: Uint8Array): number {
  const r = new Reader(data, 'max_fragment_length');
  const code = r.u8();
  r.end();
  return code;
}

/**
 * certificate_authorities (RFC 8446 §4.2.4): DistinguishedName authorities<3..2^16-1>, each
 * opaque DistinguishedName<1..2^16-1> (a DER Name, not parsed here).
 */
export function readCertificateAuthorities(data: Uint8Array): Uint8Array[] {
  const r = new Reader(data, 'certificate_authorities');
  const list = r.sub16(3, 0xffff, 'certificate_authorities');
  const out: Uint8Array[] = [];
  while (list.remaining > 0) out.push(list.vec16(1));
  r.end();
  return out;
}

/** supported_groups (RFC 8446 §4.2.7); read with readU16List. */
export function supportedGroupsExt(ids: number[]): Extension {
  return ext(ExtensionType.supported_groups, (w) => w.vec16((l) => ids.forEach((id) => l.u16(id))));
}
/** signature_algorithms (RFC 8446 §4.2.3), or signature_algorithms_cert; read with readU16List. */
export function signatureAlgorithmsExt(ids: number[], type: number = ExtensionType.signature_algorithms): Extension {
  return ext(type, (w) => w.vec16((l) => ids.forEach((id) => l.u16(id))));
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

/** ec_point_formats: uncompressed only (RFC 8422 §5.1.2). */
export function ecPointFormatsExt(): Extension {
  return ext(ExtensionType.ec_point_formats, (w) => w.vec8(Uint8Array.of(0)));
}
/** ec_point_formats body: the formats <1..2^8-1>. */
export function readEcPointFormats(data: Uint8Array): number[] {
  const r = new Reader(data, 'ec_point_formats');
  const formats = [...r.vec8(1)];
  r.end();
  return formats;
}

/** application_layer_protocol_negotiation (RFC 7301): the client's list. */
export function alpnExt(protocols: string[]): Extension {
  return ext(ExtensionType.application_layer_protocol_negotiation, (w) =>
    w.vec16((l) => protocols.forEach((p) => l.vec8(utf8(p)))),
  );
}
/** ALPN in ServerHello/EncryptedExtensions: the one selected protocol (RFC 7301 §3.1). */
export function selectedAlpnExt(protocol: string): Extension {
  return alpnExt([protocol]);
}
/** ALPN body: the protocol name list <2..2^16-1> of non-empty names. */
export function readAlpnList(data: Uint8Array): string[] {
  const r = new Reader(data, 'alpn');
  const l = r.sub16(2);
  const out: string[] = [];
  while (l.remaining > 0) out.push(new TextDecoder().decode(l.vec8(1)));
  r.end();
  return out;
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

/** supported_versions in a ClientHello (RFC 8446 §4.2.1). */
export function supportedVersionsExt(versions: number[]): Extension {
  return ext(ExtensionType.supported_versions, (w) => w.vec8((l) => versions.forEach((v) => l.u16(v))));
}
/** supported_versions in a ClientHello: the offered versions <2..254>. */
export function readSupportedVersions(data: Uint8Array): number[] {
  const r = new Reader(data, 'supported_versions');
  const l = r.sub8(2, 254);
  const out: number[] = [];
  while (l.remaining > 0) out.push(l.u16());
  r.end();
  return out;
}
/** supported_versions in ServerHello/HRR: the selected version. */
export function selectedVersionExt(version: number): Extension {
  return ext(ExtensionType.supported_versions, (w) => w.u16(version));
}
/** supported_versions in ServerHello/HRR: the selected version. */
export function readSelectedVersion(data: Uint8Array): number {
  const r = new Reader(data, 'supported_versions');
  const v = r.u16();
  r.end();
  return v;
}

/** A key share: the group and its key_exchange bytes (RFC 8446 §4.2.8). */
export interface KeyShareEntry {
  group: number;
  key: Uint8Array;
}
/** key_share in a ClientHello: a list of (group, key_exchange). */
export function keyShareClientExt(shares: KeyShareEntry[]): Extension {
  return ext(ExtensionType.key_share, (w) => w.vec16((l) => shares.forEach((s) => l.u16(s.group).vec16(s.key))));
}
/** key_share in a ClientHello: the client's shares. */
export function readClientKeyShares(data: Uint8Array): KeyShareEntry[] {
  const r = new Reader(data, 'key_share');
  const l = r.sub16();
  const out: KeyShareEntry[] = [];
  while (l.remaining > 0) out.push({ group: l.u16(), key: l.vec16(1) });
  r.end();
  return out;
}
/** key_share in ServerHello: (group, key_exchange). */
export function serverKeyShareExt(group: number, key: Uint8Array): Extension {
  return ext(ExtensionType.key_share, (w) => w.u16(group).vec16(key));
}
/** key_share in ServerHello: (group, key_exchange). */
export function readServerKeyShare(data: Uint8Array): KeyShareEntry {
  const r = new Reader(data, 'key_share');
  const group = r.u16();
  const key = r.vec16(1);
  r.end();
  return { group, key };
}
/** key_share in HelloRetryRequest: the selected group only. */
export function hrrKeyShareExt(group: number): Extension {
  return ext(ExtensionType.key_share, (w) => w.u16(group));
}
/** key_share in HelloRetryRequest: the selected group only. */
export function readHrrKeyShare(data: Uint8Array): number {
  const r = new Reader(data, 'key_share');
  const g = r.u16();
  r.end();
  return g;
}

/** psk_key_exchange_modes (RFC 8446 §4.2.9): psk_dhe_ke (1) only by default, as OpenSSL offers. */
export function pskModesExt(modes: number[] = [PSK_DHE_KE]): Extension {
  return ext(ExtensionType.psk_key_exchange_modes, (w) => w.vec8(Uint8Array.from(modes)));
}
/** psk_key_exchange_modes body: the modes <1..255>. */
export function readPskModes(data: Uint8Array): number[] {
  const r = new Reader(data, 'psk_key_exchange_modes');
  const modes = [...r.vec8(1)];
  r.end();
  return modes;
}
const PSK_DHE_KE = 1;

/** pre_shared_key in a ClientHello (RFC 8446 §4.2.11): identities and their binders. */
export interface OfferedPsks {
  identities: { identity: Uint8Array; obfuscatedAge: number }[];
  binders: Uint8Array[];
}
/** pre_shared_key in a ClientHello; it must be the last extension. */
export function offeredPsksExt(o: OfferedPsks): Extension {
  return ext(ExtensionType.pre_shared_key, (w) => {
    w.vec16((l) => o.identities.forEach((i) => l.vec16(i.identity).u32(i.obfuscatedAge)));
    w.vec16((l) => o.binders.forEach((b) => l.vec8(b)));
  });
}
/**
 * pre_shared_key in a ClientHello, with the length of the binders list and its 2-byte prefix
 * (what the binder transcript leaves out, §4.2.11.2). Unequal counts are illegal_parameter.
 */
export function readOfferedPsks(data: Uint8Array): OfferedPsks & { bindersLength: number } {
  const r = new Reader(data, 'pre_shared_key');
  const ids = r.sub16(7);
  const identities: OfferedPsks['identities'] = [];
  while (ids.remaining > 0) identities.push({ identity: ids.vec16(1), obfuscatedAge: ids.u32() });
  const start = r.offset;
  const bl = r.sub16(33);
  const binders: Uint8Array[] = [];
  while (bl.remaining > 0) binders.push(bl.vec8(32));
  const bindersLength = r.offset - start;
  r.end();
  if (binders.length !== identities.length)
    throw new TlsAlert(AlertDescription.illegal_parameter, 'PSK binder count differs from identity count');
  return { identities, binders, bindersLength };
}
/** pre_shared_key in ServerHello: the selected identity index. */
export function selectedIdentityExt(index: number): Extension {
  return ext(ExtensionType.pre_shared_key, (w) => w.u16(index));
}
/** pre_shared_key in ServerHello: the selected identity index. */
export function readSelectedIdentity(data: Uint8Array): number {
  const r = new Reader(data, 'pre_shared_key');
  const i = r.u16();
  r.end();
  return i;
}

/** cookie (RFC 8446 §4.2.2): sent in an HRR, echoed in the second ClientHello. */
export function cookieExt(cookie: Uint8Array): Extension {
  return ext(ExtensionType.cookie, (w) => w.vec16(cookie));
}
/** cookie body <1..2^16-1>. */
export function readCookie(data: Uint8Array): Uint8Array {
  const r = new Reader(data, 'cookie');
  const c = r.vec16(1);
  r.end();
  return c;
}

/** renegotiation_info (RFC 5746 §3.2) with the previous verify_data (empty initially). */
export function renegotiationInfoExt(verifyData: Uint8Array = new Uint8Array(0)): Extension {
  return ext(ExtensionType.renegotiation_info, (w) => w.vec8(verifyData));
}
/** renegotiation_info body: the verify_data echo. */
export function readRenegotiationInfo(data: Uint8Array): Uint8Array {
  const r = new Reader(data, 'renegotiation_info');
  const v = r.vec8();
  r.end();
  return v;
}

/** An extension with an empty body (server_name ack, extended_master_secret, encrypt_then_mac...). */
export function emptyExt(type: number): Extension {
  return { type, data: new Uint8Array(0) };
}
/** An extension that must be empty (e.g. server_name ack, EMS, EtM). */
export function expectEmpty(e: Extension): void {
  if (e.data.length !== 0) throw decodeError(`${extensionName(e.type)} must be empty`);
}
