/**
 * Handshake message reassembly across records (RFC 8446 §5.1): messages may be split over
 * several records and several may share one. Message sizes are bounded like OpenSSL's.
 */
import { TlsAlert } from '../errors.js';
import { AlertDescription } from '../codec/alerts.js';

/** Largest handshake message accepted (OpenSSL's default max_cert_list is 100 KiB; allow some headroom). */
export const MAX_HANDSHAKE_MESSAGE = 256 * 1024;

export interface HandshakeMsg {
  type: number;
  body: Uint8Array;
  /** Header and body, as hashed into the transcript. */
  raw: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** Where a HandshakeBuffer reads its message size limit (RecordOwner has it). */
export interface HandshakeLimits {
  readonly maxHandshakeMessage?: number | undefined;
}
const NO_LIMITS: HandshakeLimits = Object.freeze({});

export class HandshakeBuffer {
  private buf = EMPTY;
  private start = 0;
  private end = 0;

  /**
   * @param limits its `maxHandshakeMessage`, read at each message: the largest message body
   *   accepted when the owner sets one (else MAX_HANDSHAKE_MESSAGE); an object rather than a
   *   closure, so a connection's record layer passes itself with no allocation (issue #14)
   */
  constructor(private readonly limits: HandshakeLimits = NO_LIMITS) {}

  /** True when no partial or complete message is waiting. */
  get empty(): boolean {
    return this.start === this.end;
  }

  /** Appends one record's handshake fragment. */
  push(fragment: Uint8Array): void {
    const live = this.end - this.start;
    if (this.end + fragment.length > this.buf.length) {
      const next = new Uint8Array(Math.max(live + fragment.length, this.buf.length * 2, 1024));
      next.set(this.buf.subarray(this.start, this.end));
      this.buf = next;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(fragment, this.end);
    this.end += fragment.length;
  }

  /** The next complete message (copied out), or null if more bytes are needed. */
  next(): HandshakeMsg | null {
    const live = this.end - this.start;
    if (live < 4) return null;
    const b = this.buf;
    const s = this.start;
    const len = ((b[s + 1] ?? 0) << 16) | ((b[s + 2] ?? 0) << 8) | (b[s + 3] ?? 0);
    if (len > (this.limits.maxHandshakeMessage ?? MAX_HANDSHAKE_MESSAGE))
      throw new TlsAlert(AlertDescription.illegal_parameter, 'excessive message size');
    if (live < 4 + len) return null;
    const raw = b.slice(s, s + 4 + len);
    this.start += 4 + len;
    if (this.start === this.end) {
      // Nothing partial is waiting: drop the buffer (it grew to the largest flight, e.g. the
      // Certificate message) rather than keep it for the idle life of the connection.
      this.buf = EMPTY;
      this.start = this.end = 0;
    }
    return { type: raw[0] ?? 0, body: raw.subarray(4), raw };
  }
}
