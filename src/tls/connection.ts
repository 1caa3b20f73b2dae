/**
 * The Connection (OpenSSL's SSL object): drives the handshake over a Transport, and implements
 * SSL_connect/SSL_read/SSL_write/SSL_shutdown with OpenSSL's return values, SSL_get_error's
 * decision order, the error queue, the pending-write rules and the SSL_MODE_* bits
 * (spec/openssl-semantics.md §1–§4). Sans-IO: it only calls the Transport it was given.
 */
import type { Context } from './context.js';
import { Mode, SslError, type ContextOptions, type ErrorEntry, type MessageEvent, type Transport } from './types.js';
import { ClientHandshake, type ClientParams } from './handshake/client.js';
import type { HandshakeHost } from './handshake/host.js';
import { RecordReader, WriteBuffer } from './record/buffers.js';
import { HandshakeBuffer } from './record/hsbuffer.js';
import { ContentType, NullProtection, type RecordProtection } from './record/protection.js';
import { AlertDescription, AlertLevel, alertName } from './codec/alerts.js';
import { handshakeName, HandshakeType } from './codec/handshake.js';
import { toHex } from './codec/bytes.js';
import { SyscallError, TlsAlert, UnexpectedEof, VerifyError, unexpectedMessage } from './errors.js';
import { verifyErrorAlert } from './x509/index.js';
import type { Session } from './session/session.js';

/** Callbacks for traces and session capture; all optional. */
export interface ConnectionEvents {
  message?(e: MessageEvent): void;
  keylog?(line: string): void;
  session?(s: Session): void;
  state?(name: string): void;
}

/** KeyUpdates tolerated without application data in between (OpenSSL: 32). */
const MAX_KEY_UPDATES = 32;

/** Records that carry no progress (empty, CCS) tolerated in a row (OpenSSL: 32). */
const MAX_EMPTY_RECORDS = 32;
/** Warning alerts in a row that end the connection (OpenSSL MAX_WARN_ALERT_COUNT, TOO_MANY_WARN_ALERTS). */
const MAX_WARN_ALERTS = 5;

type Step = 'ok' | 'block' | 'eof' | { error: string; errno: number };

/** glibc's strerror() texts: the reason string of an ERR_LIB_SYS entry ("Broken pipe" for EPIPE). */
const STRERROR: Record<string, string> = {
  EPIPE: 'Broken pipe',
  ECONNRESET: 'Connection reset by peer',
  ECONNABORTED: 'Software caused connection abort',
  ETIMEDOUT: 'Connection timed out',
  ENOTCONN: 'Transport endpoint is not connected',
  EIO: 'Input/output error',
  ENETDOWN: 'Network is down',
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'No route to host',
  ENOBUFS: 'No buffer space available',
  ENOMEM: 'Cannot allocate memory',
  EBADF: 'Bad file descriptor',
};
function strerror(code: string): string {
  return STRERROR[code] ?? code;
}

export class Connection implements HandshakeHost {
  readonly options: ContextOptions;
  readonly handshake: ClientHandshake;
  /** OpenSSL's error queue, cleared at the start of every call. */
  readonly errors: ErrorEntry[] = [];
  readonly events: ConnectionEvents;
  /** The error that made the connection unusable, if any. */
  failure?: Error;
  /** errno of the last SYSCALL failure. */
  lastErrno?: { code: string; errno: number };
  /** Name of the post-handshake message behind the last WANT_READ (for --io-trace). */
  wantReason?: string;
  receivedShutdown = false;
  sentShutdown = false;

  private mode: number;
  private readonly reader = new RecordReader();
  private readonly out = new WriteBuffer();
  private readonly hsBuf = new HandshakeBuffer();
  private readProt: RecordProtection = new NullProtection();
  private writeProt: RecordProtection = new NullProtection();
  private recordVersion = 0x0301;
  private rwstate: 'nothing' | 'reading' | 'writing' = 'nothing';
  private appData: Uint8Array[] = [];
  private emptyRecords = 0;
  private keyUpdates = 0;
  /** Consecutive warning alerts (reset by any non-empty record that is not an alert). */
  private warnAlerts = 0;
  // OpenSSL's pending-write state (rlayer.wnum, wpend_tot, wpend_buf, wpend_type).
  private wnum = 0;
  private wpendTot = 0;
  private wpendBuf: Uint8Array | null = null;
  private wpendType = 0;
  private latestSession?: Session;

  constructor(
    private readonly ctx: Context,
    private readonly transport: Transport,
    private readonly params: ClientParams,
    events: ConnectionEvents = {},
  ) {
    this.options = { ...ctx.options };
    this.mode = ctx.options.mode;
    this.events = events;
    this.handshake = new ClientHandshake(this, params);
  }

  // --- modes ---------------------------------------------------------------------------------

  /** SSL_set_mode: ORs bits in and returns the new mask. */
  setMode(bits: number): number {
    return (this.mode |= bits);
  }
  /** SSL_clear_mode. */
  clearMode(bits: number): number {
    return (this.mode &= ~bits);
  }
  /** SSL_get_mode. */
  getMode(): number {
    return this.mode;
  }
  /** Debug accessor: bytes held by the read and write buffers (RELEASE_BUFFERS). */
  bufferState(): { readBuffer: number; writeBuffer: number } {
    return { readBuffer: this.reader.allocated, writeBuffer: this.out.allocated };
  }

  // --- SSL_get_error ---------------------------------------------------------------------------

  /** SSL_get_error for the return value of the last call (decision order of §1.4). */
  getError(ret: number): SslError {
    if (ret > 0) return SslError.NONE;
    const top = this.errors[0];
    if (top) return top.lib === 'SYS' ? SslError.SYSCALL : SslError.SSL;
    if (this.rwstate === 'reading') return SslError.WANT_READ;
    if (this.rwstate === 'writing') return SslError.WANT_WRITE;
    if (this.receivedShutdown) return SslError.ZERO_RETURN;
    return SslError.SYSCALL;
  }

  private beginCall(): void {
    this.errors.length = 0;
    this.rwstate = 'nothing';
    this.wantReason = undefined;
  }

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
    this.beginCall();
    return this.guard(() => {
      if (this.failure) return this.refuse();
      if (!this.handshake.done) {
        const r = this.doHandshake();
        if (r <= 0) return r;
      }
      for (;;) {
        if (this.appData.length) return this.copyOut(buf);
        if (this.receivedShutdown) return 0;
        const consumed = this.processBufferedHandshake();
        if (consumed !== undefined) {
          this.flush(); // an answer (KeyUpdate, renegotiation flight) goes out now if it can; errors surface on write
          if (consumed !== null && !(this.mode & Mode.AUTO_RETRY) && this.reader.buffered === 0) {
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
    return this.appData.reduce((n, c) => n + c.length, 0);
  }

  private copyOut(buf: Uint8Array): number {
    let n = 0;
    while (n < buf.length && this.appData.length) {
      const c = this.appData[0]!;
      const take = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, take), n);
      n += take;
      if (take === c.length) this.appData.shift();
      else this.appData[0] = c.subarray(take);
    }
    this.handshake.info.appBytes.read += n;
    if (this.mode & Mode.RELEASE_BUFFERS) this.reader.release();
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
      if (len === 0) return 0;
      let tot = this.wnum;
      // §1.5 check 1 (ssl3_write_bytes): the retry may not be shorter than what is already done + pending.
      if (len < this.wnum || (this.wpendTot > 0 && len < this.wnum + this.wpendTot)) {
        return this.fatal(new TlsAlert(AlertDescription.internal_error, 'bad length'), true);
      }
      this.wnum = 0;
      if (this.wpendTot > 0) {
        // §1.5 check 2 (tls_write_check_pending): same buffer (unless ACCEPT_MOVING_WRITE_BUFFER) and type.
        const moved = buf !== this.wpendBuf && !(this.mode & Mode.ACCEPT_MOVING_WRITE_BUFFER);
        if (this.wpendTot > len || moved || this.wpendType !== ContentType.application_data) {
          return this.fatal(new TlsAlert(AlertDescription.internal_error, 'bad write retry'), true);
        }
        // retry_write_records: the sealed bytes go out as they are, never re-encrypted.
        const f = this.out.flush(this.transport);
        if (f !== 'done') {
          this.wnum = tot;
          return this.writeFailure(f);
        }
        this.handshake.info.appBytes.written += this.wpendTot;
        tot += this.wpendTot;
        this.wpendTot = 0;
        if (this.mode & Mode.RELEASE_BUFFERS) this.out.release();
      }
      if (tot === 0) {
        // The start of a logical write: remember what a retry must present (wpend_buf/wpend_type).
        this.wpendBuf = buf;
        this.wpendType = ContentType.application_data;
      }
      if (tot === len) return tot;
      const frag = this.sendFragment();
      for (;;) {
        const n = Math.min(frag, len - tot);
        this.out.append(
          this.writeProt.seal(ContentType.application_data, buf.subarray(tot, tot + n), this.recordVersion),
        );
        this.wpendTot = n;
        const f = this.out.flush(this.transport);
        if (f !== 'done') {
          this.wnum = tot;
          return this.writeFailure(f);
        }
        this.wpendTot = 0;
        this.handshake.info.appBytes.written += n;
        // All pending bytes flushed: RELEASE_BUFFERS frees the write buffer now (end of tls_retry_write_records).
        if (this.mode & Mode.RELEASE_BUFFERS) this.out.release();
        if (tot + n === len || this.mode & Mode.ENABLE_PARTIAL_WRITE) return tot + n;
        tot += n;
      }
    });
  }

  /** Plaintext bytes per record: max_send_fragment, capped by a negotiated max_fragment_length (§2.2). */
  private sendFragment(): number {
    return Math.min(this.options.maxSendFragment, this.handshake.info.maxSendFragment);
  }

  /**
   * A flush failure inside SSL_write: WANT_WRITE (retry flag), or a fatal transport error:
   * SYSCALL, with the ERR_LIB_SYS entry OpenSSL 3.4+ queues (§1.2). Either way the sealed bytes
   * stay pending, so the next call with the same arguments tries the same bytes again.
   */
  private writeFailure(f: 'block' | { error: string; errno: number }): number {
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
        this.queueAlert(AlertLevel.warning, AlertDescription.close_notify);
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
   * SSL_free: OpenSSL's bad-session rule (§5.2). A connection whose handshake finished but that
   * never sent close_notify leaves its session not resumable (and out of the cache).
   */
  free(): void {
    if (this.handshake.done && !this.sentShutdown) this.markSessionBad();
  }

  /** SSL_CTX_remove_session on this connection's session: not resumable, dropped from the cache. */
  private markSessionBad(): void {
    // The offered session is this connection's only before ServerHello or once it was resumed;
    // a declined PSK stays untouched, as OpenSSL gives the connection a fresh session then.
    const info = this.handshake.info;
    const s = this.session ?? (info.version === null || info.resumed ? this.params.session : undefined);
    if (!s) return;
    s.notResumable = true;
    this.ctx.sessions.delete(s);
  }

  /** Sends a KeyUpdate (TLS 1.3), optionally asking the peer to update too. */
  keyUpdate(requestPeer: boolean): void {
    this.handshake.keyUpdate(requestPeer);
    this.flush();
  }

  // --- records in --------------------------------------------------------------------------------

  /** Reads and processes one record. */
  private step(): Step {
    const rec = this.reader.next(this.transport);
    if (typeof rec === 'string' || 'error' in rec) {
      // A read that would block or hit EOF with nothing buffered frees the read buffer (tls_default_read_n).
      if (this.mode & Mode.RELEASE_BUFFERS) this.reader.release();
      return rec;
    }
    if (!this.handshake.done) this.handshake.info.handshakeBytes.read += 5 + rec.body.length;
    // TLS 1.3 compatibility CCS records are never protected (RFC 8446 §5).
    const plainCcs = rec.type === ContentType.change_cipher_spec && this.handshake.info.version === 0x0304;
    const { type, fragment } = plainCcs
      ? { type: rec.type, fragment: rec.body }
      : this.readProt.open(rec.type, rec.version, rec.body);
    this.dispatch(type, fragment, rec.version);
    if (this.mode & Mode.RELEASE_BUFFERS) this.reader.release();
    return 'ok';
  }

  private dispatch(type: number, fragment: Uint8Array, version: number): void {
    if (fragment.length === 0 || type === ContentType.change_cipher_spec) {
      if (++this.emptyRecords > MAX_EMPTY_RECORDS) throw unexpectedMessage('too many empty records');
    } else this.emptyRecords = 0;
    if (type !== ContentType.alert && fragment.length !== 0) this.warnAlerts = 0;
    // TLS 1.3: no other record type between the fragments of a handshake message (RFC 8446 §5.1).
    if (type !== ContentType.handshake && !this.hsBuf.empty && this.handshake.info.version === 0x0304) {
      throw unexpectedMessage('mixed handshake and non handshake data');
    }
    switch (type) {
      case ContentType.handshake:
        if (fragment.length === 0) throw unexpectedMessage('empty handshake record');
        this.hsBuf.push(fragment);
        if (!this.handshake.done)
          while (!this.handshake.done && this.processOneHandshake(version)) {
            /* next */
          }
        return;
      case ContentType.change_cipher_spec:
        return this.onChangeCipherSpec(fragment, version);
      case ContentType.alert:
        return this.onAlert(fragment, version);
      case ContentType.application_data:
        if (!this.handshake.done) throw unexpectedMessage('application data before the handshake completed');
        if (!this.hsBuf.empty) throw unexpectedMessage('application data inside a fragmented handshake message');
        if (fragment.length) {
          // Decrypted plaintext is fresh memory; only a view into the read buffer needs a copy.
          this.appData.push(this.readProt.isNull ? fragment.slice() : fragment);
          this.keyUpdates = 0;
        }
        return;
      default:
        throw unexpectedMessage(`unexpected record type ${type}`);
    }
  }

  /** Handles one complete handshake message; false when none is buffered. */
  private processOneHandshake(version: number): boolean {
    const m = this.hsBuf.next();
    if (!m) return false;
    this.trace('received', version, ContentType.handshake, m.raw, handshakeName(m.type));
    this.handshake.handle(m.type, m.body, m.raw);
    return true;
  }

  /**
   * After the handshake: one buffered post-handshake message. Returns the name of the exchange it
   * completed, null while one is still running, undefined when no message was buffered.
   */
  private processBufferedHandshake(): string | null | undefined {
    const m = this.hsBuf.next();
    if (!m) return undefined;
    this.trace('received', 0x0303, ContentType.handshake, m.raw, handshakeName(m.type));
    // OpenSSL's SSL_R_TOO_MANY_KEY_UPDATES: at most 32 KeyUpdates without application data between.
    if (m.type === HandshakeType.key_update && ++this.keyUpdates > MAX_KEY_UPDATES)
      throw unexpectedMessage('too many key updates');
    return this.handshake.postHandshake(m.type, m.body, m.raw);
  }

  /** ChangeCipherSpec: one byte 0x01; TLS 1.2 switches read keys, TLS 1.3 only tolerates it in the handshake (RFC 8446 §5). */
  private onChangeCipherSpec(fragment: Uint8Array, version: number): void {
    this.trace('received', version, ContentType.change_cipher_spec, fragment, 'ChangeCipherSpec');
    if (fragment.length !== 1 || fragment[0] !== 1) throw unexpectedMessage('bad ChangeCipherSpec');
    if (!this.hsBuf.empty) throw unexpectedMessage('ChangeCipherSpec inside a fragmented handshake message');
    this.handshake.changeCipherSpec();
  }

  /** Alerts: close_notify ends reading; user_canceled is ignored; anything else is fatal in 1.3. */
  private onAlert(fragment: Uint8Array, version: number): void {
    if (fragment.length !== 2) throw new TlsAlert(AlertDescription.decode_error, 'bad alert record');
    const [level, desc] = [fragment[0]!, fragment[1]!];
    this.trace(
      'received',
      version,
      ContentType.alert,
      fragment,
      `Alert ${level === AlertLevel.fatal ? 'fatal' : 'warning'} ${alertName(desc)}`,
    );
    const tls13 = this.handshake.info.version === 0x0304;
    if (
      (level === AlertLevel.warning || (tls13 && desc === AlertDescription.user_canceled)) &&
      ++this.warnAlerts === MAX_WARN_ALERTS
    ) {
      throw unexpectedMessage('too many warn alerts');
    }
    if (desc === AlertDescription.close_notify) {
      this.receivedShutdown = true;
      return;
    }
    if (desc === AlertDescription.user_canceled && level === AlertLevel.warning) return;
    throw new TlsAlert(desc, '', true);
  }

  // --- records out -------------------------------------------------------------------------------

  private flush(): Step {
    const f = this.out.flush(this.transport);
    if (f === 'done') {
      if (this.mode & Mode.RELEASE_BUFFERS) this.out.release();
      return 'ok';
    }
    return f;
  }

  /** Handshake messages and alerts, cut at the same fragment size as application data (as OpenSSL does). */
  private queueRecord(type: number, data: Uint8Array): void {
    const frag = this.sendFragment();
    for (let off = 0; off < data.length || off === 0; off += frag) {
      const rec = this.writeProt.seal(type, data.subarray(off, off + frag), this.recordVersion);
      if (!this.handshake.done) this.handshake.info.handshakeBytes.written += rec.length;
      this.out.append(rec);
      if (data.length === 0) break;
    }
  }

  private queueAlert(level: number, desc: number): void {
    const body = Uint8Array.of(level, desc);
    this.trace(
      'sent',
      this.recordVersion,
      ContentType.alert,
      body,
      `Alert ${level === AlertLevel.fatal ? 'fatal' : 'warning'} ${alertName(desc)}`,
    );
    this.queueRecord(ContentType.alert, body);
  }

  private trace(
    direction: 'sent' | 'received',
    version: number,
    contentType: number,
    bytes: Uint8Array,
    name: string,
  ): void {
    this.events.message?.({ direction, version, contentType, bytes, name });
  }

  // --- HandshakeHost -----------------------------------------------------------------------------

  sendHandshake(message: Uint8Array): void {
    this.trace('sent', this.recordVersion, ContentType.handshake, message, handshakeName(message[0]!));
    this.queueRecord(ContentType.handshake, message);
  }
  sendChangeCipherSpec(): void {
    const body = Uint8Array.of(1);
    this.trace('sent', this.recordVersion, ContentType.change_cipher_spec, body, 'ChangeCipherSpec');
    // Under the current write keys: plaintext initially (and for TLS 1.3's compatibility CCS),
    // protected during a TLS 1.2 renegotiation.
    const rec = this.writeProt.seal(ContentType.change_cipher_spec, body, this.recordVersion);
    this.handshake.info.handshakeBytes.written += rec.length;
    this.out.append(rec);
  }
  setReadProtection(p: RecordProtection): void {
    if (!this.hsBuf.empty) throw unexpectedMessage('handshake message not aligned with a key change');
    this.readProt = p;
    this.reader.maxBody = p.maxCiphertext;
  }
  setWriteProtection(p: RecordProtection): void {
    this.writeProt = p;
  }
  setRecordVersion(v: number): void {
    this.recordVersion = v;
  }
  keylog(label: string, clientRandom: Uint8Array, secret: Uint8Array): void {
    this.events.keylog?.(`${label} ${toHex(clientRandom)} ${toHex(secret)}`);
  }
  newSession(s: Session): void {
    this.latestSession = s;
    this.events.session?.(s);
  }

  /** SSL_get_session: the newest session of this connection (the offered one after a resumption). */
  get session(): Session | undefined {
    return this.latestSession ?? (this.handshake.info.resumed ? this.params.session : undefined);
  }
  state(name: string): void {
    this.events.state?.(name);
  }

  // --- failures ----------------------------------------------------------------------------------

  /** Runs a call body, turning thrown protocol errors into OpenSSL-style failures. */
  private guard(body: () => number): number {
    try {
      return body();
    } catch (e) {
      if (e instanceof VerifyError)
        return this.fatal(new TlsAlert(verifyErrorAlert(e.code), 'certificate verify failed'), true, e);
      if (e instanceof TlsAlert) return this.fatal(e, !e.received);
      return this.fatal(
        new TlsAlert(AlertDescription.internal_error, `internal error: ${(e as Error).message}`),
        true,
        e as Error,
      );
    }
  }

  /**
   * A fatal error: queue the alert (best effort), record it, make the connection unusable. As in
   * ssl3_send_alert, the alert goes out only when no write is pending; otherwise OpenSSL leaves it
   * to be dispatched "some time in the future", which never comes on a dead connection.
   */
  private fatal(alert: TlsAlert, send: boolean, cause: Error = alert): number {
    this.markSessionBad(); // a fatal alert sent or received removes the session (§5.2)
    if (send && !this.sentShutdown) {
      this.sentShutdown = true;
      if (this.out.pending === 0) {
        try {
          this.queueAlert(AlertLevel.fatal, alert.description);
          this.out.flush(this.transport);
        } catch {
          /* the alert is best effort */
        }
      }
    }
    this.failure = cause;
    this.errors.push({ lib: 'SSL', reason: alert.received ? `ssl/tls alert ${alert.alertName}` : alert.reason });
    return -1;
  }

  private stepFailure(s: Exclude<Step, 'ok'>, op: 'read' | 'write'): number {
    if (s === 'block') {
      this.rwstate = op === 'read' ? 'reading' : 'writing';
      return -1;
    }
    if (s === 'eof') {
      this.failure = new UnexpectedEof(this.handshake.done);
      this.errors.push({ lib: 'SSL', reason: 'unexpected eof while reading' });
      return -1;
    }
    this.lastErrno = { code: s.error, errno: s.errno };
    this.failure = new SyscallError(s.error, s.errno);
    return -1; // empty queue: SSL_get_error gives SYSCALL (§1.4 step 7)
  }

  private refuse(): number {
    if (this.failure instanceof SyscallError) return -1;
    return this.sslError('protocol is shutdown');
  }

  private sslError(reason: string): number {
    this.errors.push({ lib: 'SSL', reason });
    return -1;
  }
}
