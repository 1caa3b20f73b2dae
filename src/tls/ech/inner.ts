/**
 * The ClientHelloInner side of ECH (RFC 9849), as pure functions over ClientHello values:
 *  - EncodedClientHelloInner with ech_outer_extensions compression (§5.1) and the recommended
 *    padding (§6.1.3), and its inverse (what a client-facing server does, for tests and peers);
 *  - the ClientHelloOuter: ClientHelloOuterAAD and the sealed payload (§5.2, §6.1.1), the same
 *    HPKE context again with an empty enc after HelloRetryRequest (§6.1.5);
 *  - a GREASE extension (§6.2).
 */
import { ProtocolVersion } from '../codec/names.js';
import { Reader, Writer } from '../codec/bytes.js';
import { encodeClientHello, type ClientHello } from '../codec/handshake.js';
import type { Extension } from '../codec/extensions.js';
import { decodeError, illegalParameter } from '../errors.js';
import { HPKE_AEADS, type HpkeContext, type HpkeSuite } from '../crypto/hpke.js';
import type { CryptoProvider } from '../crypto/provider.js';

/** Extension code points of RFC 9849 §5 and §11.1. */
export const EXT_ENCRYPTED_CLIENT_HELLO = 0xfe0d;
export const EXT_ECH_OUTER_EXTENSIONS = 0xfd00;
const EXT_SERVER_NAME = 0;
const EXT_PRE_SHARED_KEY = 41;
const EXT_SUPPORTED_VERSIONS = 43;

/** True when a ClientHello supported_versions body lists a version below TLS 1.3 (GREASE values aside). */
function offersBelowTls13(data: Uint8Array): boolean {
  const list = new Reader(data, 'supported_versions').sub8(2, 254);
  while (list.remaining > 0) {
    const v = list.u16();
    if ((v & 0x0f0f) === 0x0a0a) continue; // RFC 8701 GREASE
    if (v < ProtocolVersion.TLS1_3) return true;
  }
  return false;
}

/** ECHClientHelloType (§5). */
export const ECH_OUTER = 0;
export const ECH_INNER = 1;

/** The AEAD tag every HPKE AEAD here appends (RFC 9180 §7.3, Nt). */
const AEAD_TAG_LENGTH = 16;

/** The inner variant of encrypted_client_hello: type inner, empty (§5). */
export function echInnerExtension(): Extension {
  return { type: EXT_ENCRYPTED_CLIENT_HELLO, data: Uint8Array.of(ECH_INNER) };
}

/** The outer variant's fields (§5). */
export interface EchOuterFields {
  suite: HpkeSuite;
  configId: number;
  enc: Uint8Array;
  payload: Uint8Array;
}

export function encodeEchOuter(f: EchOuterFields): Uint8Array {
  return new Writer(f.enc.length + f.payload.length + 16)
    .u8(ECH_OUTER)
    .u16(f.suite.kdfId)
    .u16(f.suite.aeadId)
    .u8(f.configId)
    .vec16(f.enc)
    .vec16(f.payload)
    .finish()
    .slice();
}

/** Decodes a ClientHello's encrypted_client_hello body: the outer fields, or 'inner'. */
export function decodeEchClientHello(data: Uint8Array): EchOuterFields | 'inner' {
  const r = new Reader(data, 'encrypted_client_hello');
  const type = r.u8();
  if (type === ECH_INNER) {
    r.end();
    return 'inner';
  }
  if (type !== ECH_OUTER) throw decodeError(`encrypted_client_hello type ${type}`);
  const suite = { kdfId: r.u16(), aeadId: r.u16() };
  const configId = r.u8();
  const enc = r.vec16().slice();
  const payload = r.vec16(1).slice();
  r.end();
  return { suite, configId, enc, payload };
}

/** The length of the host name in a server_name extension body, or null if it has none we can read. */
function serverNameLength(data: Uint8Array): number | null {
  try {
    const r = new Reader(data, 'server_name');
    const list = r.sub16(1);
    if (list.u8() !== 0) return null;
    return list.vec16(1).length;
  } catch {
    return null;
  }
}

/**
 * RFC 9849 §6.1.3: padding for an EncodedClientHelloInner whose unpadded length is `length`,
 * given the inner server_name length (null: no server_name) and the config's maximum_name_length.
 */
export function echPaddingLength(length: number, serverName: number | null, maximumNameLength: number): number {
  let padding = serverName === null ? maximumNameLength + 9 : Math.max(0, maximumNameLength - serverName);
  const l = length + padding;
  padding += 31 - ((l - 1) % 32);
  return padding;
}

/**
 * EncodedClientHelloInner (§5.1): the inner ClientHello with an empty legacy_session_id, the
 * extensions whose types are in `compress` replaced by one ech_outer_extensions at the place of the
 * first (they must be contiguous in `inner`, and the outer hello must carry them in the same
 * order), then zero padding (§6.1.3).
 */
export function encodeClientHelloInner(
  inner: ClientHello,
  compress: readonly number[],
  maximumNameLength: number,
): Uint8Array {
  if (!inner.extensions.some((e) => e.type === EXT_ENCRYPTED_CLIENT_HELLO)) {
    throw new TypeError('ClientHelloInner must carry the inner encrypted_client_hello extension');
  }
  // §6.1 rule 1 (and BoringSSL refuses otherwise): the inner hello offers TLS 1.3 or later only.
  const versions = inner.extensions.find((e) => e.type === EXT_SUPPORTED_VERSIONS);
  if (!versions || offersBelowTls13(versions.data)) {
    throw new TypeError('ClientHelloInner must offer TLS 1.3 only (supported_versions without 1.2 or below)');
  }
  const want = new Set(compress);
  if (want.has(EXT_ENCRYPTED_CLIENT_HELLO)) throw new TypeError('encrypted_client_hello cannot be compressed');
  const positions = inner.extensions.flatMap((e, i) => (want.has(e.type) ? [i] : []));
  const extensions: Extension[] = [];
  if (positions.length > 0) {
    const first = positions[0] ?? 0;
    if (positions.length !== want.size || positions.some((p, i) => p !== first + i)) {
      throw new TypeError('compressed extensions must all be present and contiguous in ClientHelloInner');
    }
    const types = inner.extensions.slice(first, first + positions.length).map((e) => e.type);
    const refs = new Writer(2 + 2 * types.length)
      .vec8((w) => types.forEach((t) => w.u16(t)))
      .finish()
      .slice();
    extensions.push(...inner.extensions.slice(0, first), { type: EXT_ECH_OUTER_EXTENSIONS, data: refs });
    extensions.push(...inner.extensions.slice(first + positions.length));
  } else {
    extensions.push(...inner.extensions);
  }
  const body = encodeClientHello({ ...inner, sessionId: new Uint8Array(0), extensions });
  const sni = inner.extensions.find((e) => e.type === EXT_SERVER_NAME);
  const padding = echPaddingLength(body.length, sni ? serverNameLength(sni.data) : null, maximumNameLength);
  const out = new Uint8Array(body.length + padding);
  out.set(body, 0);
  return out;
}

/** Decodes a ClientHello body (no handshake header) into its fields, leaving trailing bytes to the caller. */
function readClientHello(r: Reader): ClientHello {
  const legacyVersion = r.u16();
  const random = r.bytes(32).slice();
  const sessionId = r.vec8(0, 32).slice();
  const suites = r.sub16(2, 0xfffe, 'ClientHello cipher_suites');
  const cipherSuites: number[] = [];
  while (suites.remaining > 0) cipherSuites.push(suites.u16());
  r.vec8(1);
  const exts = r.sub16(0, 0xffff, 'ClientHello extensions');
  const extensions: Extension[] = [];
  while (exts.remaining > 0) extensions.push({ type: exts.u16(), data: exts.vec16().slice() });
  return { legacyVersion, random, sessionId, cipherSuites, extensions };
}

/**
 * The client-facing server's inverse of encodeClientHelloInner (§5.1): non-zero padding, a missing,
 * repeated or out-of-order referenced extension, or a reference to encrypted_client_hello is
 * illegal_parameter. Linear in the outer extension count (Appendix A).
 */
export function decodeClientHelloInner(encoded: Uint8Array, outer: ClientHello): ClientHello {
  const r = new Reader(encoded, 'EncodedClientHelloInner');
  const ch = readClientHello(r);
  for (const b of r.rest()) if (b !== 0) throw illegalParameter('EncodedClientHelloInner padding is not zero');
  const extensions: Extension[] = [];
  let cursor = 0;
  for (const e of ch.extensions) {
    if (e.type !== EXT_ECH_OUTER_EXTENSIONS) {
      extensions.push(e);
      continue;
    }
    const refs = new Reader(e.data, 'ech_outer_extensions').sub8(2, 254);
    if (refs.remaining % 2 !== 0) throw decodeError('ech_outer_extensions has an odd length');
    while (refs.remaining > 0) {
      const type = refs.u16();
      if (type === EXT_ENCRYPTED_CLIENT_HELLO)
        throw illegalParameter('ech_outer_extensions references encrypted_client_hello');
      while (cursor < outer.extensions.length && outer.extensions[cursor]?.type !== type) cursor++;
      const found = outer.extensions[cursor];
      if (found === undefined)
        throw illegalParameter(`ech_outer_extensions: 0x${type.toString(16)} missing or out of order`);
      extensions.push(found);
      cursor++;
    }
  }
  return { ...ch, sessionId: outer.sessionId, extensions };
}

/** Places encrypted_client_hello after every extension except pre_shared_key, which stays last (RFC 8446 §4.2.11). */
function withEch(exts: readonly Extension[], ech: Extension): Extension[] {
  const out = exts.filter((e) => e.type !== EXT_ENCRYPTED_CLIENT_HELLO);
  const psk = out.findIndex((e) => e.type === EXT_PRE_SHARED_KEY);
  if (psk >= 0) out.splice(psk, 0, ech);
  else out.push(ech);
  return out;
}

/**
 * The ClientHelloOuter (§6.1.1): `outer` (its own random, the inner legacy_session_id, the public
 * name as server_name, and the compressed extensions in inner order) completed with the
 * encrypted_client_hello extension whose payload seals `encodedInner` with ClientHelloOuterAAD.
 * `enc` is HPKE's encapsulated key in the first ClientHello and empty after HelloRetryRequest.
 */
export function sealClientHelloOuter(
  outer: ClientHello,
  encodedInner: Uint8Array,
  context: HpkeContext,
  f: { suite: HpkeSuite; configId: number; enc: Uint8Array },
): { hello: ClientHello; body: Uint8Array } {
  const zeros = new Uint8Array(encodedInner.length + AEAD_TAG_LENGTH);
  const aadHello = { ...outer, extensions: withEch(outer.extensions, echOuter({ ...f, payload: zeros })) };
  const aad = encodeClientHello(aadHello);
  const payload = context.seal(aad, encodedInner);
  if (payload.length !== zeros.length) throw new RangeError('HPKE AEAD expansion is not 16 bytes');
  const hello = { ...outer, extensions: withEch(outer.extensions, echOuter({ ...f, payload })) };
  return { hello, body: encodeClientHello(hello) };
}

function echOuter(f: EchOuterFields): Extension {
  return { type: EXT_ENCRYPTED_CLIENT_HELLO, data: encodeEchOuter(f) };
}

/**
 * The server's ClientHelloOuterAAD (§5.2): the outer hello with the payload zeroed, for opening it.
 * Returns the AAD and the outer fields.
 */
export function clientHelloOuterAad(outer: ClientHello): { aad: Uint8Array; fields: EchOuterFields } {
  const ext = outer.extensions.find((e) => e.type === EXT_ENCRYPTED_CLIENT_HELLO);
  if (!ext) throw illegalParameter('ClientHelloOuter has no encrypted_client_hello');
  const fields = decodeEchClientHello(ext.data);
  if (fields === 'inner') throw illegalParameter('ClientHelloOuter carries the inner ECH variant');
  const zeroed = echOuter({ ...fields, payload: new Uint8Array(fields.payload.length) });
  const extensions = outer.extensions.map((e) => (e === ext ? zeroed : e));
  return { aad: encodeClientHello({ ...outer, extensions }), fields };
}

/**
 * A GREASE encrypted_client_hello (§6.2): random config_id, a supported suite, a valid X25519 enc
 * from the provider, and a random payload as long as a real one would be for `innerLength` bytes
 * of EncodedClientHelloInner. After HelloRetryRequest the client sends the same extension again.
 */
export function greaseEchExtension(
  p: CryptoProvider,
  innerLength: number,
  suite: HpkeSuite = { kdfId: 1, aeadId: 1 },
): Extension {
  if (!HPKE_AEADS.has(suite.aeadId)) throw new RangeError('unsupported GREASE ECH suite');
  const configId = p.randomBytes(1)[0] ?? 0;
  const enc = p.generateKeyShare('x25519').publicKey;
  const payload = p.randomBytes(innerLength + AEAD_TAG_LENGTH);
  return echOuter({ suite, configId, enc, payload });
}
