/**
 * SSL_write's pending-write rules (spec/openssl-semantics.md §1.5): OpenSSL's ssl3_write_bytes,
 * tls_write_check_pending and tls_retry_write_records, with SSL_MODE_ENABLE_PARTIAL_WRITE and
 * SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER. Sealed records that did not go out stay pending and are
 * sent as they are by the retry, never re-encrypted.
 */
import { Mode, type Transport } from '../types.js';
import { AlertDescription } from '../codec/alerts.js';
import { TlsAlert } from '../errors.js';
import { ContentType } from './protection.js';
import type { RecordLayer } from './layer.js';

/** Why a write stopped short: would block, or the transport failed with an errno. */
/** Records sealed per flush without PARTIAL_WRITE (64 KiB of 16 KiB records: a loopback socket buffer). */
const BATCH_RECORDS = 4;

export type WriteStall = 'block' | { error: string; errno: number };

export class PendingWrite {
  // OpenSSL's pending-write state (rlayer.wnum, wpend_tot, wpend_buf, wpend_type).
  private wnum = 0;
  private wpendTot = 0;
  private wpendBuf: Uint8Array | null = null;
  private wpendType = 0;
  /** Why the last write returned -1 (set whenever it does). */
  stall: WriteStall = 'block';

  constructor(private readonly records: RecordLayer) {}

  /**
   * Writes `len` bytes of `buf` as application data, `fragment` bytes per record: the count
   * written, or -1 with `stall` saying why. `bytes.written` counts what went out.
   * A retry after -1 must pass the same buffer (unless ACCEPT_MOVING_WRITE_BUFFER) and at
   * least the same length; otherwise TlsAlert internal_error.
   */
  write(
    transport: Transport,
    buf: Uint8Array,
    len: number,
    mode: number,
    fragment: number,
    bytes: { written: number },
  ): number {
    if (len === 0) return 0;
    let tot = this.wnum;
    // §1.5 check 1 (ssl3_write_bytes): the retry may not be shorter than what is already done + pending.
    if (len < this.wnum || (this.wpendTot > 0 && len < this.wnum + this.wpendTot)) {
      throw new TlsAlert(AlertDescription.internal_error, 'bad length');
    }
    this.wnum = 0;
    if (this.wpendTot > 0) {
      // §1.5 check 2 (tls_write_check_pending): same buffer (unless ACCEPT_MOVING_WRITE_BUFFER) and type.
      const moved = buf !== this.wpendBuf && !(mode & Mode.ACCEPT_MOVING_WRITE_BUFFER);
      if (this.wpendTot > len || moved || this.wpendType !== ContentType.application_data) {
        throw new TlsAlert(AlertDescription.internal_error, 'bad write retry');
      }
      // retry_write_records: the sealed bytes go out as they are, never re-encrypted.
      const f = this.records.flushRaw(transport);
      if (f !== 'done') return this.stop(tot, f);
      bytes.written += this.wpendTot;
      tot += this.wpendTot;
      this.wpendTot = 0;
      if (mode & Mode.RELEASE_BUFFERS) this.records.releaseWriteBuffer();
    }
    if (tot === 0) {
      // The start of a logical write: remember what a retry must present (wpend_buf/wpend_type).
      this.wpendBuf = buf;
      this.wpendType = ContentType.application_data;
    }
    if (tot === len) return tot;
    // Without PARTIAL_WRITE, up to BATCH_RECORDS records are sealed before one flush, so the
    // transport gets them in one writev (issue 14). PARTIAL_WRITE returns after each record (§2).
    const batch = mode & Mode.ENABLE_PARTIAL_WRITE || !this.records.batchable ? 1 : BATCH_RECORDS;
    const sizes: number[] = [];
    for (;;) {
      sizes.length = 0;
      let n = 0;
      while (sizes.length < batch && tot + n < len) {
        const r = Math.min(fragment, len - tot - n);
        this.records.queueAppData(buf.subarray(tot + n, tot + n + r));
        sizes.push(r);
        n += r;
      }
      this.wpendTot = n;
      const f = this.records.flushRaw(transport);
      if (f !== 'done') {
        // Cut the batch back to OpenSSL's one-record state (§1.5 steps 4-5): records wholly
        // written count as done (wnum), the first one not wholly written is pending (wpend_tot),
        // and the ones after it, untouched by the transport, are unsealed and dropped.
        const pending = Math.min(sizes.length, this.records.pendingRecords);
        if (pending > 1) this.records.unqueueAppData(pending - 1);
        for (let i = 0; i < sizes.length - pending; i++) {
          const done = sizes[i] ?? 0;
          tot += done;
          bytes.written += done;
        }
        this.wpendTot = sizes[sizes.length - pending] ?? 0;
        return this.stop(tot, f);
      }
      this.wpendTot = 0;
      bytes.written += n;
      // All pending bytes flushed: RELEASE_BUFFERS frees the write buffer now (end of tls_retry_write_records).
      if (mode & Mode.RELEASE_BUFFERS) this.records.releaseWriteBuffer();
      if (tot + n === len || mode & Mode.ENABLE_PARTIAL_WRITE) {
        // Nothing pending: a retry has nothing to match, so the caller's buffer is not kept alive.
        this.wpendBuf = null;
        return tot + n;
      }
      tot += n;
    }
  }

  /** A flush that stopped short: remember what was done (wnum) for the retry. */
  private stop(tot: number, f: WriteStall): number {
    this.wnum = tot;
    this.stall = f;
    return -1;
  }
}
