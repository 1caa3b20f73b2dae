/**
 * ECHConfigList (RFC 9849 §4, ECHConfig version 0xfe0d): the codec, the client's choice of a
 * config and HPKE suite (§6.1), and the text forms a user hands to --ech-config-list: base64 of
 * the ECHConfigList, or the PEM file `openssl ech` writes (an "ECHCONFIG" block holding the
 * ECHConfigList base64, usually after the "PRIVATE KEY" block).
 */
import { Reader, Writer } from '../codec/bytes.js';
import { TlsAlert, decodeError } from '../errors.js';
import { AlertDescription } from '../codec/alerts.js';
import { HPKE_KEM_X25519_SHA256, X25519_KEY_LENGTH, hpkeSuiteSupported, type HpkeSuite } from '../crypto/hpke.js';

/** The ECHConfig version (and extension code point) of RFC 9849. */
export const ECH_VERSION = 0xfe0d;

export interface EchConfigExtension {
  type: number;
  data: Uint8Array;
}

/** One ECHConfig. Configs of other versions are kept (as `contents`) only to be skipped. */
export interface EchConfig {
  version: number;
  /** The whole ECHConfig (version, length, contents): HPKE's info is "tls ech" || 0x00 || raw. */
  raw: Uint8Array;
  /** Only for version 0xfe0d. */
  contents?: EchConfigContents;
}

export interface EchConfigContents {
  configId: number;
  kemId: number;
  publicKey: Uint8Array;
  cipherSuites: HpkeSuite[];
  maximumNameLength: number;
  /** As bytes on the wire; `publicName` is its ASCII reading. */
  publicName: string;
  extensions: EchConfigExtension[];
}

/** Reads one ECHConfigContents (RFC 9849 §4). */
function readContents(r: Reader): EchConfigContents {
  const configId = r.u8();
  const kemId = r.u16();
  const publicKey = r.vec16(1).slice();
  const suites = r.sub16(4, 0xfffc, 'ECHConfig cipher_suites');
  if (suites.remaining % 4 !== 0) throw decodeError('ECHConfig cipher_suites length is not a multiple of 4');
  const cipherSuites: HpkeSuite[] = [];
  while (suites.remaining > 0) cipherSuites.push({ kdfId: suites.u16(), aeadId: suites.u16() });
  const maximumNameLength = r.u8();
  const nameBytes = r.vec8(1);
  const publicName = String.fromCharCode(...nameBytes);
  const exts = r.sub16(0, 0xffff, 'ECHConfig extensions');
  const extensions: EchConfigExtension[] = [];
  const seen = new Set<number>();
  while (exts.remaining > 0) {
    const type = exts.u16();
    // RFC 9849 §4.2: no more than one extension of the same type.
    if (seen.has(type)) throw decodeError(`ECHConfig has a duplicate extension 0x${type.toString(16)}`);
    seen.add(type);
    extensions.push({ type, data: exts.vec16().slice() });
  }
  r.end();
  return { configId, kemId, publicKey, cipherSuites, maximumNameLength, publicName, extensions };
}

/**
 * Decodes an ECHConfigList (`ECHConfig ECHConfigList<4..2^16-1>`). Every ECHConfig must be well
 * formed at the outer level (version, length); 0xfe0d contents must parse completely. Anything
 * malformed is decode_error (RFC 9849 §6.1.6: retry_configs that do not parse end the connection
 * with decode_error).
 */
export function decodeEchConfigList(bytes: Uint8Array): EchConfig[] {
  const r = new Reader(bytes, 'ECHConfigList');
  const list = r.sub16(4, 0xffff, 'ECHConfigList');
  r.end();
  const out: EchConfig[] = [];
  while (list.remaining > 0) {
    const start = list.offset;
    const version = list.u16();
    const body = list.vec16();
    const raw = bytes.slice(2 + start, 2 + list.offset);
    if (version === ECH_VERSION) out.push({ version, raw, contents: readContents(new Reader(body, 'ECHConfig')) });
    else out.push({ version, raw });
  }
  return out;
}

/** Encodes ECHConfigContents into a full ECHConfig (for tests and in-memory servers). */
export function encodeEchConfig(c: EchConfigContents): Uint8Array {
  const w = new Writer(128);
  w.u16(ECH_VERSION).vec16((b) => {
    b.u8(c.configId).u16(c.kemId).vec16(c.publicKey);
    b.vec16((s) => c.cipherSuites.forEach((x) => s.u16(x.kdfId).u16(x.aeadId)));
    b.u8(c.maximumNameLength);
    b.vec8(Uint8Array.from(c.publicName, (ch) => ch.charCodeAt(0) & 0xff));
    b.vec16((e) => c.extensions.forEach((x) => e.u16(x.type).vec16(x.data)));
  });
  return w.finish().slice();
}

/** Joins ECHConfigs (each a full ECHConfig encoding) into an ECHConfigList. */
export function encodeEchConfigList(configs: Uint8Array[]): Uint8Array {
  return new Writer(256)
    .vec16((w) => configs.forEach((c) => w.bytes(c)))
    .finish()
    .slice();
}

/**
 * RFC 9849 §6.1.7: public_name must be a dot-separated sequence of LDH labels (RFC 5890 §2.3.1),
 * no leading or trailing dot, labels of 1..63 octets, and its last label must not read as an
 * IPv4 literal (all digits, or 0x followed by hex digits).
 */
export function validPublicName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  for (const l of labels) {
    if (l.length < 1 || l.length > 63) return false;
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(l)) return false;
  }
  const last = labels[labels.length - 1] ?? '';
  return !/^[0-9]+$/.test(last) && !/^0x[0-9a-f]*$/i.test(last);
}

/** Why a config cannot be used, or null when it can (RFC 9849 §6.1 and §4.2). */
export function echConfigUnusableReason(c: EchConfig): string | null {
  const x = c.contents;
  if (x === undefined) return `version 0x${c.version.toString(16)} is not supported`;
  if (x.kemId !== HPKE_KEM_X25519_SHA256) return `KEM 0x${x.kemId.toString(16)} is not supported`;
  if (x.publicKey.length !== X25519_KEY_LENGTH) return `X25519 public key of ${x.publicKey.length} bytes`;
  if (!x.cipherSuites.some(hpkeSuiteSupported)) return 'no supported HPKE cipher suite';
  // Mandatory extensions have the high bit set; we understand none.
  const mandatory = x.extensions.find((e) => (e.type & 0x8000) !== 0);
  if (mandatory) return `unsupported mandatory extension 0x${mandatory.type.toString(16)}`;
  if (!validPublicName(x.publicName)) return `public_name ${JSON.stringify(x.publicName)} is not a valid DNS name`;
  return null;
}

/** The config and suite a client uses: the first usable config and its first supported suite. */
export interface EchChoice {
  config: EchConfig;
  contents: EchConfigContents;
  suite: HpkeSuite;
}

/** RFC 9849 §6.1: picks the first usable ECHConfig (list order is the server's preference). */
export function chooseEchConfig(configs: readonly EchConfig[]): EchChoice | undefined {
  for (const config of configs) {
    const contents = config.contents;
    if (contents === undefined || echConfigUnusableReason(config) !== null) continue;
    const suite = contents.cipherSuites.find(hpkeSuiteSupported);
    if (suite) return { config, contents, suite };
  }
  return undefined;
}

const PEM_ECHCONFIG = /-----BEGIN ECHCONFIG-----([\s\S]*?)-----END ECHCONFIG-----/;

/**
 * An ECHConfigList from what a user gives --ech-config-list: the PEM `openssl ech` writes (the
 * ECHCONFIG block; a private key block next to it is ignored), or base64 (standard or URL-safe,
 * whitespace allowed). Throws decode_error when it is neither or does not decode as a list.
 */
export function echConfigListFromText(text: string): Uint8Array {
  const pem = PEM_ECHCONFIG.exec(text);
  const b64 = (pem ? (pem[1] ?? '') : text).replace(/\s+/g, '');
  if (b64.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) {
    throw decodeError('not a base64 ECHConfigList or an ECHCONFIG PEM block');
  }
  const buf = Buffer.from(b64.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length).slice();
  decodeEchConfigList(bytes);
  return bytes;
}

/** Base64 of an ECHConfigList, ready to pass back to --ech-config-list. */
export function echConfigListToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

/**
 * The server's encrypted_client_hello in EncryptedExtensions (RFC 9849 §5: ECHEncryptedExtensions,
 * the retry_configs ECHConfigList). Only valid when the server used ClientHelloOuter: after an
 * accepted ECH it is unsupported_extension; retry configs that do not parse are decode_error
 * (§6.1.6). Returns the list as received, ready to hand back to --ech-config-list.
 */
export function readRetryConfigs(data: Uint8Array, echAccepted: boolean): Uint8Array {
  if (echAccepted) {
    throw new TlsAlert(
      AlertDescription.unsupported_extension,
      'encrypted_client_hello in EncryptedExtensions after ECH was accepted',
    );
  }
  decodeEchConfigList(data);
  return data.slice();
}
