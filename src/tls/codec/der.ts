/**
 * A minimal DER (X.690) reader and writer, shared by the X.509 checks and the OpenSSL session
 * codec. Only definite lengths; a malformed encoding raises DerError.
 */
import { concat } from './bytes.js';

export class DerError extends Error {
  override readonly name = 'DerError';
}

/** One decoded TLV. `tag` is the full identifier octet (class | constructed | number < 31). */
export interface Tlv {
  tag: number;
  /** Content octets (a view into the input). */
  value: Uint8Array;
  /** The whole TLV including header (a view). */
  raw: Uint8Array;
}

export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8String: 0x0c,
  PrintableString: 0x13,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific tag byte: [n] constructed (EXPLICIT) or primitive (IMPLICIT). */
export function ctxTag(n: number, constructed = true): number {
  if (n > 30) throw new DerError('high tag numbers unsupported');
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** Reads consecutive TLVs from a byte slice. */
export class DerReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  /** The tag of the next TLV without consuming it, or -1 at the end. */
  peekTag(): number {
    return this.done ? -1 : (this.buf[this.pos] ?? 0);
  }
  /** Reads the next TLV; if `expect` is given the tag must match. */
  next(expect?: number): Tlv {
    const start = this.pos;
    if (this.pos >= this.buf.length) throw new DerError('unexpected end of DER');
    const tag = this.buf[this.pos++] ?? 0;
    if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers unsupported');
    if (this.pos >= this.buf.length) throw new DerError('truncated DER length');
    let len = this.buf[this.pos++] ?? 0;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4) throw new DerError('unsupported DER length form');
      if (this.pos + n > this.buf.length) throw new DerError('truncated DER length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + (this.buf[this.pos++] ?? 0);
      if (len < 0x80 || (n > 1 && this.buf[this.pos - n] === 0)) throw new DerError('non-minimal DER length');
    }
    if (this.pos + len > this.buf.length) throw new DerError('DER value runs past its container');
    const value = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    if (expect !== undefined && tag !== expect) {
      throw new DerError(`expected DER tag 0x${expect.toString(16)}, found 0x${tag.toString(16)}`);
    }
    return { tag, value, raw: this.buf.subarray(start, this.pos) };
  }
  /** Reads the next TLV only if its tag is `tag`. */
  optional(tag: number): Tlv | undefined {
    return this.peekTag() === tag ? this.next() : undefined;
  }
  /** Fails unless all input was consumed. */
  end(what = 'DER structure'): void {
    if (!this.done) throw new DerError(`trailing data in ${what}`);
  }
}

/** A reader over the contents of a constructed TLV. */
export function derChildren(t: Tlv): DerReader {
  return new DerReader(t.value);
}

/** Decodes a non-negative INTEGER's content as a bigint (two's complement, minimal). */
export function derUint(t: Tlv): bigint {
  const v = t.value;
  if (v.length === 0) throw new DerError('empty INTEGER');
  if (v.length > 1 && v[0] === 0 && ((v[1] ?? 0) & 0x80) === 0) throw new DerError('non-minimal INTEGER');
  if ((v[0] ?? 0) & 0x80) throw new DerError('negative INTEGER where unsigned expected');
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  return n;
}

/** Decodes an OBJECT IDENTIFIER to dotted form. */
export function derOid(t: Tlv): string {
  const v = t.value;
  if (v.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    acc = acc * 128 + ((v[i] ?? 0) & 0x7f);
    if (!((v[i] ?? 0) & 0x80)) {
      if (parts.length === 0) {
        const first = acc < 80 ? Math.floor(acc / 40) : 2;
        parts.push(first, acc - first * 40);
      } else parts.push(acc);
      acc = 0;
    } else if (i === v.length - 1) throw new DerError('truncated OID');
  }
  return parts.join('.');
}

function header(tag: number, len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(tag, len);
  const bytes: number[] = [];
  for (let l = len; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Uint8Array.of(tag, 0x80 | bytes.length, ...bytes);
}

/** Encodes one TLV from its content octets. */
export function derTlv(tag: number, value: Uint8Array): Uint8Array {
  const h = header(tag, value.length);
  const out = new Uint8Array(h.length + value.length);
  out.set(h);
  out.set(value, h.length);
  return out;
}

/** Encodes a constructed TLV from already-encoded children. */
export function derConstructed(tag: number, children: Uint8Array[]): Uint8Array {
  return derTlv(tag, concat(...children));
}

/** Encodes a non-negative integer as a minimal two's-complement INTEGER. */
export function derEncodeUint(n: bigint | number, tag: number = Tag.INTEGER): Uint8Array {
  let v = BigInt(n);
  if (v < 0n) throw new DerError('negative value');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return derTlv(tag, Uint8Array.from(bytes));
}

/**
 * One DER TLV at `off` of `b`, as [tag, start of value, end of value], or null when it is malformed
 * or runs past the end: the non-throwing reader for sniffing a SubjectPublicKeyInfo (the crypto
 * providers' SPKI and RSA key checks). Definite lengths of up to three octets.
 */
export function derTlvAt(b: Uint8Array, off: number): [number, number, number] | null {
  if (off + 2 > b.length) return null;
  const tag = b[off] ?? 0;
  let len = b[off + 1] ?? 0;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 3 || p + n > b.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[p++] ?? 0);
  }
  return p + len <= b.length ? [tag, p, p + len] : null;
}
