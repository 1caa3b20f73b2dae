/**
 * Record protection: the null protection of the initial epoch and TLS 1.3 AEAD protection
 * (RFC 8446 §5.2–5.3). TLS 1.2's protections live in protection12.ts and share this interface.
 */
import type { Aead, CryptoProvider } from '../crypto/provider.js';
import { ProtocolVersion, type AeadName } from '../codec/names.js';
import { TlsAlert } from '../errors.js';
import { AlertDescription } from '../codec/alerts.js';

export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

/** RFC 8446 §5.1: 2^14 bytes of plaintext per record at most. */
export const MAX_PLAINTEXT = 16384;
/** RFC 8446 §5.2: TLSCiphertext.length may exceed the plaintext limit by at most 256. */
export const MAX_CIPHERTEXT_13 = MAX_PLAINTEXT + 256;
/** RFC 5246 §6.2.3: TLS 1.2 allows 2048 bytes of expansion. */
export const MAX_CIPHERTEXT_12 = MAX_PLAINTEXT + 2048;
export const RECORD_HEADER = 5;

/** A decrypted record: its real content type and plaintext. */
export interface OpenedRecord {
  type: number;
  fragment: Uint8Array;
}

/** One direction's record protection for one epoch. */
export interface RecordProtection {
  /** True for the initial unprotected epoch. */
  readonly isNull: boolean;
  /** Largest ciphertext body accepted for this epoch. */
  readonly maxCiphertext: number;
  /** Protects one record of `type` and returns the whole wire record (header included). */
  seal(type: number, fragment: Uint8Array, recordVersion: number): Uint8Array;
  /**
   * Optional: as seal, the wire record given as parts in order (header, ciphertext, tag, as the
   * AEAD returns them), so that no copy joins them (issue 14: the write path hands the parts to
   * the socket's writev).
   */
  sealParts?(type: number, fragment: Uint8Array, recordVersion: number): Uint8Array[];
  /**
   * Optional: forgets the last `n` sealed records, none of whose bytes reached the transport, so
   * their sequence numbers are used again (a write batch cut back to what OpenSSL would have sealed).
   * Only epochs whose records depend on nothing but the sequence number (the AEADs) have it.
   */
  unseal?(n: number): void;
  /**
   * Optional, with a ReusingSealer AEAD: every application-data record sealed by sealParts and
   * every plaintext open returned for application data is no longer referenced by anyone, so
   * their memory may be written again (recycle) or dropped (release, RELEASE_BUFFERS). Only the
   * record layer calls them, when it knows (layer.ts).
   */
  recycle?(): void;
  release?(): void;
  /** Removes protection from one record body (header fields given). Throws TlsAlert on failure. */
  open(type: number, version: number, body: Uint8Array): OpenedRecord;
}

/** Writes a 5-byte record header at the start of `out`. */
export function writeHeader(out: Uint8Array, type: number, version: number, length: number): void {
  out[0] = type;
  out[1] = version >>> 8;
  out[2] = version & 0xff;
  out[3] = length >>> 8;
  out[4] = length & 0xff;
}

/** The unprotected epoch before keys are agreed. */
export class NullProtection implements RecordProtection {
  readonly isNull = true;
  readonly maxCiphertext = MAX_PLAINTEXT;
  seal(type: number, fragment: Uint8Array, recordVersion: number): Uint8Array {
    const out = new Uint8Array(RECORD_HEADER + fragment.length);
    writeHeader(out, type, recordVersion, fragment.length);
    out.set(fragment, RECORD_HEADER);
    return out;
  }
  open(type: number, _version: number, body: Uint8Array): OpenedRecord {
    if (body.length > MAX_PLAINTEXT) throw new TlsAlert(AlertDescription.record_overflow, 'record too long');
    return { type, fragment: body };
  }
}

/** The per-record nonce: the IV XORed with the 64-bit sequence number (RFC 8446 §5.3). */
export function xorNonce(iv: Uint8Array, seq: bigint): Uint8Array {
  const nonce = iv.slice();
  const n = nonce.length;
  // Two 32-bit halves: two BigInt operations per record instead of sixteen.
  let lo = Number(BigInt.asUintN(32, seq));
  let hi = Number(BigInt.asUintN(32, seq >> 32n));
  for (let i = 1; i <= 4; i++) {
    nonce[n - i] = (nonce[n - i] ?? 0) ^ (lo & 0xff);
    nonce[n - 4 - i] = (nonce[n - 4 - i] ?? 0) ^ (hi & 0xff);
    lo >>>= 8;
    hi >>>= 8;
  }
  return nonce;
}

/**
 * An AEAD that can seal a whole record at once (the node provider's can): `prefix || ciphertext
 * || tag` in one new array, the plaintext given in parts. Saves joining the inner plaintext and
 * then copying header and ciphertext together: one copy of the record instead of three.
 */
export interface RecordSealer {
  sealRecord(nonce: Uint8Array, aad: Uint8Array, prefix: Uint8Array, parts: readonly Uint8Array[]): Uint8Array;
  /** Optional: the same record as `prefix`, the ciphertext of parts[0], then the rest and the tag in one array. */
  sealRecordParts?(nonce: Uint8Array, aad: Uint8Array, prefix: Uint8Array, parts: readonly Uint8Array[]): Uint8Array[];
}

export function isRecordSealer(a: object): a is RecordSealer {
  return typeof (a as Partial<RecordSealer>).sealRecord === 'function';
}

/**
 * A RecordSealer that seals application-data records and opens them into memory of its own, which
 * it writes again after recycle() (the native AEAD's, issue 14): a bulk transfer then makes no
 * garbage per record, as OpenSSL's read and write buffers make none. The caller vouches, when it
 * calls recycle() or release(), that no output of the *Reusing calls is referenced any more.
 */
export interface ReusingSealer extends RecordSealer {
  sealRecordReusing(nonce: Uint8Array, aad: Uint8Array, prefix: Uint8Array, parts: readonly Uint8Array[]): Uint8Array;
  openReusing(nonce: Uint8Array, ciphertextAndTag: Uint8Array, aad: Uint8Array): Uint8Array | null;
  recycle(): void;
  release(): void;
}

export function isReusingSealer(a: object): a is ReusingSealer {
  return typeof (a as Partial<ReusingSealer>).sealRecordReusing === 'function';
}

/** Whether sealAppRecord can seal for the record layer with `a` (else seal() joins the record). */
export function canSealParts(a: Aead): a is Aead & RecordSealer {
  return isReusingSealer(a) || (isRecordSealer(a) && a.sealRecordParts !== undefined);
}

/**
 * One application-data record for the record layer's write buffer (RecordProtection.sealParts),
 * `prefix || ciphertext || tag`: whole in a ReusingSealer's own memory (recycle), or in parts.
 */
export function sealAppRecord(
  a: RecordSealer,
  nonce: Uint8Array,
  aad: Uint8Array,
  prefix: Uint8Array,
  parts: readonly Uint8Array[],
): Uint8Array[] {
  if (isReusingSealer(a)) return [a.sealRecordReusing(nonce, aad, prefix, parts)];
  return a.sealRecordParts ? a.sealRecordParts(nonce, aad, prefix, parts) : [a.sealRecord(nonce, aad, prefix, parts)];
}

/** The one-byte inner content types (TLSInnerPlaintext.type without padding), shared. */
const CONTENT_TYPE_BYTE: Uint8Array[] = Array.from({ length: 256 }, (_, t) => Uint8Array.of(t));

/** The big-endian 32-bit word at `at`. */
function get32(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}

/** Writes the low 32 bits of `v` big-endian at `at`. */
function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

/** TLS 1.3 AEAD record protection (RFC 8446 §5.2). */
export class Tls13Protection implements RecordProtection {
  // Prototype getters rather than fields: two fields fewer per direction of every connection.
  get isNull(): boolean {
    return false;
  }
  get maxCiphertext(): number {
    return MAX_CIPHERTEXT_13;
  }
  private readonly aead: Aead;
  /**
   * The 12-byte write IV as three big-endian 32-bit words, and the 64-bit sequence number as a
   * Number (exact up to 2^53 records, centuries at any record rate): an idle connection holds no
   * Uint8Array, ArrayBuffer or BigInt per direction for them (issue #14, ~260 B each).
   */
  private readonly iv0: number;
  private readonly iv1: number;
  private readonly iv2: number;
  private seq = 0;
  /** Pad every sealed record's inner plaintext to a multiple of this (0: no padding). */
  padTo = 0;

  constructor(provider: CryptoProvider, aead: AeadName, key: Uint8Array, iv: Uint8Array) {
    // RFC 8446 §5.3: iv_length is max(8 bytes, N_MIN), 12 for every AEAD TLS 1.3 defines.
    if (iv.length !== 12) throw new RangeError(`TLS 1.3 IV must be 12 bytes, got ${iv.length}`);
    this.aead = provider.createAead(aead, key);
    this.iv0 = get32(iv, 0);
    this.iv1 = get32(iv, 4);
    this.iv2 = get32(iv, 8);
  }

  /** The per-record nonce (RFC 8446 §5.3): the IV XORed with the left-padded sequence number. */
  private nonce(): Uint8Array {
    const out = new Uint8Array(12);
    const seq = this.seq;
    put32(out, 0, this.iv0);
    put32(out, 4, this.iv1 ^ Math.floor(seq / 0x1_0000_0000));
    put32(out, 8, this.iv2 ^ seq);
    return out;
  }

  unseal(n: number): void {
    this.seq -= n;
  }

  seal(type: number, fragment: Uint8Array, _recordVersion: number): Uint8Array {
    let pad = 0;
    if (this.padTo > 0) pad = (this.padTo - ((fragment.length + 1) % this.padTo)) % this.padTo;
    // RFC 8446 §5.4: content + type + padding never exceeds 2^14 + 1 (OpenSSL caps it the same way).
    pad = Math.min(pad, Math.max(0, MAX_PLAINTEXT - fragment.length));
    if (isRecordSealer(this.aead)) {
      const header = new Uint8Array(RECORD_HEADER);
      writeHeader(header, ContentType.application_data, ProtocolVersion.TLS1_2, fragment.length + 1 + pad + 16);
      let trailer = CONTENT_TYPE_BYTE[type & 0xff] ?? Uint8Array.of(type);
      if (pad > 0) {
        trailer = new Uint8Array(1 + pad);
        trailer[0] = type;
      }
      const nonce = this.nonce();
      this.seq++;
      return this.aead.sealRecord(nonce, header, header, [fragment, trailer]);
    }
    const inner = new Uint8Array(fragment.length + 1 + pad);
    inner.set(fragment);
    inner[fragment.length] = type;
    return this.sealInnerPlaintext(inner);
  }

  /**
   * Seals `inner` as a record's whole TLSInnerPlaintext (content || type || zeros), unchecked:
   * seal()'s path for an AEAD that seals no whole record, and a test peer's records that seal()
   * never builds (padding past 2^14 + 1, no content type).
   */
  sealInnerPlaintext(inner: Uint8Array): Uint8Array {
    const header = new Uint8Array(RECORD_HEADER);
    writeHeader(header, ContentType.application_data, ProtocolVersion.TLS1_2, inner.length + 16);
    const sealed = this.aead.seal(this.nonce(), inner, header);
    this.seq++;
    const out = new Uint8Array(RECORD_HEADER + sealed.length);
    out.set(header);
    out.set(sealed, RECORD_HEADER);
    return out;
  }

  open(type: number, version: number, body: Uint8Array): OpenedRecord {
    if (type !== ContentType.application_data) {
      throw new TlsAlert(AlertDescription.unexpected_message, 'unprotected record after key change');
    }
    if (body.length > MAX_CIPHERTEXT_13)
      throw new TlsAlert(AlertDescription.record_overflow, 'encrypted length too long');
    if (body.length < 17) throw new TlsAlert(AlertDescription.bad_record_mac, 'decryption failed or bad record mac');
    const aad = new Uint8Array(RECORD_HEADER);
    writeHeader(aad, type, version, body.length);
    const a = this.aead;
    const reusing = isReusingSealer(a);
    const inner = reusing ? a.openReusing(this.nonce(), body, aad) : a.open(this.nonce(), body, aad);
    if (!inner) throw new TlsAlert(AlertDescription.bad_record_mac, 'decryption failed or bad record mac');
    this.seq++;
    // RFC 8446 §5.4: the whole TLSInnerPlaintext (content, type, padding) is at most 2^14 + 1.
    if (inner.length > MAX_PLAINTEXT + 1) throw new TlsAlert(AlertDescription.record_overflow, 'data length too long');
    let end = inner.length;
    while (end > 0 && inner[end - 1] === 0) end--;
    if (end === 0) throw new TlsAlert(AlertDescription.unexpected_message, 'record with no content type');
    const realType = inner[end - 1] ?? 0;
    if (end - 1 > MAX_PLAINTEXT) throw new TlsAlert(AlertDescription.record_overflow, 'data length too long');
    // Only application data stays in reused memory; a handshake message may be kept for long.
    const keep = reusing && realType !== ContentType.application_data;
    return { type: realType, fragment: keep ? inner.slice(0, end - 1) : inner.subarray(0, end - 1) };
  }

  recycle(): void {
    if (isReusingSealer(this.aead)) this.aead.recycle();
  }

  release(): void {
    if (isReusingSealer(this.aead)) this.aead.release();
  }

  /**
   * As seal, in parts (RecordProtection.sealParts), for the record layer's application data:
   * header, the content's ciphertext, then the content type's ciphertext and the tag; or the
   * record whole in a ReusingSealer's own memory (recycle). Padded records (padTo) are sealed whole.
   */
  sealParts(type: number, fragment: Uint8Array, recordVersion: number): Uint8Array[] {
    const a = this.aead;
    if (this.padTo > 0 || !canSealParts(a)) return [this.seal(type, fragment, recordVersion)];
    const header = new Uint8Array(RECORD_HEADER);
    writeHeader(header, ContentType.application_data, ProtocolVersion.TLS1_2, fragment.length + 1 + 16);
    const parts = [fragment, CONTENT_TYPE_BYTE[type & 0xff] ?? Uint8Array.of(type)];
    const nonce = this.nonce();
    this.seq++;
    return sealAppRecord(a, nonce, header, header, parts);
  }
}
