/**
 * The read and write buffers of a connection (OpenSSL's rbuf/wbuf). The reader takes from the
 * transport exactly what the current record needs (OpenSSL's default, read_ahead off), so "no
 * record data left in the buffer" means the same as in OpenSSL. Both buffers can be released
 * while empty (SSL_MODE_RELEASE_BUFFERS) and are reallocated lazily.
 */
import { TlsAlert } from '../errors.js';
import { AlertDescription } from '../codec/alerts.js';
import { MAX_CIPHERTEXT_12, RECORD_HEADER } from './protection.js';
import type { Transport } from '../types.js';

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
   * Reads from the transport until one whole record is buffered, then returns it (the body is a
   * view that stays valid until the next call). Header checks raise TlsAlert.
   */
  next(transport: Transport): RawRecord | Exclude<FillResult, 'record'> {
    if (!this.buf) this.buf = new Uint8Array(READ_BUFFER_SIZE);
    while (true) {
      const need = this.have < RECORD_HEADER ? RECORD_HEADER : RECORD_HEADER + this.bodyLength();
      if (this.have >= need) break;
      const r = transport.read(need - this.have);
      if ('wouldBlock' in r) return 'block';
      if ('eof' in r) return 'eof';
      if ('error' in r) return { error: r.error, errno: r.errno };
      this.buf.set(r.data, this.have);
      this.have += r.data.length;
      if (this.have >= RECORD_HEADER && need === RECORD_HEADER) this.checkHeader();
    }
    const b = this.buf;
    const rec = {
      type: b[0] ?? 0,
      version: u16(b, 1),
      body: b.subarray(RECORD_HEADER, RECORD_HEADER + u16(b, 3)),
    };
    this.have = 0;
    this.first = false;
    return rec;
  }

  private bodyLength(): number {
    return this.buf ? u16(this.buf, 3) : 0;
  }

  /** RFC 8446 §5.1 / RFC 5246 §6.2.1 header checks, as OpenSSL makes them. */
  private checkHeader(): void {
    const b = this.buf;
    if (!b) return;
    const type = b[0] ?? 0;
    if (this.first && b[1] !== 3) throw new TlsAlert(AlertDescription.protocol_version, 'wrong version number');
    if (type < 20 || type > 23) throw new TlsAlert(AlertDescription.unexpected_message, `unknown record type ${type}`);
    if (b[1] !== 3) throw new TlsAlert(AlertDescription.protocol_version, 'wrong version number');
    if (this.bodyLength() > this.maxBody)
      throw new TlsAlert(AlertDescription.record_overflow, 'encrypted length too long');
  }
}

/** The big-endian 16-bit field at `at` (record header version and length). */
function u16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

/** Encrypted bytes waiting to be written to the transport, in order. */
export class WriteBuffer {
  private buf: Uint8Array | null = null;
  private start = 0;
  private end = 0;

  get allocated(): number {
    return this.buf ? this.buf.length : 0;
  }
  /** Bytes not yet taken by the transport. */
  get pending(): number {
    return this.end - this.start;
  }

  /** Appends sealed record bytes. */
  append(bytes: Uint8Array): void {
    if (!this.buf) this.buf = new Uint8Array(Math.max(WRITE_BUFFER_SIZE, bytes.length));
    if (this.start === this.end) this.start = this.end = 0;
    if (this.end + bytes.length > this.buf.length) {
      const live = this.end - this.start;
      if (live + bytes.length > this.buf.length) {
        const next = new Uint8Array(Math.max(this.buf.length * 2, live + bytes.length));
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      } else {
        this.buf.copyWithin(0, this.start, this.end);
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
  }

  /**
   * Writes pending bytes until done, would-block or error. A short count is retried at once
   * (a short write never reaches the application, §1.5 step 5). A write that takes nothing
   * without saying it would block is a failure with no errno (errno 0), as after OpenSSL PR
   * #31021: SSL_ERROR_SYSCALL with an empty error queue.
   */
  flush(transport: Transport): 'done' | 'block' | { error: string; errno: number } {
    while (this.buf && this.end > this.start) {
      const r = transport.write(this.buf.subarray(this.start, this.end));
      if ('wouldBlock' in r) return 'block';
      if ('error' in r) return { error: r.error, errno: r.errno };
      if (r.n <= 0) return { error: '', errno: 0 };
      this.start += r.n;
    }
    this.start = this.end = 0;
    return 'done';
  }

  /** Drops the buffer if it holds nothing (RELEASE_BUFFERS). */
  release(): void {
    if (this.end === this.start) {
      this.buf = null;
      this.start = this.end = 0;
    }
  }
}
