/**
 * The connection's error state (spec/openssl-semantics.md §1.2, §1.4): OpenSSL's error queue,
 * SSL_get_error's decision order, and the failure rules every SSL_* call shares: guard turns a
 * thrown protocol error into its alert and a -1, stepFailure maps a blocked, closed or failed
 * transport to WANT_*, unexpected EOF or SYSCALL. Connection (../connection.ts) adds the calls.
 */
import { SslError, type ErrorEntry } from '../types.js';
import { ConnectionPort } from './port.js';
import type { IoStep } from '../record/layer.js';
import { AlertDescription, AlertLevel } from '../codec/alerts.js';
import { SyscallError, TlsAlert, UnexpectedEof, VerifyError } from '../errors.js';
import { verifyErrorAlert } from '../x509/index.js';

export class ConnectionErrorState extends ConnectionPort {
  /** OpenSSL's error queue, cleared at the start of every call. */
  readonly errors: ErrorEntry[] = [];
  /** The error that made the connection unusable, if any. */
  failure?: Error;
  /** errno of the last SYSCALL failure. */
  lastErrno?: { code: string; errno: number };
  /** Name of the post-handshake message behind the last WANT_READ (for --io-trace). */
  wantReason?: string;
  sentShutdown = false;

  protected rwstate: 'nothing' | 'reading' | 'writing' | 'renegotiate' = 'nothing';

  // --- SSL_get_error ---------------------------------------------------------------------------

  /** SSL_get_error for the return value of the last call (decision order of §1.4). */
  getError(ret: number): SslError {
    if (ret > 0) return SslError.NONE;
    const top = this.errors[0];
    if (top) return top.lib === 'SYS' ? SslError.SYSCALL : SslError.SSL;
    if (this.rwstate === 'reading') return SslError.WANT_READ;
    if (this.rwstate === 'writing') return SslError.WANT_WRITE;
    if (this.rwstate === 'renegotiate') return SslError.WANT_RENEGOTIATE;
    if (this.receivedShutdown) return SslError.ZERO_RETURN;
    return SslError.SYSCALL;
  }

  protected beginCall(): void {
    this.errors.length = 0;
    this.rwstate = 'nothing';
    this.wantReason = undefined;
  }

  /** SSL_CTX_remove_session on this connection's session: not resumable, dropped from the cache. */
  protected markSessionBad(): void {
    // The offered session is this connection's only before ServerHello or once it was resumed;
    // a declined PSK stays untouched, as OpenSSL gives the connection a fresh session then.
    const info = this.handshake.info;
    const s = this.session ?? (info.version === null || info.resumed ? this.params.session : undefined);
    if (!s) return;
    s.notResumable = true;
    this.ctx.sessions.delete(s);
  }

  // --- records ---------------------------------------------------------------------------------

  /** Reads and processes one record. */
  protected step(): IoStep {
    return this.records.readRecord(this.transport);
  }

  /**
   * After the handshake: one buffered post-handshake message. Returns the name of the exchange it
   * completed, null while one is still running, undefined when no message was buffered.
   */
  protected processBufferedHandshake(): string | null | undefined {
    const m = this.records.nextPostHandshake();
    if (!m) return undefined;
    return this.handshake.postHandshake(m.type, m.body, m.raw);
  }

  protected flush(): IoStep {
    return this.records.flush(this.transport);
  }

  // --- failures ----------------------------------------------------------------------------------

  /** Runs a call body, turning thrown protocol errors into OpenSSL-style failures. */
  protected guard(body: () => number): number {
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
  protected fatal(alert: TlsAlert, send: boolean, cause: Error = alert): number {
    this.markSessionBad(); // a fatal alert sent or received removes the session (§5.2)
    if (send && !this.sentShutdown) {
      this.sentShutdown = true;
      if (this.records.pendingWrite === 0) {
        try {
          this.records.queueAlert(AlertLevel.fatal, alert.description);
          this.records.flushRaw(this.transport);
        } catch {
          /* the alert is best effort */
        }
      }
    }
    this.failure = cause;
    this.errors.push({ lib: 'SSL', reason: alert.received ? `ssl/tls alert ${alert.alertName}` : alert.reason });
    return -1;
  }

  protected stepFailure(s: Exclude<IoStep, 'ok'>, op: 'read' | 'write'): number {
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

  protected refuse(): number {
    if (this.failure instanceof SyscallError) return -1;
    return this.sslError('protocol is shutdown');
  }

  protected sslError(reason: string): number {
    this.errors.push({ lib: 'SSL', reason });
    return -1;
  }
}
