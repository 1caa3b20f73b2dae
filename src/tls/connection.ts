/**
 * The Connection (OpenSSL's SSL object): drives the handshake over a Transport, and implements
 * SSL_connect/SSL_read/SSL_write/SSL_shutdown with OpenSSL's return values, the pending-write
 * rules and the SSL_MODE_* bits (spec/openssl-semantics.md §1–§4), plus the BoringSSL/OpenSSL
 * accessors (tls-unique, exporter, traffic secrets, renegotiation, fatal alerts). Sans-IO: it only
 * calls the Transport it was given. The record layer (record/layer.ts), the pending-write rules
 * (record/write.ts), the ports the handshake sees (connection/port.ts) and the error queue with
 * SSL_get_error and the failure rules (connection/error-state.ts) live apart.
 */
import { Mode } from './types.js';
import { ConnectionErrorState } from './connection/error-state.js';
import { PendingWrite, type WriteStall } from './record/write.js';
import { AlertDescription, AlertLevel } from './codec/alerts.js';
import { ProtocolVersion } from './codec/names.js';
import { strerror } from './errno.js';
import { TlsAlert, unexpectedMessage } from './errors.js';
import { echRequired } from './handshake/ech-hello.js';
import { exportKeyingMaterial } from './handshake/exporter.js';

export type { ConnectionEvents } from './connection/port.js';

export class Connection extends ConnectionErrorState {
  /** sendFatalAlert queued its alert (a retry after WANT_WRITE only flushes). */
  private pendingFatalAlert = false;

  private readonly writer = new PendingWrite(this.records);

  // --- SSL_connect -----------------------------------------------------------------------------

  /** SSL_connect: 1 when the handshake is complete, otherwise -1 (see getError). */
  connect(): number {
    this.beginCall();
    return this.guard(() => this.doHandshake());
  }

  private doHandshake(): number {
    if (this.failure) return this.refuse();
    this.handshake.start();
    for (;;) {
      const f = this.flush();
      if (f !== 'ok') return this.stepFailure(f, 'write');
      if (this.handshake.done) {
        // BoringSSL EXCESS_HANDSHAKE_DATA, raised after our last flight went out (see RecordLayer).
        if (this.records.excessHandshakeData) throw unexpectedMessage('excess handshake data after the handshake');
        // RFC 9849 §6.1.6: a handshake completed on a rejected ECH offer ends in ech_required.
        echRequired(this.handshake.info.ech);
        this.handshake.releaseHandshakeState();
        return 1;
      }
      const s = this.step();
      if (s !== 'ok') return this.stepFailure(s, 'read');
    }
  }

  // --- SSL_read --------------------------------------------------------------------------------

  /** SSL_read into `buf`: bytes read, 0 after close_notify, or -1 (see getError). */
  read(buf: Uint8Array): number {
    return this.readOrPeek(buf, false);
  }

  /** SSL_peek: as read, but the bytes stay and the next read or peek returns them again. */
  peek(buf: Uint8Array): number {
    return this.readOrPeek(buf, true);
  }

  private readOrPeek(buf: Uint8Array, peek: boolean): number {
    this.beginCall();
    return this.guard(() => {
      if (this.failure) return this.refuse();
      if (!this.handshake.done) {
        const r = this.doHandshake();
        if (r <= 0) return r;
      }
      for (;;) {
        if (this.records.hasAppData) return peek ? this.records.readAppData(buf, true) : this.copyOut(buf);
        if (this.receivedShutdown) return 0;
        if (this.handshake.renegotiatePending) {
          // BoringSSL ssl_read_impl: a deferred HelloRequest waits for SSL_renegotiate.
          this.rwstate = 'renegotiate';
          return -1;
        }
        if (this.handshake.renegotiating && this.records.pendingWrite > 0) {
          // Our renegotiation flight (SSL_renegotiate's ClientHello) goes out before we wait for the answer.
          const f = this.flush();
          if (f !== 'ok') return this.stepFailure(f, 'write');
        }
        const consumed = this.processBufferedHandshake();
        if (consumed !== undefined) {
          this.flush(); // an answer (KeyUpdate, renegotiation flight) goes out now if it can; errors surface on write
          if (consumed !== null && !(this.mode & Mode.AUTO_RETRY) && this.records.bufferedRecord === 0) {
            this.rwstate = 'reading';
            this.wantReason = consumed;
            return -1;
          }
          continue;
        }
        const s = this.step();
        if (s !== 'ok') return this.stepFailure(s, 'read');
      }
    });
  }

  /** Bytes of decrypted application data waiting (SSL_pending). */
  pending(): number {
    return this.records.pendingAppData();
  }

  private copyOut(buf: Uint8Array): number {
    const n = this.records.readAppData(buf);
    this.handshake.info.appBytes.read += n;
    return n;
  }

  // --- SSL_write -------------------------------------------------------------------------------

  /**
   * SSL_write of `len` bytes of `buf`: the count written, or -1 (see getError). Retries after
   * WANT_WRITE must pass the same buffer (unless ACCEPT_MOVING_WRITE_BUFFER) and length (§1.5).
   */
  write(buf: Uint8Array, len = buf.length): number {
    this.beginCall();
    return this.guard(() => {
      if (this.failure) return this.refuse();
      if (this.sentShutdown) return this.sslError('protocol is shutdown');
      if (!this.handshake.done) {
        const r = this.doHandshake();
        if (r <= 0) return r;
      }
      // A TLS 1.2 renegotiation in progress is driven to its end before any application data
      // goes out (ssl3_write_bytes enters the handshake first); meanwhile SSL_write wants to read.
      while (this.handshake.renegotiating) {
        const f = this.flush();
        if (f !== 'ok') return this.stepFailure(f, 'write');
        if (this.processBufferedHandshake() !== undefined) continue;
        const s = this.step();
        if (s !== 'ok') return this.stepFailure(s, 'read');
      }
      const n = this.writer.write(
        this.transport,
        buf,
        len,
        this.mode,
        this.sendFragment(),
        this.handshake.info.appBytes,
      );
      if (n > 0) this.handshake.appDataSent();
      return n >= 0 ? n : this.writeFailure(this.writer.stall);
    });
  }

  /**
   * A flush failure inside SSL_write: WANT_WRITE (retry flag), or a fatal transport error:
   * SYSCALL, with the ERR_LIB_SYS entry OpenSSL 3.4+ queues (§1.2). Either way the sealed bytes
   * stay pending, so the next call with the same arguments tries the same bytes again.
   */
  private writeFailure(f: WriteStall): number {
    if (f === 'block') {
      this.rwstate = 'writing';
      return -1;
    }
    this.lastErrno = { code: f.error, errno: f.errno };
    // A write that took nothing and set no errno (errno 0) leaves the queue empty (§1.5 step 5, n == 0).
    if (f.errno !== 0) {
      this.errors.push({
        lib: 'SYS',
        reason: strerror(f.error),
        errno: f.errno,
        func: 'tls_retry_write_records',
        data: 'tls_retry_write_records failure',
      });
    }
    return -1;
  }

  // --- SSL_shutdown ----------------------------------------------------------------------------

  /** SSL_shutdown: sends close_notify once; 0 when sent, 1 when the peer's was received too. */
  shutdown(): number {
    this.beginCall();
    return this.guard(() => {
      if (!this.sentShutdown && !this.failure) {
        this.sentShutdown = true;
        this.records.queueAlert(AlertLevel.warning, AlertDescription.close_notify);
      }
      const f = this.flush();
      if (f === 'block') {
        this.rwstate = 'writing';
        return -1;
      }
      return this.receivedShutdown ? 1 : 0;
    });
  }

  /**
   * BoringSSL's SSL_send_fatal_alert: sends a fatal alert of the application's choosing (RFC 8446
   * §6.2, RFC 5246 §7.2.2) and makes the connection unusable, its session not resumable. 1 once the
   * alert is out, -1 with WANT_WRITE while the transport blocks (call again), -1 with SSL if the
   * connection had failed already.
   */
  sendFatalAlert(description: AlertDescription): number {
    this.beginCall();
    return this.guard(() => {
      if (this.failure && !this.pendingFatalAlert) return this.refuse();
      if (!this.pendingFatalAlert) {
        this.pendingFatalAlert = true;
        this.markSessionBad();
        this.sentShutdown = true;
        this.records.queueAlert(AlertLevel.fatal, description);
        this.failure = new TlsAlert(description, 'fatal alert sent by the application');
      }
      const f = this.flush();
      if (f === 'block') return this.stepFailure(f, 'write');
      this.pendingFatalAlert = false;
      return f === 'ok' ? 1 : this.stepFailure(f, 'write');
    });
  }

  /**
   * SSL_free: OpenSSL's bad-session rule (§5.2). A connection whose handshake finished but that
   * never sent close_notify leaves its session not resumable (and out of the cache).
   */
  free(): void {
    if (this.handshake.done && !this.sentShutdown) this.markSessionBad();
  }

  /**
   * SSL_get_tls_unique: the tls-unique channel binding (RFC 5929 §3.1) of a TLS 1.0-1.2 connection,
   * null before the handshake completes and for TLS 1.3, which has none (RFC 9266: tls-exporter instead).
   * Also null for a resumption without the extended master secret: the triple handshake attack makes
   * its value shareable by two connections (RFC 7627 §1; BoringSSL refuses it too).
   */
  tlsUnique(): Uint8Array | null {
    const info = this.handshake.info;
    if (!this.handshake.done || info.version === ProtocolVersion.TLS1_3) return null;
    if (info.resumed && !info.extendedMasterSecret) return null;
    return info.tlsUnique ?? null;
  }

  /**
   * SSL_renegotiate: 1 when a TLS 1.2 renegotiation started (its ClientHello is queued and
   * flushed as far as the transport takes it; SSL_read and SSL_write drive the rest), 0 with the
   * reason on the error queue when it cannot start (TLS 1.3, the renegotiation policy, a server
   * without secure renegotiation). The connection stays usable either way.
   */
  renegotiate(): number {
    this.beginCall();
    return this.guard(() => {
      if (this.failure) return this.refuse();
      const why = this.handshake.renegotiate();
      if (why !== null) {
        this.errors.push({ lib: 'SSL', reason: why, func: 'SSL_renegotiate' });
        return 0;
      }
      const f = this.flush();
      return f === 'ok' || f === 'block' ? 1 : this.stepFailure(f, 'write');
    });
  }

  /**
   * SSL_export_keying_material: `length` bytes for `label` and an optional `context` (RFC 5705 §4
   * for TLS 1.0-1.2, RFC 8446 §7.5 for TLS 1.3; no context and an empty one differ only in TLS
   * 1.2). Throws before the handshake has completed, during a TLS 1.2 renegotiation (BoringSSL:
   * not while SSL_in_init), and for a label RFC 5705 §4 reserves (TLS 1.2).
   */
  exportKeyingMaterial(label: string, length: number, context?: Uint8Array): Uint8Array {
    const s = this.exporter;
    if (!s || !this.handshake.done) throw new Error('keying material exporter: the handshake has not completed');
    if (this.handshake.renegotiating) throw new Error('keying material exporter: a renegotiation is in progress');
    return exportKeyingMaterial(this.options.provider, s, label, length, context ?? null);
  }

  /**
   * SSL_get_traffic_secrets (BoringSSL): the current TLS 1.3 application traffic secrets, read
   * (the server's) and write (ours); null before the handshake completes or under TLS 1.2.
   */
  trafficSecrets(): { read: Uint8Array; write: Uint8Array } | null {
    return this.handshake.trafficSecrets();
  }

  /** Sends a KeyUpdate (TLS 1.3), optionally asking the peer to update too. */
  keyUpdate(requestPeer: boolean): void {
    this.handshake.keyUpdate(requestPeer);
    this.flush();
  }
}
