/**
 * The length-prefix reader and writer every TLS codec in this project is written against
 * (RFC 8446 §3 presentation language: uint8/16/24/32 and <floor..ceiling> vectors).
 * A short or over-long input raises decode_error, never a RangeError.
 */
import { decodeError } from '../errors.js';

/** Reads big-endian integers and length-prefixed vectors from a byte slice. */
export class Reader {
  private pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly what = 'message',
  ) {}

  /** Bytes not yet consumed. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  /** Current offset from the start of the slice. */
  get offset(): number {
    return this.pos;
  }

  private need(n: number): void {
    if (n > this.buf.length - this.pos) throw decodeError(`${this.what} truncated`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++] ?? 0;
  }
  u16(): number {
    this.need(2);
    const v = ((this.buf[this.pos] ?? 0) << 8) | (this.buf[this.pos + 1] ?? 0);
    this.pos += 2;
    return v;
  }
  u24(): number {
    this.need(3);
    const v = ((this.buf[this.pos] ?? 0) << 16) | ((this.buf[this.pos + 1] ?? 0) << 8) | (this.buf[this.pos + 2] ?? 0);
    this.pos += 3;
    return v;
  }
  u32(): number {
    this.need(4);
    const v =
      (((this.buf[this.pos] ?? 0) << 24) >>> 0) +
      (((this.buf[this.pos + 1] ?? 0) << 16) | ((this.buf[this.pos + 2] ?? 0) << 8) | (this.buf[this.pos + 3] ?? 0));
    this.pos += 4;
    return v;
  }
  /** n raw bytes (a view, not a copy). */
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** Everything left. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }
  /** A vector with a 1-byte length, checked against [min, max]. */
  vec8(min = 0, max = 0xff): Uint8Array {
    return this.vecBody(this.u8(), min, max);
  }
  vec16(min = 0, max = 0xffff): Uint8Array {
    return this.vecBody(this.u16(), min, max);
  }
  vec24(min = 0, max = 0xffffff): Uint8Array {
    return this.vecBody(this.u24(), min, max);
  }
  private vecBody(len: number, min: number, max: number): Uint8Array {
    if (len < min || len > max) throw decodeError(`${this.what}: vector length ${len} outside ${min}..${max}`);
    return this.bytes(len);
  }
  /** A sub-reader over a vector's body, for nested structures. */
  sub8(min = 0, max = 0xff, what = this.what): Reader {
    return new Reader(this.vec8(min, max), what);
  }
  sub16(min = 0, max = 0xffff, what = this.what): Reader {
    return new Reader(this.vec16(min, max), what);
  }
  sub24(min = 0, max = 0xffffff, what = this.what): Reader {
    return new Reader(this.vec24(min, max), what);
  }
  /** Fails with decode_error unless every byte was consumed. */
  end(): void {
    if (this.remaining !== 0) throw decodeError(`${this.what} has ${this.remaining} trailing bytes`);
  }
}

/** Builds big-endian integers and length-prefixed vectors into a growing buffer. */
export class Writer {
  private buf: Uint8Array;
  private len = 0;
  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }
  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  u8(v: number): this {
    this.reserve(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.reserve(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }
  u24(v: number): this {
    this.reserve(3);
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }
  u32(v: number): this {
    this.reserve(4);
    this.buf[this.len++] = (v >>> 24) & 0xff;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  /** A vector with a 1-byte length prefix whose body `body` writes. */
  vec8(body: Uint8Array | ((w: this) => void)): this {
    return this.vec(1, body);
  }
  vec16(body: Uint8Array | ((w: this) => void)): this {
    return this.vec(2, body);
  }
  vec24(body: Uint8Array | ((w: this) => void)): this {
    return this.vec(3, body);
  }
  private vec(width: 1 | 2 | 3, body: Uint8Array | ((w: this) => void)): this {
    this.reserve(width);
    const at = this.len;
    this.len += width;
    if (body instanceof Uint8Array) this.bytes(body);
    else body(this);
    const n = this.len - at - width;
    if (n >= 1 << (8 * width)) throw new RangeError(`vector of ${n} bytes does not fit a ${width}-byte length`);
    for (let i = 0; i < width; i++) this.buf[at + i] = (n >>> (8 * (width - 1 - i))) & 0xff;
    return this;
  }
  /** The bytes written so far (a copy-free view). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Hex encoding, lowercase. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Hex decoding; whitespace is ignored. */
export function fromHex(h: string): Uint8Array {
  const s = h.replace(/\s+/g, '');
  if (s.length % 2 !== 0 || /[^0-9a-fA-F]/.test(s)) throw new Error('bad hex');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Byte equality in time independent of where the inputs differ (for MACs and Finished). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return d === 0;
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
