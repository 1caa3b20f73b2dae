/**
 * The read and write buffers of a connection (OpenSSL's rbuf/wbuf). The reader takes from the
 * transport exactly what the current record needs (OpenSSL's default, read_ahead off), so "no
 * record data left in the buffer" means the same as in OpenSSL. Both buffers can be released
 * while empty (SSL_MODE_RELEASE_BUFFERS) and are reallocated lazily.
 */
import { TlsAlert } from '../errors.js';
import { concat } from '../codec/bytes.js';
import { AlertDescription } from '../codec/alerts.js';
import { MAX_CIPHERTEXT_12, RECORD_HEADER } from './protection.js';
import type { Transport, TransportWrite } from '../types.js';

/** Read buffer size: one maximal TLS 1.2 record with header (OpenSSL allocates 16712 B). */
export const READ_BUFFER_SIZE = RECORD_HEADER + MAX_CIPHERTEXT_12;
/** Initial write buffer size: one maximal TLS 1.3 record (OpenSSL allocates 16584 B). */
export const WRITE_BUFFER_SIZE = RECORD_HEADER + 16384 + 256;

export interface RawRecord {
  type: number;
  version: number;
  body: Uint8Array;
}

export type FillResult = 'record' | 'block' | 'eof' | { error: string; errno: number };

/** Reassembles records from transport reads into the read buffer. */
export class RecordReader {
  private buf: Uint8Array | null = null;
  private have = 0;
  /** Largest record body accepted in the current read epoch. */
  maxBody = MAX_CIPHERTEXT_12;
  /** Whether a first record has been seen (its version is checked more strictly). */
  private first = true;

  /** Bytes of the read buffer currently allocated (0 when released). */
  get allocated(): number {
    return this.buf ? this.buf.length : 0;
  }
  /** Bytes of a partial record waiting in the buffer. */
  get buffered(): number {
    return this.have;
  }

  /** Drops the buffer if it holds nothing (RELEASE_BUFFERS). */
  release(): void {
    if (this.have === 0) this.buf = null;
  }

  /**
   * Reads from the transport until one whole record is there, then returns it (the body is a
   * view that stays valid until the next call). Header checks raise TlsAlert. A record whose
   * header and body each come whole from one transport read is returned as a view of the
   * transport's bytes, not copied into the read buffer (issue 14: one copy less per record on
   * downloads); Transport.read promises they stay unchanged until its next read.
   */
  next(transport: Transport): RawRecord | Exclude<FillResult, 'record'> {
    if (!this.buf) this.buf = new Uint8Array(READ_BUFFER_SIZE);
    if (this.have === 0) {
      const direct = this.nextDirect(transport, this.buf);
      if (direct !== null) return direct;
    }
    while (true) {
      const need = this.have < RECORD_HEADER ? RECORD_HEADER : RECORD_HEADER + this.bodyLength();
      if (this.have >= need) break;
      const r = transport.read(need - this.have);
      if ('wouldBlock' in r) return 'block';
      if ('eof' in r) return 'eof';
      if ('error' in r) return { error: r.error, errno: r.errno };
      this.buf.set(r.data, this.have);
      this.have += r.data.length;
      if (this.have >= RECORD_HEADER && need === RECORD_HEADER) this.checkHeader(this.buf);
    }
    const b = this.buf;
    const body = b.subarray(RECORD_HEADER, RECORD_HEADER + u16(b, 3));
    return this.take(b, body);
  }

  /**
   * The copy-free path of next(), at a record boundary: the header, then the body, each read
   * whole; what comes in parts goes to the read buffer and next() goes on from there. Null when
   * next() has to go on.
   */
  private nextDirect(transport: Transport, buf: Uint8Array): RawRecord | Exclude<FillResult, 'record'> | null {
    const h = transport.read(RECORD_HEADER);
    if (!('data' in h)) return 'wouldBlock' in h ? 'block' : 'eof' in h ? 'eof' : { error: h.error, errno: h.errno };
    const header = h.data;
    if (header.length < RECORD_HEADER) {
      buf.set(header);
      this.have = header.length;
      return null;
    }
    this.checkHeader(header);
    const len = u16(header, 3);
    const r = len > 0 ? transport.read(len) : { data: header.subarray(RECORD_HEADER) };
    if ('data' in r && r.data.length === len) return this.take(header, r.data);
    // The body comes in parts (or not yet): the header waits in the read buffer, as in next().
    buf.set(header);
    this.have = RECORD_HEADER;
    if ('wouldBlock' in r) return 'block';
    if ('eof' in r) return 'eof';
    if ('error' in r) return { error: r.error, errno: r.errno };
    buf.set(r.data, RECORD_HEADER);
    this.have += r.data.length;
    return null;
  }

  /** The record of `header` and `body`; the buffer is empty again. */
  private take(header: Uint8Array, body: Uint8Array): RawRecord {
    this.have = 0;
    this.first = false;
    return { type: header[0] ?? 0, version: u16(header, 1), body };
  }

  private bodyLength(): number {
    return this.buf ? u16(this.buf, 3) : 0;
  }

  /** RFC 8446 §5.1 / RFC 5246 §6.2.1 header checks, as OpenSSL makes them. */
  private checkHeader(b: Uint8Array): void {
    const type = b[0] ?? 0;
    if (this.first && b[1] !== 3) throw new TlsAlert(AlertDescription.protocol_version, 'wrong version number');
    if (type < 20 || type > 23) throw new TlsAlert(AlertDescription.unexpected_message, `unknown record type ${type}`);
    if (b[1] !== 3) throw new TlsAlert(AlertDescription.protocol_version, 'wrong version number');
    if (u16(b, 3) > this.maxBody) throw new TlsAlert(AlertDescription.record_overflow, 'encrypted length too long');
  }
}

/** The big-endian 16-bit field at `at` (record header version and length). */
function u16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

/**
 * Sealed records waiting to be written to the transport, in order: a list of the records
 * themselves, each one array or its parts in order (a record sealed in parts: header, ciphertext,
 * tag, as node:crypto returns them), each a fresh array the buffer owns from append on and never
 * changes, so queueing copies nothing and the transport may keep views of them. Several pending
 * records go to the transport in one writev when it has one (issue 14: one socket write per
 * SSL_write batch, no copy of a record into one array).
 */
export class WriteBuffer {
  private recs: Uint8Array[][] = [];
  /** Parts of recs[0] wholly taken by the transport. */
  private part = 0;
  /** Bytes of recs[0][part] taken by the transport. */
  private head = 0;
  private bytes = 0;
  /** OpenSSL's wbuf is allocated (from the first record until a RELEASE_BUFFERS release). */
  private held = false;

  /**
   * The size OpenSSL's write buffer would have: WRITE_BUFFER_SIZE once used (larger while more is
   * pending), 0 after a release. Our own memory is the pending records only.
   */
  get allocated(): number {
    return this.held ? Math.max(WRITE_BUFFER_SIZE, this.bytes) : 0;
  }
  /** Bytes not yet taken by the transport. */
  get pending(): number {
    return this.bytes;
  }

  /** Records not yet wholly taken by the transport. */
  get records(): number {
    return this.recs.length;
  }

  /** Removes the last `n` records, none of whose bytes the transport has taken. */
  dropLast(n: number): void {
    const started = this.part > 0 || this.head > 0;
    if (n > this.recs.length - (started ? 1 : 0)) throw new RangeError('dropping written bytes');
    for (let i = 0; i < n; i++) for (const p of this.recs.pop() ?? []) this.bytes -= p.length;
  }

  /** Appends one sealed record (or crafted bytes); the caller must not change `bytes` afterwards. */
  append(bytes: Uint8Array): void {
    this.held = true;
    if (bytes.length === 0) return;
    this.recs.push([bytes]);
    this.bytes += bytes.length;
  }

  /** Appends one sealed record given in parts (their concatenation); the caller must not change them afterwards. */
  appendParts(parts: readonly Uint8Array[]): void {
    this.held = true;
    const rec: Uint8Array[] = [];
    for (const p of parts) {
      if (p.length === 0) continue;
      rec.push(p);
      this.bytes += p.length;
    }
    if (rec.length > 0) this.recs.push(rec);
  }

  /**
   * Writes pending bytes until done, would-block or error. A short count is retried at once
   * (a short write never reaches the application, §1.5 step 5). A write that takes nothing
   * without saying it would block is a failure with no errno (errno 0), as after OpenSSL PR
   * #31021: SSL_ERROR_SYSCALL with an empty error queue. A transport without writev is offered
   * the rest of the first record in one array, as when records were sealed into one array.
   */
  flush(transport: Transport): 'done' | 'block' | { error: string; errno: number } {
    while (this.bytes > 0) {
      const first = this.recs[0];
      if (!first) break;
      const rest = this.part > 0 || this.head > 0 ? this.restOfFirst(first) : first;
      let r: TransportWrite;
      if (transport.writev) {
        const list: (Uint8Array | readonly Uint8Array[])[] = [];
        for (const rec of this.recs) list.push(rec.length === 1 ? (rec[0] ?? rec) : rec);
        list[0] = rest.length === 1 ? (rest[0] ?? rest) : rest;
        r = transport.writev(list);
      } else {
        r = transport.write(rest.length === 1 ? (rest[0] ?? new Uint8Array(0)) : concat(...rest));
      }
      if ('wouldBlock' in r) return 'block';
      if ('error' in r) return { error: r.error, errno: r.errno };
      if (r.n <= 0) return { error: '', errno: 0 };
      this.consume(r.n);
    }
    return 'done';
  }

  /** What the transport has not taken of the first record. */
  private restOfFirst(first: Uint8Array[]): Uint8Array[] {
    const rest = first.slice(this.part);
    const p = rest[0];
    if (p && this.head > 0) rest[0] = p.subarray(this.head);
    return rest;
  }

  /** Drops `n` written bytes from the front. */
  private consume(n: number): void {
    this.bytes -= n;
    let left = n;
    while (left > 0) {
      const rec = this.recs[0];
      if (!rec) break;
      const p = rec[this.part];
      const rest = (p?.length ?? 0) - this.head;
      if (left < rest) {
        this.head += left;
        return;
      }
      left -= rest;
      this.head = 0;
      if (++this.part >= rec.length) {
        this.recs.shift();
        this.part = 0;
      }
    }
  }

  /** Drops the buffer if it holds nothing (RELEASE_BUFFERS). */
  release(): void {
    if (this.bytes === 0) {
      this.recs = [];
      this.part = 0;
      this.head = 0;
      this.held = false;
    }
  }
}
