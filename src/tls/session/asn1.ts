/**
 * OpenSSL's on-disk session format: the DER of SSL_SESSION_ASN1 (openssl/openssl ssl/ssl_asn1.c,
 * spec/openssl-semantics.md §6.2). encodeSession writes exactly OpenSSL 3.0's field set and
 * order; decodeSession applies d2i_SSL_SESSION's rules, first the ASN.1 template, then the
 * semantic checks, in OpenSSL's order.
 */
import { DerError, DerReader, Tag, ctxTag, derConstructed, derTlv, type Tlv } from '../codec/der.js';
import { opensslCipherName } from './openssl-ciphers.js';
import { SessionFormatError, createSession, type Session } from './session.js';

/** SSL_SESSION_ASN1_VERSION. */
const ASN1_VERSION = 1;
/** SSL3_MAX_SSL_SESSION_ID_LENGTH, TLS13_MAX_RESUMPTION_PSK_LENGTH, SSL_MAX_SID_CTX_LENGTH. */
const MAX_SESSION_ID = 32;
const MAX_MASTER_KEY = 512;
const MAX_SID_CTX = 32;
/** d2i_SSL_SESSION: an absent or zero [2] timeout loads as 3 seconds. */
const ABSENT_TIMEOUT = 3;

/** The ASN.1 integer types of the template: Z types are omitted when 0 on output. */
type IntType = 'UINT32' | 'INT32' | 'ZINT32' | 'ZINT64' | 'ZUINT32' | 'ZUINT64';

const RANGES: Record<IntType, [bigint, bigint]> = {
  UINT32: [0n, 0xffffffffn],
  ZUINT32: [0n, 0xffffffffn],
  INT32: [-0x80000000n, 0x7fffffffn],
  ZINT32: [-0x80000000n, 0x7fffffffn],
  ZINT64: [-(1n << 63n), (1n << 63n) - 1n],
  ZUINT64: [0n, (1n << 64n) - 1n],
};

/** The optional tagged fields of SSL_SESSION_ASN1, in template order. [0] key_arg is IMPLICIT. */
const OPTIONAL_TAGS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19] as const;
const FIELD_NAMES: Record<number, string> = {
  0: 'key_arg',
  1: 'time',
  2: 'timeout',
  3: 'peer',
  4: 'session_id_context',
  5: 'verify_result',
  6: 'tlsext_hostname',
  7: 'psk_identity_hint',
  8: 'psk_identity',
  9: 'tlsext_tick_lifetime_hint',
  10: 'tlsext_tick',
  11: 'comp_id',
  12: 'srp_username',
  13: 'flags',
  14: 'tlsext_tick_age_add',
  15: 'max_early_data',
  16: 'alpn_selected',
  17: 'tlsext_max_fragment_len_mode',
  18: 'ticket_appdata',
  19: 'kex_group',
  20: 'peer_rpk',
};

function fail(message: string): never {
  throw new SessionFormatError(message);
}

/** Runs a DER step, turning a DerError into a SessionFormatError that names the field. */
function inField<T>(field: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof DerError) fail(`malformed ${field}: ${e.message}`);
    throw e;
  }
}

/** d2i's ssl_version test. */
function versionAccepted(v: number): boolean {
  // TLS1_VERSION_MAJOR (0x03), DTLS1_VERSION_MAJOR (0xFE), or DTLS1_BAD_VER (0x0100).
  return v >> 8 === 0x03 || v >> 8 === 0xfe || v === 0x0100;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

// ---------------------------------------------------------------------------------------------
// Integers: minimal two's complement, as c2i_ASN1_INTEGER / i2c_ASN1_INTEGER.

function readInt(t: Tlv, field: string, type: IntType): number {
  const v = t.value;
  if (v.length === 0) fail(`${field}: empty INTEGER`);
  if (
    v.length > 1 &&
    ((v[0] === 0x00 && ((v[1] ?? 0) & 0x80) === 0) || (v[0] === 0xff && ((v[1] ?? 0) & 0x80) !== 0))
  ) {
    fail(`${field}: INTEGER has illegal padding (not minimal)`);
  }
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  if ((v[0] ?? 0) & 0x80) n -= 1n << BigInt(8 * v.length);
  const [min, max] = RANGES[type];
  if (n < min) fail(`${field}: ${min === 0n ? 'negative value' : 'value too small'} for ${type}`);
  if (n > max) fail(`${field}: value too large for ${type}`);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    fail(`${field}: value ${n} is beyond what tls-probe represents exactly`);
  }
  return Number(n);
}

function encodeInt(n: number, field: string, type: IntType): Uint8Array {
  if (!Number.isSafeInteger(n)) fail(`cannot write ${field}: ${n} is not an integer`);
  const v = BigInt(n);
  const [min, max] = RANGES[type];
  if (v < min || v > max) fail(`cannot write ${field}: ${n} is out of range for ${type}`);
  const bytes: number[] = [];
  let x = v;
  for (;;) {
    bytes.unshift(Number(x & 0xffn));
    x >>= 8n; // arithmetic shift: ends at 0 or -1
    const top = (bytes[0] ?? 0) & 0x80;
    if ((x === 0n && !top) || (x === -1n && top)) break;
  }
  return derTlv(Tag.INTEGER, Uint8Array.from(bytes));
}

// ---------------------------------------------------------------------------------------------
// Strings: hostname, PSK and SRP fields are C strings in OpenSSL (strlen on write, strndup on read).

function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  const b = nul >= 0 ? bytes.subarray(0, nul) : bytes;
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

function cStringBytes(s: string, field: string): Uint8Array {
  const nul = s.indexOf('\0');
  const t = nul >= 0 ? s.slice(0, nul) : s;
  const out = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c > 0xff) fail(`cannot write ${field}: character U+${c.toString(16).padStart(4, '0')} is not a byte`);
    out[i] = c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Encoding (i2d_SSL_SESSION, 3.0 field set).

function explicit(n: number, inner: Uint8Array): Uint8Array {
  return derTlv(ctxTag(n), inner);
}
const octets = (b: Uint8Array): Uint8Array => derTlv(Tag.OCTET_STRING, b);

/** Fails unless OpenSSL 3.0's d2i_SSL_SESSION would accept these values back. */
function checkWritable(s: Session): void {
  if (!Number.isInteger(s.version) || !versionAccepted(s.version))
    fail(`cannot write unsupported ssl version 0x${s.version.toString(16)}`);
  if (!Number.isInteger(s.cipherSuite) || s.cipherSuite < 0 || s.cipherSuite > 0xffff)
    fail(`cannot write cipher id ${s.cipherSuite}`);
  if (opensslCipherName(s.cipherSuite) === undefined)
    fail(`cannot write unknown cipher 0x${hex4(s.cipherSuite)}: OpenSSL could not read the file`);
  if (s.sessionId.length > MAX_SESSION_ID) fail(`cannot write: session_id longer than ${MAX_SESSION_ID} bytes`);
  if (s.masterKey.length > MAX_MASTER_KEY) fail(`cannot write: master_key longer than ${MAX_MASTER_KEY} bytes`);
  if (s.sessionIdContext.length > MAX_SID_CTX)
    fail(`cannot write: session_id_context longer than ${MAX_SID_CTX} bytes`);
  const comp = s.compressionMethod ?? 0;
  if (!Number.isInteger(comp) || comp < 0 || comp > 0xff) fail(`cannot write compression method ${comp}`);
  if (s.peerCertificate !== undefined) {
    const der = s.peerCertificate;
    const cert = inField('peer certificate', () => new DerReader(der).next(Tag.SEQUENCE));
    if (cert.raw.length !== der.length) fail('cannot write peer certificate: trailing bytes after the Certificate');
    checkCertificate(cert);
  }
}

/** DER of SSL_SESSION_ASN1 exactly as OpenSSL 3.0 writes it (§6.2, R6.1). */
export function encodeSession(s: Session): Uint8Array {
  checkWritable(s);
  const f: Uint8Array[] = [
    encodeInt(ASN1_VERSION, 'version', 'UINT32'),
    encodeInt(s.version, 'ssl_version', 'INT32'),
    octets(Uint8Array.of(s.cipherSuite >> 8, s.cipherSuite & 0xff)),
    octets(s.sessionId),
    octets(s.masterKey),
  ];
  if (s.time !== 0) f.push(explicit(1, encodeInt(s.time, 'time', 'ZINT64')));
  if (s.timeout !== 0) f.push(explicit(2, encodeInt(s.timeout, 'timeout', 'ZINT64')));
  if (s.peerCertificate !== undefined) f.push(explicit(3, s.peerCertificate));
  f.push(explicit(4, octets(s.sessionIdContext))); // always, even when empty
  if (s.verifyResult !== 0) f.push(explicit(5, encodeInt(s.verifyResult, 'verify_result', 'ZINT32')));
  if (s.hostname !== undefined) f.push(explicit(6, octets(cStringBytes(s.hostname, 'tlsext_hostname'))));
  if (s.pskIdentityHint !== undefined)
    f.push(explicit(7, octets(cStringBytes(s.pskIdentityHint, 'psk_identity_hint'))));
  if (s.pskIdentity !== undefined) f.push(explicit(8, octets(cStringBytes(s.pskIdentity, 'psk_identity'))));
  if (s.tickLifetimeHint > 0)
    f.push(explicit(9, encodeInt(s.tickLifetimeHint, 'tlsext_tick_lifetime_hint', 'ZUINT64')));
  if (s.ticket !== undefined) f.push(explicit(10, octets(s.ticket)));
  if (s.compressionMethod) f.push(explicit(11, octets(Uint8Array.of(s.compressionMethod))));
  if (s.srpUsername !== undefined) f.push(explicit(12, octets(cStringBytes(s.srpUsername, 'srp_username'))));
  if (s.flags !== 0) f.push(explicit(13, encodeInt(s.flags, 'flags', 'ZUINT64')));
  if (s.tickAgeAdd !== 0) f.push(explicit(14, encodeInt(s.tickAgeAdd, 'tlsext_tick_age_add', 'ZUINT32')));
  if (s.maxEarlyData !== 0) f.push(explicit(15, encodeInt(s.maxEarlyData, 'max_early_data', 'ZUINT32')));
  if (s.alpnSelected !== undefined) f.push(explicit(16, octets(s.alpnSelected)));
  if (s.maxFragmentLenMode !== 0)
    f.push(explicit(17, encodeInt(s.maxFragmentLenMode, 'tlsext_max_fragment_len_mode', 'ZUINT32')));
  if (s.ticketAppData !== undefined) f.push(explicit(18, octets(s.ticketAppData)));
  f.push(explicit(19, encodeInt(s.kexGroup, 'kex_group', 'UINT32'))); // UINT32, not Z: always, even 0
  return derConstructed(Tag.SEQUENCE, f);
}

// ---------------------------------------------------------------------------------------------
// Decoding, phase 1: the ASN.1 template (ASN1_item_d2i). Structure errors come first.

interface RawSession {
  version: number;
  sslVersion: number;
  cipher: Uint8Array;
  sessionId: Uint8Array;
  masterKey: Uint8Array;
  /** Decoded optional fields by context tag number. */
  opt: Map<number, Tlv>;
}

/** The content of an EXPLICIT [n] wrapper: exactly one TLV with the expected tag. */
function unwrap(t: Tlv, n: number, innerTag: number): Tlv {
  const field = `[${n}] ${FIELD_NAMES[n]}`;
  return inField(field, () => {
    const r = new DerReader(t.value);
    const inner = r.next(innerTag);
    if (!r.done) fail(`${field}: explicit tag holds more than one value (explicit length mismatch)`);
    return inner;
  });
}

/** A light check that [3] holds Certificate ::= SEQUENCE { tbs SEQUENCE, alg SEQUENCE, sig BIT STRING }. */
function checkCertificate(cert: Tlv): void {
  inField('[3] peer certificate', () => {
    const r = new DerReader(cert.value);
    r.next(Tag.SEQUENCE);
    r.next(Tag.SEQUENCE);
    r.next(Tag.BIT_STRING);
    r.end('Certificate');
  });
}

function describeTag(tag: number): string {
  if ((tag & 0xc0) === 0x80) {
    const n = tag & 0x1f;
    const name = FIELD_NAMES[n];
    return `[${n}]${name ? ` ${name}` : ''}`;
  }
  return `tag 0x${tag.toString(16).padStart(2, '0')}`;
}

function parseTemplate(der: Uint8Array): RawSession {
  // d2i parses one object and ignores what follows it, as PEM_read_bio_SSL_SESSION and sess_id do.
  const seq = inField('SSL_SESSION', () => new DerReader(der).next());
  if (seq.tag !== Tag.SEQUENCE) fail(`not an SSL_SESSION: expected a SEQUENCE, found tag 0x${seq.tag.toString(16)}`);
  const r = new DerReader(seq.value);
  const mandatory = (field: string, tag: number): Tlv =>
    inField(field, () => {
      if (r.done) fail(`${field} missing (sequence too short)`);
      return r.next(tag);
    });
  const version = readInt(mandatory('version', Tag.INTEGER), 'version', 'UINT32');
  const sslVersion = readInt(mandatory('ssl_version', Tag.INTEGER), 'ssl_version', 'INT32');
  const cipher = mandatory('cipher', Tag.OCTET_STRING).value;
  const sessionId = mandatory('session_id', Tag.OCTET_STRING).value;
  const masterKey = mandatory('master_key', Tag.OCTET_STRING).value;

  const opt = new Map<number, Tlv>();
  let last = -1;
  for (const n of OPTIONAL_TAGS) {
    const expected = n === 0 ? ctxTag(0, false) : ctxTag(n);
    if (r.peekTag() !== expected) continue;
    const t = inField(`[${n}] ${FIELD_NAMES[n]}`, () => r.next());
    opt.set(n, t);
    last = n;
  }
  if (!r.done) {
    // OpenSSL's template decoder skips absent optionals and then finds bytes left over:
    // "sequence length mismatch". Say which field it was.
    const tag = r.peekTag();
    const n = tag & 0x1f;
    const known = (tag & 0xe0) === 0xa0 && n >= 1 && n <= 19;
    if (known && n <= last)
      fail(
        `field ${describeTag(tag)} out of order or repeated (after [${last}]); fields must ascend (sequence length mismatch)`,
      );
    if (tag === 0xb4) fail('field [20] peer_rpk is not known to OpenSSL 3.0 (sequence length mismatch)');
    fail(`unexpected field ${describeTag(tag)} in SSL_SESSION (sequence length mismatch)`);
  }
  return { version, sslVersion, cipher, sessionId, masterKey, opt };
}

// ---------------------------------------------------------------------------------------------
// Decoding, phase 2: d2i_SSL_SESSION's semantic checks, in its order.

/** Decodes one DER SSL_SESSION with OpenSSL 3.0's d2i rules; an absent [1] time loads as `nowSeconds`. */
export function decodeSession(der: Uint8Array, nowSeconds: number): Session {
  const raw = parseTemplate(der);
  const o = raw.opt;
  const int = (n: number, type: IntType): number | undefined => {
    const t = o.get(n);
    return t === undefined ? undefined : readInt(unwrap(t, n, Tag.INTEGER), `[${n}] ${FIELD_NAMES[n]}`, type);
  };
  const oct = (n: number): Uint8Array | undefined => {
    const t = o.get(n);
    return t === undefined ? undefined : unwrap(t, n, Tag.OCTET_STRING).value.slice();
  };
  // Every field is type-checked before any semantic check, as ASN1_item_d2i runs first.
  const time = int(1, 'ZINT64');
  const timeout = int(2, 'ZINT64');
  let peer: Uint8Array | undefined;
  const peerTlv = o.get(3);
  if (peerTlv !== undefined) {
    const cert = unwrap(peerTlv, 3, Tag.SEQUENCE);
    checkCertificate(cert);
    peer = cert.raw.slice();
  }
  const sidCtx = oct(4);
  const verifyResult = int(5, 'ZINT32');
  const hostname = oct(6);
  const pskHint = oct(7);
  const pskIdentity = oct(8);
  const lifetime = int(9, 'ZUINT64');
  const ticket = oct(10);
  const compId = oct(11);
  const srp = oct(12);
  const flags = int(13, 'ZUINT64');
  const ageAdd = int(14, 'ZUINT32');
  const maxEarlyData = int(15, 'ZUINT32');
  const alpn = oct(16);
  const mfl = int(17, 'ZUINT32');
  const appData = oct(18);
  const kexGroup = int(19, 'UINT32');

  if (raw.version !== ASN1_VERSION)
    fail(`unknown ssl version: session format version ${raw.version}, expected ${ASN1_VERSION}`);
  if (!versionAccepted(raw.sslVersion)) fail(`unsupported ssl version 0x${hex4(raw.sslVersion)}`);
  if (raw.cipher.length !== 2) fail(`cipher code wrong length: ${raw.cipher.length} bytes, expected 2`);
  const cipherSuite = ((raw.cipher[0] ?? 0) << 8) | (raw.cipher[1] ?? 0);
  if (opensslCipherName(cipherSuite) === undefined) fail(`unknown cipher 0x${hex4(cipherSuite)}`);
  if (raw.sessionId.length > MAX_SESSION_ID)
    fail(`session_id longer than ${MAX_SESSION_ID} bytes (${raw.sessionId.length})`);
  if (raw.masterKey.length > MAX_MASTER_KEY)
    fail(`master_key longer than ${MAX_MASTER_KEY} bytes (${raw.masterKey.length})`);
  if (sidCtx !== undefined && sidCtx.length > MAX_SID_CTX)
    fail(`session_id_context longer than ${MAX_SID_CTX} bytes (${sidCtx.length})`);
  if (compId !== undefined && compId.length !== 1) fail(`comp_id must be 1 byte, found ${compId.length} (bad length)`);

  const t = time !== undefined && time !== 0 ? time : nowSeconds;
  return createSession({
    version: raw.sslVersion,
    cipherSuite,
    sessionId: raw.sessionId.slice(),
    masterKey: raw.masterKey.slice(),
    time: t,
    timeout: timeout !== undefined && timeout !== 0 ? timeout : ABSENT_TIMEOUT,
    peerCertificate: peer,
    sessionIdContext: sidCtx ?? new Uint8Array(0),
    verifyResult: verifyResult ?? 0,
    hostname: hostname === undefined ? undefined : cString(hostname),
    ...(pskHint !== undefined ? { pskIdentityHint: cString(pskHint) } : {}),
    ...(pskIdentity !== undefined ? { pskIdentity: cString(pskIdentity) } : {}),
    ...(srp !== undefined ? { srpUsername: cString(srp) } : {}),
    ...(compId?.[0] !== undefined ? { compressionMethod: compId[0] } : {}),
    tickLifetimeHint: lifetime ?? 0,
    ticket,
    flags: (flags ?? 0) % 0x1_0000_0000, // SSL_SESSION.flags is 32 bits in 3.0
    tickAgeAdd: ageAdd ?? 0,
    maxEarlyData: maxEarlyData ?? 0,
    alpnSelected: alpn,
    maxFragmentLenMode: mfl ?? 0,
    ticketAppData: appData,
    kexGroup: kexGroup ?? 0,
    receivedAtMs: t * 1000,
  });
}
